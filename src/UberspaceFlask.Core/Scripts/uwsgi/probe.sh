# shellcheck shell=sh
# uwsgi/probe.sh: what New-UwsgiConfig needs to know before it plans (see show_uwsgi_facts for the parameters).
# uses: uwsgi
report_host
show_uwsgi_facts "$@"
