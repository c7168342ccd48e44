# shellcheck shell=sh
# releases/secret.sh: the app's secrets file (NAME=base64 of the value per line, mode 0600), which the WSGI shim reads
# when the app starts. A value arrives only in the environment variable UF_INPUT, never as an argument: every account
# on a host can read argument lists. Lists names with the SHA-256 of each value, never a value.
# $1 the publish directory, $2 set, remove or list, $3 the name (validated: letters, digits, '_').
root=$(host_path "$1")
file="$root/secrets"
umask 077
case $2 in
set | remove)
	if [ "$2" = remove ] && ! grep -q -- "^$3=" "$file" 2>/dev/null; then uf_exit not-found; fi
	mkdir -p -- "$root" || exit 1
	tmp="$root/.secrets.uf-$$.tmp"
	: >"$tmp" || exit 1
	chmod 600 "$tmp" || exit 1
	if [ -f "$file" ]; then grep -v -- "^$3=" "$file" >>"$tmp"; fi
	if [ "$2" = set ]; then printf '%s=%s\n' "$3" "${UF_INPUT:?}" >>"$tmp" || exit 1; fi
	mv -f -- "$tmp" "$file" || exit 1
	;;
list) ;;
*) exit 64 ;;
esac
section secrets
if [ -f "$file" ]; then
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		printf '%s %s\n' "${line%%=*}" "$(printf '%s' "${line#*=}" | base64 -d | sha256sum | cut -c1-64)"
	done <"$file"
fi
