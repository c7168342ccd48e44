# shellcheck shell=sh
# releases/seal.sh: makes or reuses a staged release's venv and runs gate 1: in the venv, import the app and
# request the health path through a WSGI test client (no network, no service touched). Then checks that the uWSGI
# the plan chose for the slot is there (uf_exit no-uwsgi otherwise).
# $1 the publish directory, $2 the release id, $3 the release's info in base64, $4 the python, $5 the venv key,
# $6 'yes' for --system-site-packages, $7 the requirements file relative to the release ('' for none), $8 the
# shared directories, one per line, $9 the WSGI shim in base64, $10 the gate program in base64, $11 the entry
# (module:attr or module:factory()), $12 the health path, $13 the uWSGI the slot runs, then pip's arguments.
root=$(host_path "$1")
id=$2
release="$root/releases/$id"
venv="$root/venvs/$5"
shim="$root/uf_wsgi.py"
gate="$root/uf_gate.py"
[ -d "$release" ] || uf_exit verify
write_file "$root/meta/$id.info" "$3" '' || uf_exit failed
# Shared directories outlive releases (uploads, a SQLite database): the release gets a link to each.
printf '%s\n' "$8" | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	mkdir -p -- "$root/shared/$dir" "$(dirname -- "$release/$dir")" || uf_exit failed
	rm -rf -- "${release:?}/$dir"
	ln -s -- "$root/shared/$dir" "$release/$dir" || uf_exit failed
done || uf_exit failed
write_file "$shim" "$9" '' || uf_exit failed
write_file "$gate" "${10}" '' || uf_exit failed
python=$4
system_site=$6
requirements=$7
entry=${11}
health=${12}
uwsgi=${13}
shift 13
section venv
if [ -x "$venv/bin/python" ] && [ ! -e "$venv/.uf-incomplete" ]; then
	fact reused yes
else
	fact reused no
	# Built in place: a venv cannot be moved. The marker stays until pip is done, so a cut-off build is redone.
	rm -rf -- "$venv"
	if ! mkdir -p -- "$venv" || ! touch -- "$venv/.uf-incomplete"; then uf_exit venv; fi
	section venv-build
	if [ "$system_site" = yes ]; then
		"$python" -m venv --system-site-packages "$venv" 2>&1 || uf_exit venv
	else
		"$python" -m venv "$venv" 2>&1 || uf_exit venv
	fi
	touch -- "$venv/.uf-incomplete"
	if [ -n "$requirements" ]; then
		"$venv/bin/python" -m pip install --disable-pip-version-check "$@" -r "$release/$requirements" 2>&1 || uf_exit venv
	fi
	rm -f -- "$venv/.uf-incomplete"
fi
section gate
UF_ENTRY=$entry UF_SECRETS="$root/secrets" UF_RELEASE=$release "$venv/bin/python" "$gate" "$shim" "$health" 2>&1
status=$?
section gate-exit
fact exit "$status"
[ "$status" -eq 0 ] || uf_exit gate
[ -x "$uwsgi" ] || uf_exit no-uwsgi
