# shellcheck shell=sh
# diagnosis/probe.sh: every link from the app directory to the frontend, in one round trip (Test-FlaskDeployment).
# $1 the app directory as given, $2 the venv's directory name, $3 uwsgi.ini's name.
app=$(host_path "$1")
venv="$app/$2"
report_host
fact user "$(id -un)"
fact app "$app"
if [ -d "$app" ]; then fact appdir yes; fi
show_file uwsgi "$app/$3"
section venv
if [ -x "$venv/bin/python" ]; then
	# The real exit status of the import, not that of a pipe's last command.
	output=$("$venv/bin/python" -c 'import flask' 2>&1)
	status=$?
	fact python yes
	fact import "$status"
	section venv-output
	printf '%s\n' "$output" | tail -n 5
else
	fact python no
fi
show_services
show_supervisor_status
show_listeners
show_backends
