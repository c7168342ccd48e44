# shellcheck shell=sh
# services/follow.sh: a program's log as supervisord keeps it (Get-FlaskLog), each line after "O " (stdout) or "E "
# (stderr) in the section "log". $1 the program, $2 stdout, stderr or both, $3 'follow' to go on with new lines until
# stopped (supervisorctl tail -f; stopping the command stops them), else $4 bytes from the end of each.
# supervisorctl is Python: unbuffered, so a followed line arrives when it is written; sed -u passes it on at once.
# uses: supervisor
show_supervisor_status "$1"
section log
for stream in stdout stderr; do
	case $2 in "$stream" | both) ;; *) continue ;; esac
	if [ "$stream" = stdout ]; then prefix=O; else prefix=E; fi
	if [ "$3" = follow ]; then
		PYTHONUNBUFFERED=1 supervisorctl tail -f "$1" "$stream" 2>&1 | sed -u "s/^/$prefix /" &
	else
		supervisorctl tail "-$4" "$1" "$stream" 2>&1 | sed "s/^/$prefix /"
	fi
done
wait
