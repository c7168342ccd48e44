# shellcheck shell=sh
# releases/abandon.sh: after a failed publish. Stops the slot that was being started (its ini turned idle again, so
# supervisord does not start it after a reboot), marks the release failed, drops the staging directory and frees the
# lock. $1 the publish directory, $2 the release id ('' for none), $3 the slot's service ('' for none), $4 the
# release's info in base64 ('' to leave it), $5 the slot's service ini ('' for none), $6 its idle content in base64.
# uses: files publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
app_layout "$(host_path "$1")"
if [ -n "$3" ]; then
	if [ -n "$5" ] && [ -n "$6" ] && write_file "$5" "$6" ''; then
		supervisorctl update "$3" >/dev/null 2>&1
	fi
	supervisorctl stop "$3" >/dev/null 2>&1
fi
if [ -n "$2" ] && [ -n "$4" ] && [ -d "$uf_releases/$2" ]; then write_file "$uf_meta/$2.info" "$4" ''; fi
rm -rf -- "$uf_staging"
release_lock
