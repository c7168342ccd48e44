# shellcheck shell=sh
# web/backend.sh: `uberspace web backend`. $1 list, set or del; for set and del the target and its options follow.
# set and del show the list afterwards, so the result is read in the same round trip.
action=$1
shift
case $action in
list) ;;
set | del)
	section change
	uberspace web backend "$action" "$@" 2>&1
	uf_exit=$?
	section change-exit
	fact exit "$uf_exit"
	[ "$uf_exit" -eq 0 ] || exit 0
	;;
*) exit 64 ;;
esac
show_backends
