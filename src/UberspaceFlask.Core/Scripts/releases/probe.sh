# shellcheck shell=sh
# releases/probe.sh: everything Publish-FlaskApp decides on, in one round trip; changes nothing.
# $1 the app's publish directory (~/apps/NAME), $2 the app name (its slots are the services NAME-a and NAME-b),
# $3 the python to build venvs with, $4 a uWSGI binary as given ('' to use the venv's or the one on PATH), $5 'records'
# for the release records alone (state, lock, releases, venvs: what Get-/Remove-FlaskRelease read), '' for all, $6
# 'ask' to ask supervisorctl about the slots. Without it each slot's uWSGI master reports for itself (show_master_of)
# with the listening sockets, and the module asks again when that does not tell enough.
# uses: files proc venv publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
root=$(host_path "$1")
name=$2
records=${5:-}
if [ -z "$records" ]; then
	if [ "${6:-}" = ask ]; then start_side_by_side status supervisorctl status "$name-a" "$name-b"; fi
	start_side_by_side backends uberspace web backend list
fi
report_host
fact root "$root"
app_layout "$root"
if [ -z "$records" ]; then
	section python
	# -S: the version needs no site-packages, and importing them is most of a Python's start (it runs beside two more).
	"$3" -S -c 'import sys; print(sys.version.split()[0])' 2>&1
fi
section state
if [ -f "$uf_state" ]; then cat -- "$uf_state"; fi
show_lock "$root"
for info in "$uf_meta"/*.info; do
	[ -f "$info" ] || continue
	section "info:$(basename -- "$info" .info)"
	cat -- "$info"
	printf 'size=%s\n' "$(du -sk -- "$uf_releases/$(basename -- "$info" .info)" 2>/dev/null | cut -f1)"
done
# Complete venvs, each with "uwsgi" after its key when pip put a uWSGI into it.
section venvs
for venv in "$uf_venvs"/*; do
	if venv_ready "$venv"; then
		if [ -x "$venv/bin/uwsgi" ]; then printf '%s uwsgi\n' "$(basename -- "$venv")"; else basename -- "$venv"; fi
	fi
done
[ -z "$records" ] || exit 0
if [ "${6:-}" != ask ]; then
	for slot in a b; do show_master_of "$root/slot-$slot.pid" "master:$slot" || :; done
	show_listeners
fi
section uwsgi
fact system "$(command -v uwsgi)"
if [ -n "$4" ]; then
	uwsgi=$(host_path "$4")
	fact explicit "$uwsgi"
	if [ -f "$uwsgi" ] && [ -x "$uwsgi" ]; then fact explicitok yes; fi
fi
# The slots' files, which the plan renders anew and compares (a hand edit is kept unless -Force).
for slot in a b; do
	show_file "slot-ini:$slot" "$root/slot-$slot.ini"
	show_file "slot-service:$slot" "$HOME/etc/services.d/$name-$slot.ini"
done
section secrets
if [ -f "$uf_secrets" ]; then sha256sum <"$uf_secrets" | cut -c1-64; fi
# The current release's manifest: only files that differ from it travel.
current=$(sed -n 's/^current=//p' "$uf_state" 2>/dev/null | head -n 1)
section manifest
if [ -n "$current" ] && [ -f "$uf_meta/$current.manifest" ]; then cat -- "$uf_meta/$current.manifest"; fi
show_side_by_side status backends
