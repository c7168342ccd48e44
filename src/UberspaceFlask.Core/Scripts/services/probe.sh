# shellcheck shell=sh
# services/probe.sh: one service's state and ini, before a lifecycle action. $1 the service name.
report_host
show_supervisor_status "$1"
show_file service "$HOME/etc/services.d/$1.ini"
