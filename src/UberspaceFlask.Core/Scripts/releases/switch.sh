# shellcheck shell=sh
# releases/switch.sh: points the web backend at a slot's port, then reads the list and requests the health path
# through the frontend, in the same round trip. $1 the target (PATH or DOMAIN/PATH), $2 the port, $3 the
# frontend request of the health path ('' to skip it): a URL, or "HOST URL" (frontend_reach), $4 the service of the
# slot on that port, which should be the one to answer (its X-UberspaceFlask-Slot header).
# Without a URL to request, or when the change failed, the list alone follows.
# uses: proc web
if ! run_backend_change set "$1" --http --port "$2" || [ -z "$3" ]; then
	show_backends
	exit 0
fi
# The list that confirms the switch is read while the frontend is asked (the uberspace command is a Python program).
start_side_by_side backends uberspace web backend list
# The frontend may take a moment to pick the new backend up: a few tries over about five seconds. An answer from
# another slot counts as none yet; one that names no slot (a slot of an earlier version) is taken as it is.
tries=0
while :; do
	reach=$(frontend_reach "$3" 5)
	code=${reach%% *}
	slot=${reach#* }
	case $code:$slot in 2??:"$4" | 3??:"$4" | 2??: | 3??:) break ;; esac
	tries=$((tries + 1))
	[ "$tries" -lt 10 ] || break
	sleep 0.5
done
section frontend
fact code "$code"
fact slot "$slot"
show_side_by_side backends
