# shellcheck shell=sh
# supervisor/probe.sh: what Register-SupervisorService needs to know before it plans, in one round trip.
# $1 the service name, $2 the app directory as given, $3 the venv's directory name, $4 uwsgi.ini's name,
# $5 'ask' to ask supervisorctl even when uWSGI's master answers for itself.
# uses: files proc
name=$1
app=$(host_path "$2")
venv_name=$3
ini_name=$4

# uWSGI writes its pidfile when it starts and on every reload: app files newer than it are not served yet.
# The module's uwsgi.ini puts the pidfile in the app directory; each one found is reported with those files.
show_pidfiles() {
	for pidfile in "$app"/*.pid; do
		[ -f "$pidfile" ] || continue
		# Keyed by the pidfile's path, so each list of newer files goes with its own pidfile.
		section "pidfile:$pidfile"
		fact pid "$(head -c 20 "$pidfile" | tr -cd '0-9')"
		section "newer:$pidfile"
		find "$app" -maxdepth 2 ! -path "$app/$venv_name/*" \( -name '*.py' -o -name "$ini_name" -o -path "$app/templates/*" \) \
			-type f -newer "$pidfile" -print 2>/dev/null | head -n 20
	done
}

asked=no
if [ "$5" = ask ] || ! show_master "$app"; then
	start_side_by_side status supervisorctl status "$name"
	asked=yes
fi
# Read now and carried to Set-WebBackend in the pipeline, so a no-op re-run needs no round trip of its own there.
start_side_by_side backends uberspace web backend list
report_host
fact app "$app"
if [ -x "$app/$venv_name/bin/uwsgi" ]; then fact venvuwsgi "$app/$venv_name/bin/uwsgi"; fi
fact system "$(command -v uwsgi)"
show_file uwsgi "$app/$ini_name"
show_file service "$HOME/etc/services.d/$name.ini"
show_listeners
show_pidfiles
if [ "$asked" = yes ]; then
	show_side_by_side status backends
else
	show_side_by_side backends
fi
