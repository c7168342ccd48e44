# shellcheck shell=sh
# releases/begin.sh: takes the app's publish lock and starts a release in the staging directory, with the files
# that did not change hard-linked from the current release (copied where a link is not possible).
# $1 the publish directory, $2 who holds the lock (one line), $3 the new release id, $4 the current release id
# ('' for none), $5 the files to take over from it, one relative path per line, $6 'break' to take over the lock.
root=$(host_path "$1")
mkdir -p -- "$root/releases" "$root/meta" "$root/venvs" "$root/staging" || exit 1
take_lock "$root" "$2" "$6" || exit $?
# What a dropped connection left behind: the lock was free, so nobody is writing there.
rm -rf -- "$root/staging" || exit 1
stage="$root/staging/$3"
mkdir -p -- "$stage" || exit 1
if [ -n "$4" ] && [ -n "$5" ]; then
	printf '%s\n' "$5" | while IFS= read -r file; do
		[ -n "$file" ] || continue
		mkdir -p -- "$(dirname -- "$stage/$file")" || exit 1
		ln -- "$root/releases/$4/$file" "$stage/$file" 2>/dev/null || cp -p -- "$root/releases/$4/$file" "$stage/$file" || exit 1
	done || exit 1
fi
section begun
fact stage "$stage"
