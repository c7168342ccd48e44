# shellcheck shell=sh
# diagnosis/http.sh: the HTTP status of each URL, fetched on the host itself through the frontend.
# $1 the service whose log to show ('' for none), then the URLs.
service=$1
shift
section http
for url in "$@"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url" 2>/dev/null) || code=000
	printf '%s %s\n' "$code" "$url"
done
if [ -n "$service" ]; then
	section log-tail
	supervisorctl tail -3000 "$service" stderr 2>&1
fi
