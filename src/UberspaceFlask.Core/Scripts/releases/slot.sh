# shellcheck shell=sh
# releases/slot.sh: gate 2. Points an idle slot at the release, (re)starts it and waits until the health path answers
# 2xx or 3xx on the slot's own port; gives up at the timeout or as soon as supervisord gives up on the program.
# $1 the slot's service name, $2 its port, $3 the timeout in seconds, $4 the slot's uwsgi ini, $5 its content in
# base64, $6 the service's ini, $7 its content (autostart) in base64, $8 the health path, $9 the slot's pidfile.
name=$1
port=$2
mkdir -p -- "$(dirname -- "$6")" || exit 1
write_file "$4" "$5" '' || exit 1
# An idle slot's service says autostart=false; this one says true. When the service ini changes, `update` re-adds the
# program (stopping the old process); it is then started with the uwsgi ini just written. Otherwise it is restarted.
if printf '%s' "$7" | base64 -d | cmp -s - "$6"; then
	case $(supervisorctl status "$name" 2>&1) in
	*" RUNNING"* | *" STARTING"* | *" BACKOFF"*) supervisorctl stop "$name" >/dev/null 2>&1 ;;
	esac
	supervisorctl start "$name" >/dev/null 2>&1 &
	starter=$!
else
	write_file "$6" "$7" '' || exit 1
	supervisorctl update "$name" >/dev/null 2>&1 || exit 2
	# supervisord does not always autostart a group re-added at once; a start of a started program does nothing.
	supervisorctl start "$name" >/dev/null 2>&1 &
	starter=$!
fi
deadline=$(($(date +%s) + $3))
round=0
outcome=timeout
code=000
while [ "$(date +%s)" -le "$deadline" ]; do
	if [ $((round % 5)) -eq 4 ]; then
		state=$(supervisorctl status "$name" 2>&1)
		case $state in
		*" BACKOFF"* | *" FATAL"* | *"no such process"*)
			outcome=gave-up
			break
			;;
		*" EXITED"*) if [ "$round" -ge 10 ]; then
			outcome=gave-up
			break
		fi ;;
		esac
	fi
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port$8" 2>/dev/null) || code=000
	case $code in
	2?? | 3??)
		outcome=ready
		break
		;;
	esac
	round=$((round + 1))
	sleep 0.1
done
if [ -n "${starter:-}" ]; then kill "$starter" 2>/dev/null; fi
section wait
fact outcome "$outcome"
fact code "$code"
show_supervisor_status "$name"
# Who answered: the port's listeners and uWSGI's master pid, so a stray process on the port is not taken for the app.
section master
fact pid "$(head -c 20 "$9" 2>/dev/null | tr -cd '0-9')"
show_listeners
if [ "$outcome" != ready ]; then
	section log-tail
	supervisorctl tail -3000 "$name" stderr 2>&1
fi
