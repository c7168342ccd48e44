# shellcheck shell=sh
# host/facts.sh: the account's home, for a session whose first use needs it before any probe.
# uses: (proto only)
report_host
