# shellcheck shell=sh
# lib/files.sh: files shown to the module and written atomically (temporary file, then rename).
# uses: (proto only)

# Shows a file in a section "file:KEY": "link" when the path is a symbolic link, then "file" and the bytes in
# base64 (empty and missing stay distinct, any byte survives), or "missing".
show_file() {
	section "file:$1"
	if [ -L "$2" ]; then echo link; fi
	if [ -f "$2" ]; then
		echo file
		base64 <"$2"
	else
		echo missing
	fi
}

# Writes a file so that readers see the old or the new content, never a part: a temporary file beside it, then
# rename(2), which replaces a symbolic link itself instead of writing through it. Keeps the mode of a regular file
# it replaces. $1 path, $2 content in base64, $3 where to keep the old content first ('' for nowhere).
write_file() {
	uf_tmp="$(dirname -- "$1")/.$(basename -- "$1").uf-$$.tmp"
	rm -f -- "$uf_tmp"
	if [ -f "$1" ] && [ ! -L "$1" ]; then
		cp -p -- "$1" "$uf_tmp" || return 1
	fi
	if ! printf '%s' "$2" | base64 -d >"$uf_tmp"; then
		rm -f -- "$uf_tmp"
		return 1
	fi
	if [ -n "$3" ] && [ -e "$1" ]; then
		# The backup is written fresh too: a link where it goes is removed, never written through.
		if ! rm -f -- "$3" || ! cp -- "$1" "$3"; then
			rm -f -- "$uf_tmp"
			return 1
		fi
	fi
	mv -f -- "$uf_tmp" "$1"
}
