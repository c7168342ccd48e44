# shellcheck shell=sh
# web/backend.sh: `uberspace web backend`. $1 list, set or del; for set and del the target and its options follow.
# set and del show the list afterwards, so the result is read in the same round trip; their status is in the
# section "change-exit", not in this script's.
# uses: web
action=$1
shift
case $action in
list) show_backends ;;
set | del) change_backend "$action" "$@" || : ;;
*) exit 64 ;;
esac
