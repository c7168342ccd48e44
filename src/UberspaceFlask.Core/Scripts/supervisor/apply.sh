# shellcheck shell=sh
# supervisor/apply.sh: writes the service's ini, has supervisord act on it, and waits until the app answers.
# $1 what to do: write (the ini, then update), update, start, or restart. `supervisorctl update NAME` rereads the
# configuration itself (a separate `reread` would only start Python once more), then adds, changes or removes NAME.
# $2 the service name, $3 the port to wait on ('' to wait for RUNNING), $4 how long to wait (seconds),
# $5 the ini's path, $6 its content in base64, $7 where to keep the old content ('').
# uses: files supervisor
action=$1
name=$2
port=$3
timeout=$4
case $action in
write)
	mkdir -p -- "$(dirname -- "$5")" || exit 1
	write_file "$5" "$6" "$7" || exit 1
	supervisorctl update "$name" || exit 2
	;;
update) supervisorctl update "$name" || exit 2 ;;
start | restart) start_in_background "$name" "$action" ;; # the wait tells whether it worked
*) exit 64 ;;
esac
wait_ready "$name" "$port" "$timeout"
