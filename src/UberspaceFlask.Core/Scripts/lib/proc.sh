# shellcheck shell=sh
# lib/proc.sh: processes and listeners: the port's listeners, slow commands side by side, uWSGI masters reporting for themselves.
# uses: (proto only)

# Every listening TCP socket with its process (the account's own processes show a pid). Filtered in C#.
show_listeners() {
	section listeners
	if command -v ss >/dev/null 2>&1; then
		ss -Hltnp 2>/dev/null
	fi
}

# Slow commands (supervisorctl and uberspace are Python programs, a quarter of a second each) run side by side:
# start_side_by_side NAME COMMAND... starts one; show_side_by_side NAME... waits for them all and shows each one
# started as a section NAME with its exit status in the section NAME-exit (one not started shows nothing).
start_side_by_side() {
	if [ -z "${uf_side:-}" ]; then
		uf_side=$(mktemp -d) || return 1
		# The host's watcher sends TERM when the connection goes: the temporaries go with the script.
		trap 'rm -rf -- "$uf_side"; exit 143' TERM
		trap 'rm -rf -- "$uf_side"; exit 129' HUP
	fi
	uf_name=$1
	shift
	{
		"$@" >"$uf_side/$uf_name" 2>&1
		echo "$?" >"$uf_side/$uf_name.exit"
	} &
}

show_side_by_side() {
	wait
	for uf_name in "$@"; do
		if [ -z "${uf_side:-}" ] || [ ! -f "$uf_side/$uf_name.exit" ]; then continue; fi
		section "$uf_name"
		cat "$uf_side/$uf_name"
		section "$uf_name-exit"
		fact exit "$(cat "$uf_side/$uf_name.exit")"
	done
	if [ -n "${uf_side:-}" ]; then rm -rf -- "$uf_side"; fi
	uf_side=
	trap - TERM HUP
}

# The parent and the age in seconds of process $1, in uf_ppid, uf_parent_name and uf_age. Read from /proc where there
# is one: ps reads every process of the host (20 ms a call here, more on a busy host). Returns 1 when it is gone.
process_facts() {
	uf_ppid=
	uf_parent_name=
	uf_age=
	if [ -r "/proc/$1/stat" ] && [ -r /proc/uptime ]; then
		read -r uf_stat <"/proc/$1/stat" || return 1
		# The command name, in parentheses, may hold spaces and parentheses: fields count from after its last ')'.
		uf_stat=${uf_stat##*) }
		set -f
		# Splitting is wanted here: the fields of /proc/PID/stat are numbers and one state letter.
		# shellcheck disable=SC2086
		set -- $uf_stat
		set +f
		[ "$#" -ge 20 ] || return 1
		uf_ppid=$2
		read -r uf_up _ </proc/uptime || return 1
		uf_hz=$(getconf CLK_TCK 2>/dev/null) || uf_hz=100
		case $uf_hz in '' | *[!0-9]* | 0) uf_hz=100 ;; esac
		uf_age=$((${uf_up%%.*} - ${20} / uf_hz))
		if [ -r "/proc/$uf_ppid/comm" ]; then read -r uf_parent_name <"/proc/$uf_ppid/comm"; fi
	else
		uf_ppid=$(ps -o ppid= -p "$1" | tr -cd '0-9')
		[ -n "$uf_ppid" ] || return 1
		uf_parent_name=$(ps -o comm= -p "$uf_ppid")
		uf_age=$(ps -o etime= -p "$1" | tr -d ' ')
		return 0
	fi
	# As minutes:seconds, the shape ps's etime has for the first hour (the module reads both).
	uf_age="$((uf_age / 60)):$((uf_age % 60))"
}

# supervisorctl is a Python program (a quarter of a second). When a pidfile in the app directory ($1) names a live
# process whose parent is supervisord, that process, uWSGI's master, reports for itself (pid, how long it runs) in
# the section "master", and the module decides whether that is enough; when it is not, it probes again asking
# supervisorctl. Returns 1 when there is no such process.
show_master() {
	for uf_pidfile in "$1"/*.pid; do
		show_master_of "$uf_pidfile" master && return 0
	done
	return 1
}

# show_master_of PIDFILE SECTION: the same report for the process one pidfile names, in SECTION (a publish's slot).
# Returns 1 when it names no live process whose parent is supervisord.
show_master_of() {
	[ -f "$1" ] || return 1
	uf_pid=$(head -c 20 "$1")
	case $uf_pid in '' | *[!0-9]*) return 1 ;; esac
	if ! kill -0 "$uf_pid" 2>/dev/null || ! process_facts "$uf_pid"; then return 1; fi
	[ "$uf_parent_name" = supervisord ] || return 1
	section "$2"
	fact pid "$uf_pid"
	fact elapsed "$uf_age"
}
