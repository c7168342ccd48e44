# shellcheck shell=sh
# releases/prune.sh: removes releases and venvs under the publish lock. $1 the publish directory, $2 who holds the
# lock, $3 release ids, one per line, $4 venv keys, one per line.
root=$(host_path "$1")
take_lock "$root" "$2" "" || exit $?
printf '%s\n' "$3" | while IFS= read -r id; do
	[ -n "$id" ] || continue
	rm -rf -- "${root:?}/releases/$id" "$root/meta/$id.info" "$root/meta/$id.manifest"
done
printf '%s\n' "$4" | while IFS= read -r key; do
	[ -n "$key" ] || continue
	rm -rf -- "${root:?}/venvs/$key"
done
rm -rf -- "$root/lock"
