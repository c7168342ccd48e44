# shellcheck shell=sh
# releases/prune.sh: removes releases and venvs under the publish lock. $1 the publish directory, $2 who holds the
# lock, $3 release ids, one per line, $4 venv keys, one per line.
# uses: publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
root=$(host_path "$1")
take_lock "$root" "$2" "" || exit $?
section cleanup
prune_releases "$root" "$3" "$4"
release_lock
