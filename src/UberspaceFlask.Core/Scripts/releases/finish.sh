# shellcheck shell=sh
# releases/finish.sh: after a switch that worked. Records current and previous (one rename) and frees the lock, or,
# when there is an old slot to stop or something to prune, starts releases/cleanup.sh detached, which holds the lock
# until it is done: the client need not wait out the grace period.
# words (FinishWords in Releases/ScriptWords.cs): publish_dir state id info old_service grace prune prune_venvs old_ini
# old_ini_content cleanup_script old_ini_backup cleanup_holder
# state and info: the new state and the release's info in base64; old_service: the old slot's service ('' for none),
# stopped grace seconds after the switch; prune, prune_venvs: release ids and venv keys to remove, one per line;
# old_ini: the old slot's service ini, old_ini_content its idle content (autostart=false) in base64, old_ini_backup
# where to keep its old content ('' for nowhere); cleanup_script: releases/cleanup.sh as sent (lib.sh in front);
# cleanup_holder: the cleanup's holder line for the lock (PublishLock's).
# uses: files publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
[ "$#" -eq 13 ] || uf_exit words
publish_dir=$1 state=$2 id=$3 info=$4 old_service=$5 grace=$6 prune=$7 prune_venvs=$8 old_ini=$9 old_ini_content=${10}
cleanup_script=${11} old_ini_backup=${12} cleanup_holder=${13}
root=$(host_path "$publish_dir")
app_layout "$root"
write_file "$uf_meta/$id.info" "$info" '' || uf_exit failed
write_file "$uf_state" "$state" '' || uf_exit failed
if [ -z "$old_service" ] && [ -z "$prune" ] && [ -z "$prune_venvs" ]; then
	release_lock
	exit 0
fi
section cleanup
# This command stands in for the cleanup in the mark until the cleanup's pid is known, so that at no moment does the
# lock look held by a client: a publish or undo meanwhile waits for the cleanup instead of refusing.
mark_cleanup "$$" "$((grace + 120))"
printf '%s\n' "$cleanup_holder" >"$uf_lock/holder"
# A session of its own: neither the end of this command nor a dropped connection stops it. (uf_marker: lib.sh's.)
setsid /bin/sh -c "$cleanup_script" uberspaceflask/releases/cleanup "$uf_marker" "$root" "$old_service" "$grace" "$prune" "$prune_venvs" \
	"$old_ini" "$old_ini_content" "$old_ini_backup" </dev/null >"$uf_cleanup_log" 2>&1 &
mark_cleanup "$!" "$((grace + 120))"
fact pid "$!"
