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
# ini just written. Otherwise the program is stopped and started.
if [ "${10}" = update ]; then
	supervisorctl update "$name" >/dev/null 2>&1 || exit 2
	start_in_background "$name"
else
	start_in_background "$name" restart
fi
wait_ready "$name" "$port" "$3" "${11}"
# Who answered: uWSGI's master pid (the port's listeners are shown above), so a stray process on the port is not
# taken for the app.
section master
fact pid "$(head -c 20 "${12}" 2>/dev/null | tr -cd '0-9')"
