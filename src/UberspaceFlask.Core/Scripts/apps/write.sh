# shellcheck shell=sh
# apps/write.sh: New-FlaskApp's files.
# $1 the app directory (absolute), then per file: its path, its content in base64, where to keep the old content ('').
# uses: files
app=$1
shift
mkdir -p -- "$app" "$app/templates" "$app/static" || exit 1
# Temporary files a dropped connection may have left behind from an earlier write.
find "$app" "$app/templates" "$app/static" -maxdepth 1 -name '.*.uf-*.tmp' -type f -exec rm -f -- {} + || exit 1
while [ $# -ge 3 ]; do
	write_file "$1" "$2" "$3" || exit 1
	shift 3
done
