# shellcheck shell=sh
# services/act.sh: a lifecycle action on one service.
# $1 start, restart, stop or remove; $2 the service name; $3 the port to wait on ('' for RUNNING);
# $4 how long to wait (seconds); $5 the ini to delete (remove only).
# uses: supervisor
name=$2
case $1 in
start | restart)
	start_in_background "$name" "$1"
	wait_ready "$name" "$3" "$4"
	;;
stop)
	section output
	supervisorctl stop "$name" 2>&1
	show_supervisor_status "$name"
	;;
remove)
	supervisorctl stop "$name" >/dev/null 2>&1
	rm -f -- "$5" || exit 1
	supervisorctl update "$name" >/dev/null 2>&1
	show_supervisor_status "$name"
	;;
*) exit 64 ;;
esac
