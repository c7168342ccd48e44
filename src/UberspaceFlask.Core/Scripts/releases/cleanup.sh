# shellcheck shell=sh
# releases/cleanup.sh: what follows a confirmed switch, started detached by releases/finish.sh: lets requests in
# flight on the old slot finish, stops it, prunes releases and venvs, then frees the publish lock. Its output goes
# to the publish directory's cleanup.log; a failure here does not undo the deploy.
# $1 the publish directory (absolute), $2 the old slot's service ('' for none), $3 seconds to wait before stopping
# it, $4 releases to prune, one id per line, $5 venv keys to remove, one per line, $6 the old slot's service ini
# path, $7 its idle content (autostart=false) in base64, $8 where to keep its old content ('' for nowhere).
# uses: files publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
app_layout "$1"
section cleanup
if [ -n "$2" ]; then
	sleep "$3"
	# The ini turns idle (autostart=false); `update` then stops the program and adds it back stopped, in one call.
	if write_file "$6" "$7" "$8"; then
		supervisorctl update "$2" >/dev/null 2>&1 || echo "could not stop $2"
	else
		supervisorctl stop "$2" >/dev/null 2>&1 || echo "could not stop $2"
	fi
fi
prune_releases "$1" "$4" "$5"
release_lock
