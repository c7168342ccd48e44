# shellcheck shell=sh
# services/probe.sh: one service's state, its ini and its app's uwsgi.ini, before a lifecycle action (Start and
# Restart wait on the port uwsgi.ini names, so they need no second round trip). $1 the service name.
# uses: files supervisor
report_host
show_supervisor_status "$1"
ini="$HOME/etc/services.d/$1.ini"
show_file service "$ini"
# Only to find the file: directory= as supervisord expands it (%(ENV_HOME)s, ~). The module reads both files itself.
dir=$(sed -n 's/^[[:space:]]*directory[[:space:]]*=[[:space:]]*//p' "$ini" 2>/dev/null | head -n 1)
case $dir in
'%(ENV_HOME)s'*) dir="$HOME${dir#'%(ENV_HOME)s'}" ;;
'~'*) dir="$HOME${dir#'~'}" ;;
esac
if [ -n "$dir" ]; then show_file uwsgi "$dir/uwsgi.ini"; fi
