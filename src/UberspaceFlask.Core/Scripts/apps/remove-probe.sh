# shellcheck shell=sh
# apps/remove-probe.sh: whether a directory is an app this module made, and which services run it.
# $1 the app directory as given, $2 the venv's directory name, $3 uwsgi.ini's name.
# uses: supervisor
app=$(host_path "$1")
report_host
fact app "$app"
if [ -d "$app" ] && [ ! -L "$app" ]; then fact dir yes; fi
if [ -f "$app/$3" ] || [ -d "$app/$2" ]; then fact made yes; fi
for file in "$app"/*.py; do
	if [ -f "$file" ]; then
		fact made yes
		break
	fi
done
show_services
