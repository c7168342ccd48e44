# shellcheck shell=sh
# releases/finish.sh: after a switch that worked. Records current and previous (one rename) and frees the lock, or,
# when there is an old slot to stop or something to prune, starts releases/cleanup.sh detached, which holds the lock
# until it is done: the client need not wait out the grace period.
# $1 the publish directory, $2 the new state in base64, $3 the release id, $4 its info in base64, $5 the old slot's
# service ('' for none), $6 seconds to wait before stopping it, $7 releases to prune, one id per line, $8 venv keys to
# remove, one per line, $9 the old slot's service ini path, $10 its idle content (autostart=false) in base64, $11 the
# text of releases/cleanup.sh as sent (lib.sh in front), $12 where to keep the ini's old content ('' for nowhere),
# $13 the cleanup's holder line for the lock (PublishLock's).
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
root=$(host_path "$1")
app_layout "$root"
write_file "$uf_meta/$3.info" "$4" '' || uf_exit failed
write_file "$uf_state" "$2" '' || uf_exit failed
if [ -z "$5" ] && [ -z "$7" ] && [ -z "$8" ]; then
	release_lock
	exit 0
fi
section cleanup
# This command stands in for the cleanup in the mark until the cleanup's pid is known, so that at no moment does the
# lock look held by a client: a publish or undo meanwhile waits for the cleanup instead of refusing.
mark_cleanup "$$" "$(($6 + 120))"
printf '%s\n' "${13}" >"$uf_lock/holder"
# A session of its own: neither the end of this command nor a dropped connection stops it. (uf_marker: lib.sh's.)
setsid /bin/sh -c "${11}" uberspaceflask/releases/cleanup "$uf_marker" "$root" "$5" "$6" "$7" "$8" "$9" "${10}" "${12}" </dev/null >"$uf_cleanup_log" 2>&1 &
mark_cleanup "$!" "$(($6 + 120))"
fact pid "$!"
