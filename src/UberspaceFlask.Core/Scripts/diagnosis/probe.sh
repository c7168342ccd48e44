# shellcheck shell=sh
# diagnosis/probe.sh: every link from the app directory to the frontend, in one round trip (Test-FlaskDeployment).
# $1 the app directory as given, $2 the venv's directory name, $3 uwsgi.ini's name,
# $4 'ask' to ask supervisorctl even when uWSGI's master answers for itself (see show_master).
app=$(host_path "$1")
venv="$app/$2"
asked=no
if [ "$4" = ask ] || ! show_master "$app"; then
	start_side_by_side status supervisorctl status
	asked=yes
fi
start_side_by_side backends uberspace web backend list
report_host
fact user "$(id -un)"
fact app "$app"
if [ -d "$app" ]; then fact appdir yes; fi
show_file uwsgi "$app/$3"
if [ -x "$venv/bin/python" ]; then
	# The import's own exit status (once a pipe's last command was reported, so the check could not fail).
	start_side_by_side venv-import "$venv/bin/python" -c 'import flask'
	show_services
	show_listeners
	if [ "$asked" = yes ]; then show_side_by_side status backends venv-import; else show_side_by_side backends venv-import; fi
else
	show_services
	show_listeners
	if [ "$asked" = yes ]; then show_side_by_side status backends; else show_side_by_side backends; fi
fi
