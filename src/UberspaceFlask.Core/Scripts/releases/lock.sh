# shellcheck shell=sh
# releases/lock.sh: takes the app's publish lock (an undo uploads nothing, so it needs no staging directory).
# $1 the publish directory, $2 who holds the lock (one line).
root=$(host_path "$1")
mkdir -p -- "$root" || exit 1
if ! mkdir -- "$root/lock" 2>/dev/null; then
	section lock
	cat -- "$root/lock/holder" 2>/dev/null
	exit 3
fi
printf '%s\n' "$2" >"$root/lock/holder"
