# shellcheck shell=sh
# lib/diagnosis.sh: the guide layout's diagnosis (Test-FlaskDeployment).
# uses: files proc supervisor web

# The guide layout's diagnosis, every link from the app directory to the frontend (Test-FlaskDeployment): $1 the app
# directory as given, $2 the venv's directory name, $3 uwsgi.ini's name, $4 'ask' to ask supervisorctl even when
# uWSGI's master answers for itself (see show_master), $5 'list' to list the web backends ('' when the module has the
# list from the step before), $6... the URLs the page is expected at (fetched side by side, so that when the guess is
# right the check through the frontend needs no round trip of its own). diagnosis/probe.sh runs it, and
# diagnosis/published.sh for an app that turns out not to be published, in the same round trip.
diagnose_guide() {
	uf_app=$(host_path "$1")
	uf_venv="$uf_app/$2"
	uf_uwsgi_ini=$3
	uf_ask=$4
	uf_list=$5
	shift 5
	# The slowest part (Flask imports Werkzeug, Jinja2 and Click) starts first. Its own exit status is reported (once
	# a pipe's last command was, so the check could not fail).
	if [ -x "$uf_venv/bin/python" ]; then
		start_side_by_side venv-import "$uf_venv/bin/python" -c 'import flask'
	fi
	if [ "$uf_ask" = ask ] || ! show_master "$uf_app"; then
		start_side_by_side status supervisorctl status
	fi
	if [ "$uf_list" = list ]; then
		start_side_by_side backends uberspace web backend list
	fi
	if [ "$#" -gt 0 ]; then
		start_side_by_side http fetch_status "$@"
	fi
	report_host
	fact user "$(id -un)"
	fact app "$uf_app"
	if [ -d "$uf_app" ]; then fact appdir yes; fi
	show_file uwsgi "$uf_app/$uf_uwsgi_ini"
	show_services
	show_listeners
	show_side_by_side status backends venv-import http
}
