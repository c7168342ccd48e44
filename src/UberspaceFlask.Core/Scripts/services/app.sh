# shellcheck shell=sh
# services/app.sh: the uwsgi.ini of a service's app, for the port to wait on. $1 the ini's path (absolute).
report_host
show_file uwsgi "$1"
