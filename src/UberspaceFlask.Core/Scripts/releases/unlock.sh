# shellcheck shell=sh
# releases/unlock.sh: after a failed publish. Stops the slot that was being started, marks the release failed,
# drops the staging directory and frees the lock. $1 the publish directory, $2 the release id ('' for none),
# $3 the slot's service ('' for none), $4 the release's info in base64 ('' to leave it).
root=$(host_path "$1")
if [ -n "$3" ]; then supervisorctl stop "$3" >/dev/null 2>&1; fi
if [ -n "$2" ] && [ -n "$4" ] && [ -d "$root/releases/$2" ]; then write_file "$root/meta/$2.info" "$4" ''; fi
rm -rf -- "$root/staging"
rm -rf -- "$root/lock"
