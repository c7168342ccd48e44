# shellcheck shell=sh
# diagnosis/published.sh: what Test-FlaskDeployment checks of a published app, in one round trip. An app with no
# state file is checked as the guide lays an app out: the section "not-published", then diagnose_guide's sections, in
# the same round trip.
# $1 the publish directory (~/apps/NAME), $2 the app's name (its slots are NAME-a and NAME-b), $3... diagnose_guide's
# parameters (lib.sh).
# uses: files proc publish diagnosis
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
root=$(host_path "$1")
name=$2
app_layout "$root"
if [ ! -f "$uf_state" ]; then
	section not-published
	shift 2
	if [ "$#" -ge 5 ]; then diagnose_guide "$@"; fi
	exit 0
fi
start_side_by_side status supervisorctl status "$name-a" "$name-b"
start_side_by_side backends uberspace web backend list
report_host
fact root "$root"
section state
cat -- "$uf_state"
section releases
ls -1 -- "$uf_releases" 2>/dev/null
section meta
ls -1 -- "$uf_meta" 2>/dev/null
show_lock "$root"
section lock-age
if [ -d "$uf_lock" ]; then fact seconds "$(($(date +%s) - $(stat -c %Y -- "$uf_lock")))"; fi
section secrets-mode
if [ -f "$uf_secrets" ]; then stat -c %a -- "$uf_secrets"; fi
for slot in a b; do
	show_file "slot-service:$slot" "$HOME/etc/services.d/$name-$slot.ini"
	section "pid:$slot"
	head -c 20 -- "$root/slot-$slot.pid" 2>/dev/null
done
section disk
du -sk -- "$uf_releases" "$uf_venvs" 2>/dev/null
show_listeners
show_side_by_side status backends
