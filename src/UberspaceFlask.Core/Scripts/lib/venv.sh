# shellcheck shell=sh
# lib/venv.sh: the one venv rule: a marker beside a venv until its packages are in.
# uses: (proto only)

# The one venv rule, for the guide's venv and a release's alike: a venv being built carries a marker beside it
# (DIR/.NAME.uf-incomplete; beside, because `venv --clear` empties the folder) until its packages are in, so a build
# cut off in between is noticed and done again.
venv_marker() {
	printf '%s/.%s.uf-incomplete\n' "$(dirname -- "$1")" "$(basename -- "$1")"
}

# venv_create PYTHON VENV SYSTEM_SITE: a fresh venv ('yes': over the system's site-packages), marked incomplete.
venv_create() {
	touch -- "$(venv_marker "$2")" || return 1
	if [ "$3" = yes ]; then
		"$1" -m venv --clear --system-site-packages "$2"
	else
		"$1" -m venv --clear "$2"
	fi
}

venv_done() {
	rm -f -- "$(venv_marker "$1")"
}

# Whether VENV is complete. (A release's venv built by an earlier version kept its marker inside it.)
venv_ready() {
	[ -x "$1/bin/python" ] && [ ! -e "$(venv_marker "$1")" ] && [ ! -e "$1/.uf-incomplete" ]
}
