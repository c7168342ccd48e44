# shellcheck shell=sh
# services/log.sh: the end of a program's log. $1 the name, $2 bytes, $3 stdout or stderr.
# uses: supervisor
show_supervisor_status "$1"
section log
if [ "$3" = stderr ]; then
	supervisorctl tail "-$2" "$1" stderr 2>&1
else
	supervisorctl tail "-$2" "$1" 2>&1
fi
