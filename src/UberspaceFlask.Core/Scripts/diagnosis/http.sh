# shellcheck shell=sh
# diagnosis/http.sh: the HTTP status of each URL, fetched on the host itself through the frontend.
# $1 the service whose log to show ('' for none), then the URLs.
# uses: web
service=$1
shift
section http
fetch_status "$@"
if [ -n "$service" ]; then
	section log-tail
	supervisorctl tail -3000 "$service" stderr 2>&1
fi
