# shellcheck shell=sh
# apps/list.sh: every Flask app of the account in one round trip (Get-FlaskApp): supervisord's programs and their
# inis, the web backends, the listening sockets, each published app's state (~/apps/NAME/state) and the uwsgi.ini
# of each folder in the home (where the guide's pipeline puts an app). Changes nothing.
# uses: files proc supervisor
start_side_by_side status supervisorctl status
start_side_by_side backends uberspace web backend list
report_host
show_services
for state in "$HOME"/apps/*/state; do
	[ -f "$state" ] || continue
	section "published:$(basename -- "$(dirname -- "$state")")"
	cat -- "$state"
done
for ini in "$HOME"/*/uwsgi.ini; do
	[ -f "$ini" ] || continue
	show_file "uwsgi:$(dirname -- "$ini")" "$ini"
done
show_listeners
show_side_by_side status backends
