# shellcheck shell=sh
# releases/upload.sh: writes uploaded files into the staging directory. $1 the publish directory, $2 the release id,
# then pairs: a relative path (with '+' in front to append a further piece of a large file) and its bytes in base64.
root=$(host_path "$1")
stage="$root/staging/$2"
[ -d "$stage" ] || exit 3
shift 2
while [ "$#" -ge 2 ]; do
	case $1 in
	+*)
		printf '%s' "$2" | base64 -d >>"$stage/${1#+}" || exit 1
		;;
	*)
		mkdir -p -- "$(dirname -- "$stage/$1")" || exit 1
		rm -f -- "$stage/$1"
		printf '%s' "$2" | base64 -d >"$stage/$1" || exit 1
		;;
	esac
	shift 2
done
