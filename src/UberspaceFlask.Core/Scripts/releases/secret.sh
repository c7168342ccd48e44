# shellcheck shell=sh
# releases/secret.sh: the app's secrets file (mode 0600; its format is SecretsFile's in ReleaseRecords.cs), which the
# WSGI shim reads when the app starts. A secret's line, as the module rendered it ("NAME=" and the value in base64),
# arrives only in the environment variable UF_INPUT, never as an argument: every account on a host can read argument
# lists. Lists names with the SHA-256 of each value, never a value.
# $1 the publish directory, $2 set, remove or list, $3 the name (validated: letters, digits, '_').
# uses: publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
root=$(host_path "$1")
app_layout "$root"
file=$uf_secrets
umask 077
case $2 in
set | remove)
	if [ "$2" = remove ] && ! grep -q -- "^$3=" "$file" 2>/dev/null; then uf_exit not-found; fi
	if [ "$2" = set ]; then case ${UF_INPUT:?} in "$3="*) ;; *) exit 64 ;; esac; fi
	mkdir -p -- "$root" || exit 1
	tmp="$root/.secrets.uf-$$.tmp"
	: >"$tmp" || exit 1
	chmod 600 "$tmp" || exit 1
	if [ -f "$file" ]; then grep -v -- "^$3=" "$file" >>"$tmp"; fi
	if [ "$2" = set ]; then printf '%s\n' "$UF_INPUT" >>"$tmp" || exit 1; fi
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
