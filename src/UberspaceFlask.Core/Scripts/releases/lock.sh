# shellcheck shell=sh
# releases/lock.sh: takes the app's publish lock (an undo uploads nothing, so it needs no staging directory).
# $1 the publish directory, $2 who holds the lock (one line), $3 'break' to take over the lock.
# uses: publish
root=$(host_path "$1")
take_lock "$root" "$2" "$3" || exit $?
