# shellcheck shell=sh
# lib/supervisor.sh: supervisord: status, service inis, starting a program and waiting until it answers (gate 2).
# uses: files proc

# `supervisorctl status [NAME]` with its exit status in a section of its own.
show_supervisor_status() {
	section status
	supervisorctl status "$@" 2>&1
	uf_status=$?
	section status-exit
	fact exit "$uf_status"
}

# The ini of every supervisord service, each in a section "file:service:NAME".
show_services() {
	for uf_ini in "$HOME"/etc/services.d/*.ini; do
		[ -f "$uf_ini" ] || continue
		uf_name=$(basename -- "$uf_ini" .ini)
		show_file "service:$uf_name" "$uf_ini"
	done
}

# `supervisorctl start` waits out startsecs before it returns; started in the background, the wait below can see
# the app answer long before that. supervisord goes on starting the program when the client is gone.
# $1 the service name; $2 'restart' to stop it first (stop returns once the old process is gone).
start_in_background() {
	if [ "$2" = restart ]; then supervisorctl stop "$1" >/dev/null 2>&1; fi
	supervisorctl start "$1" >/dev/null 2>&1 &
	uf_starter=$!
}

# Waits until the program answers on its port; gives up early when supervisord has given up on it.
# $1 name, $2 port ('' when unknown: then RUNNING is the sign), $3 timeout in seconds, $4 a URL path that must answer
# 2xx or 3xx (a publish's health gate; '' for any answer on /).
# Reports "ready", "gave-up" or "timeout" and the last HTTP status code, the status it stopped on (a fresh one after a
# timeout), and the port's listeners; after a failure, the end of the program's stderr.
wait_ready() {
	uf_deadline=$(($(date +%s) + $3))
	uf_round=0
	uf_outcome=timeout
	uf_state=
	uf_code=000
	while [ "$(date +%s)" -le "$uf_deadline" ]; do
		# supervisorctl is a Python program (a quarter of a second): ask it every fifth round only, the first time
		# after the app has had 0.4 s to answer (most do by then), unless there is no port to ask.
		if [ $((uf_round % 5)) -eq 4 ] || { [ -z "$2" ] && [ $((uf_round % 5)) -eq 0 ]; }; then
			uf_state=$(supervisorctl status "$1" 2>&1)
			case $uf_state in
			*" BACKOFF"* | *"no such process"*)
				uf_outcome=gave-up
				break
				;;
			*" FATAL"* | *" EXITED"*)
				# Within a second of a start in the background this can still be the state from before it.
				if [ -z "${uf_starter:-}" ] || [ "$uf_round" -ge 10 ]; then
					uf_outcome=gave-up
					break
				fi
				;;
			*" RUNNING"*) if [ -z "$2" ] || ! command -v curl >/dev/null 2>&1; then
				uf_outcome=ready
				break
			fi ;;
			esac
		fi
		if [ -n "$2" ] && command -v curl >/dev/null 2>&1; then
			uf_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$2${4:-/}" 2>/dev/null) || uf_code=000
			case ${4:-}:$uf_code in
			*:000) ;;
			:* | *:2?? | *:3??)
				uf_outcome=ready
				break
				;;
			esac
		fi
		uf_round=$((uf_round + 1))
		sleep 0.1
	done
	if [ -n "${uf_starter:-}" ]; then kill "$uf_starter" 2>/dev/null; fi
	section wait
	fact outcome "$uf_outcome"
	fact code "$uf_code"
	# The state it stopped on (BACKOFF, say: a fresh look could already show the next STARTING of a retry). When
	# the app answered but the last look was from before supervisord spawned it, look once more.
	case $uf_outcome:$uf_state in
	ready:*" RUNNING"* | ready:*" STARTING"*) ;;
	ready:*) uf_state=$(supervisorctl status "$1" 2>&1) ;;
	esac
	if [ "$uf_outcome" = timeout ]; then
		show_supervisor_status "$1"
	else
		section status
		printf '%s\n' "$uf_state"
	fi
	# Until startsecs are over supervisorctl shows no pid; the port's holder is the app's uWSGI.
	if [ -n "$2" ]; then show_listeners; fi
	if [ "$uf_outcome" != ready ]; then
		section log-tail
		supervisorctl tail -3000 "$1" stderr 2>&1
	fi
}

# Gate 2 of a publish: points an idle slot at a release, (re)starts it and waits until the health path answers 2xx
# or 3xx on the slot's own port (wait_ready), then shows uWSGI's master pid in the section "master", so a stray
# process on the port is not taken for the app. Returns non-zero when a file could not be written or supervisord
# would not take the program.
# $1 the slot's service name, $2 its port, $3 the timeout in seconds, $4 the slot's uwsgi ini, $5 its content in
# base64 ('' when it is as planned already), $6 where to keep its old content ('' for nowhere), $7 the service's ini,
# $8 its content in base64 ('' when unchanged), $9 where to keep its old content, $10 'update' when the service ini
# changes (supervisord re-adds the program), 'rewrite' when it is written again though it looked unchanged (a cleanup
# may have turned it idle meanwhile, or not), or 'restart', $11 the health path, $12 the slot's pidfile.
start_slot() {
	mkdir -p -- "$(dirname -- "$7")" || return 1
	if [ -n "$5" ]; then write_file "$4" "$5" "$6" || return 1; fi
	if [ -n "$8" ]; then write_file "$7" "$8" "$9" || return 1; fi
	# A changed service ini: `update` re-adds the program (stopping the old process), which is then started with the
	# uwsgi ini just written. A rewritten one may be the same as supervisord's, and then `update` leaves a running
	# program running: it is stopped and started too. Otherwise the program is stopped and started.
	case ${10} in
	update)
		supervisorctl update "$1" >/dev/null 2>&1 || return 2
		start_in_background "$1"
		;;
	rewrite)
		supervisorctl update "$1" >/dev/null 2>&1 || return 2
		start_in_background "$1" restart
		;;
	*) start_in_background "$1" restart ;;
	esac
	wait_ready "$1" "$2" "$3" "${11}"
	section master
	fact pid "$(head -c 20 "${12}" 2>/dev/null | tr -cd '0-9')"
}
