# shellcheck shell=sh
# services/list.sh: every supervisord program with the ini that defines it (Get-SupervisorService).
# uses: supervisor
report_host
show_services
show_supervisor_status
