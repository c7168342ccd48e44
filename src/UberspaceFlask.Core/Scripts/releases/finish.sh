# shellcheck shell=sh
# releases/finish.sh: after a switch that worked. Records current and previous (one rename), lets requests in flight
# on the old slot finish, stops it, prunes releases and venvs, and frees the lock. A cleanup failure is reported as
# such; the deploy stands.
# $1 the publish directory, $2 the new state in base64, $3 the release id, $4 its info in base64, $5 the old slot's
# service ('' for none), $6 seconds to wait before stopping it, $7 releases to prune, one id per line,
# $8 venv keys to remove, one per line, $9 the old slot's service ini path, $10 its idle content (autostart=false).
root=$(host_path "$1")
write_file "$root/meta/$3.info" "$4" '' || exit 1
write_file "$root/state" "$2" '' || exit 1
section cleanup
if [ -n "$5" ]; then
	sleep "$6"
	# The ini turns idle (autostart=false); `update` then stops the program and adds it back stopped, in one call.
	if write_file "$9" "${10}" ''; then
		supervisorctl update "$5" >/dev/null 2>&1 || echo "could not stop $5"
	else
		supervisorctl stop "$5" >/dev/null 2>&1 || echo "could not stop $5"
	fi
fi
printf '%s\n' "$7" | while IFS= read -r id; do
	[ -n "$id" ] || continue
	rm -rf -- "${root:?}/releases/$id" "$root/meta/$id.info" "$root/meta/$id.manifest" || echo "could not remove release $id"
done
printf '%s\n' "$8" | while IFS= read -r key; do
	[ -n "$key" ] || continue
	rm -rf -- "${root:?}/venvs/$key" || echo "could not remove venv $key"
done
rm -rf -- "$root/lock"
