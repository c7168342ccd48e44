# shellcheck shell=sh
# lib/proto.sh: the protocol every script speaks: exit statuses by name, sections of output and facts, paths as
# users write them, the host's facts. Sent first, in front of every script and of the other lib files it uses.
#
# The module runs a script as `sh -c SCRIPT NAME MARKER ARG...`: the script text never changes, user values only
# arrive as positional parameters. MARKER is a random word drawn for this one call; output is framed in sections
# that start with a line "@@MARKER NAME", which no file name, log line or program output can forge.
uf_marker=$1
shift

# Ends the script with an exit status the module reads, by name; src/UberspaceFlask.Core/Host/ExitCodes.cs holds the
# same table (a test compares them). 'words': a script was given other words than its header names. take_lock
# returns the status for "locked" (3) rather than exiting.
uf_exit() {
	case $1 in
	locked) exit 3 ;;
	verify) exit 4 ;;
	venv) exit 5 ;;
	gate) exit 6 ;;
	upload) exit 7 ;;
	no-space) exit 8 ;;
	not-found) exit 9 ;;
	no-uwsgi) exit 10 ;;
	slot) exit 11 ;;
	release-command) exit 12 ;;
	words) exit 13 ;;
	esac
	exit 1
}

# Opens a section of output. The leading newline puts the marker at a line start whatever came before.
section() {
	printf '\n@@%s %s\n' "$uf_marker" "$1"
}

# One fact per line: key=value. Values are paths the module validated, numbers or words: no line breaks.
fact() {
	printf '%s=%s\n' "$1" "$2"
}

# A path as users write it: '~', '~/x', relative to the home, or absolute.
# The '~' is matched as a literal character of the value; it is the user's text, never the shell's tilde.
# shellcheck disable=SC2088
host_path() {
	case $1 in
	'~') printf '%s\n' "$HOME" ;;
	'~/'*) printf '%s/%s\n' "${HOME%/}" "${1#'~/'}" ;;
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "${HOME%/}" "$1" ;;
	esac
}

# The facts every script reports first: the home directory (so opening a session needs no command of its own).
report_host() {
	section host
	fact home "$HOME"
}
