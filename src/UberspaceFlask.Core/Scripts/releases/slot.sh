# shellcheck shell=sh
# releases/slot.sh: gate 2. Points an idle slot at the release, (re)starts it and waits until the health path answers
# 2xx or 3xx on the slot's own port; gives up at the timeout or as soon as supervisord gives up on the program.
# $1 the slot's service name, $2 its port, $3 the timeout in seconds, $4 the slot's uwsgi ini, $5 its content in
# base64 ('' when it is as planned already), $6 where to keep its old content ('' for nowhere), $7 the service's ini,
# $8 its content in base64 ('' when unchanged), $9 where to keep its old content, $10 'update' when the service ini
# changes (supervisord re-adds the program) or 'restart', $11 the health path, $12 the slot's pidfile.
name=$1
port=$2
mkdir -p -- "$(dirname -- "$7")" || uf_exit failed
if [ -n "$5" ]; then write_file "$4" "$5" "$6" || uf_exit failed; fi
if [ -n "$8" ]; then write_file "$7" "$8" "$9" || uf_exit failed; fi
# A changed service ini: `update` re-adds the program (stopping the old process), which is then started with the uwsgi
# ini just written. Otherwise the program is stopped and started. supervisord does not always autostart a group
# re-added at once; a start of a started program does nothing.
if [ "${10}" = update ]; then
	supervisorctl update "$name" >/dev/null 2>&1 || exit 2
else
	case $(supervisorctl status "$name" 2>&1) in
	*" RUNNING"* | *" STARTING"* | *" BACKOFF"*) supervisorctl stop "$name" >/dev/null 2>&1 ;;
	esac
fi
supervisorctl start "$name" >/dev/null 2>&1 &
starter=$!
health=${11}
pidfile=${12}
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
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port$health" 2>/dev/null) || code=000
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
fact pid "$(head -c 20 "$pidfile" 2>/dev/null | tr -cd '0-9')"
show_listeners
if [ "$outcome" != ready ]; then
	section log-tail
	supervisorctl tail -3000 "$name" stderr 2>&1
fi
