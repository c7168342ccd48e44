# shellcheck shell=sh
# diagnosis/probe.sh: every link from the app directory to the frontend, in one round trip (Test-FlaskDeployment).
# $1 the app directory as given, $2 the venv's directory name, $3 uwsgi.ini's name,
# $4 'ask' to ask supervisorctl even when uWSGI's master answers for itself (see show_master),
# $5 'list' to list the web backends ('' when the module has the list from the step before),
# $6... the URLs the page is expected at (fetched side by side, so that when the guess is right the check through
# the frontend needs no round trip of its own).
app=$(host_path "$1")
venv="$app/$2"
ini=$3
ask=$4
list=$5
shift 5
# The slowest part (Flask imports Werkzeug, Jinja2 and Click) starts first. Its own exit status is reported (once
# a pipe's last command was, so the check could not fail).
if [ -x "$venv/bin/python" ]; then
	start_side_by_side venv-import "$venv/bin/python" -c 'import flask'
fi
if [ "$ask" = ask ] || ! show_master "$app"; then
	start_side_by_side status supervisorctl status
fi
if [ "$list" = list ]; then
	start_side_by_side backends uberspace web backend list
fi
if [ "$#" -gt 0 ]; then
	start_side_by_side http fetch_status "$@"
fi
report_host
fact user "$(id -un)"
fact app "$app"
if [ -d "$app" ]; then fact appdir yes; fi
show_file uwsgi "$app/$ini"
show_services
show_listeners
show_side_by_side status backends venv-import http
