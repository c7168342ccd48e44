# shellcheck shell=sh
# lib.sh: put in front of every script UberspaceFlask runs on a host.
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
	if [ -z "${uf_side:-}" ]; then uf_side=$(mktemp -d) || return 1; fi
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

# `supervisorctl status [NAME]` with its exit status in a section of its own.
show_supervisor_status() {
	section status
	supervisorctl status "$@" 2>&1
	uf_status=$?
	section status-exit
	fact exit "$uf_status"
}

# `uberspace web backend list` with its exit status (127: no uberspace command, so not an Uberspace 7 host).
show_backends() {
	section backends
	uberspace web backend list 2>&1
	uf_status=$?
	section backends-exit
	fact exit "$uf_status"
}

# `uberspace web backend ARGS...` (set or del): its output and exit status in the sections "change" and
# "change-exit". Returns that status.
run_backend_change() {
	section change
	uberspace web backend "$@" 2>&1
	uf_change=$?
	section change-exit
	fact exit "$uf_change"
	return "$uf_change"
}

# run_backend_change, then the list as it is afterwards (show_backends), in the same round trip. Returns its status.
change_backend() {
	run_backend_change "$@"
	uf_change=$?
	show_backends
	return "$uf_change"
}

# The ini of every supervisord service, each in a section "file:service:NAME".
show_services() {
	for uf_ini in "$HOME"/etc/services.d/*.ini; do
		[ -f "$uf_ini" ] || continue
		uf_name=$(basename -- "$uf_ini" .ini)
		show_file "service:$uf_name" "$uf_ini"
	done
}

# One request through the frontend: prints "CODE SLOT", the HTTP status (000 when nothing answered within $2
# seconds) and the slot that answered (its X-UberspaceFlask-Slot header; '' when the answer names none). $1 a URL, or
# "HOST URL" to send that Host header (a domain's route reached through a URL of another host name: FrontendRequest).
frontend_reach() {
	uf_fr_url=$1 uf_fr_wait=$2
	set --
	case $uf_fr_url in *" "*)
		set -- -H "Host: ${uf_fr_url%% *}"
		uf_fr_url=${uf_fr_url#* }
		;;
	esac
	# The headers, then a last line code=N (curl writes 000 itself when nothing answered, nothing when it is missing).
	uf_fr_out=$(curl -s -o /dev/null -D - -w 'code=%{http_code}\n' --max-time "$uf_fr_wait" "$@" "$uf_fr_url" 2>/dev/null | tr -d '\r')
	uf_fr_code=$(printf '%s\n' "$uf_fr_out" | sed -n 's/^code=//p')
	uf_fr_slot=$(printf '%s\n' "$uf_fr_out" | sed -n 's/^[Xx]-[Uu]berspace[Ff]lask-[Ss]lot:[[:space:]]*//p' | tail -n 1)
	printf '%s %s\n' "${uf_fr_code:-000}" "$uf_fr_slot"
}

# The HTTP status alone of one request through the frontend (frontend_reach's $1 and $2).
frontend_status() {
	uf_fs_reach=$(frontend_reach "$1" "$2")
	printf '%s\n' "${uf_fs_reach%% *}"
}

# The HTTP status of each request (frontend_status's $1), one line "CODE REQUEST" each; 000 after 10 s of silence.
fetch_status() {
	for uf_url in "$@"; do
		printf '%s %s\n' "$(frontend_status "$uf_url" 10)" "$uf_url"
	done
}

# `supervisorctl start` waits out startsecs before it returns; started in the background, the wait below can see
# the app answer long before that. supervisord goes on starting the program when the client is gone.
# $1 the service name; $2 'restart' to stop it first (stop returns once the old process is gone).
start_in_background() {
	if [ "$2" = restart ]; then supervisorctl stop "$1" >/dev/null 2>&1; fi
	supervisorctl start "$1" >/dev/null 2>&1 &
	uf_starter=$!
}

# Waits until the program answers on its port; gives up early when supervisord has given up on it.
# $1 name, $2 port ('' when unknown: then RUNNING is the sign), $3 timeout in seconds, $4 a URL path that must answer
# 2xx or 3xx (a publish's health gate; '' for any answer on /).
# Reports "ready", "gave-up" or "timeout" and the last HTTP status code, the status it stopped on (a fresh one after a
# timeout), and the port's listeners; after a failure, the end of the program's stderr.
wait_ready() {
	uf_deadline=$(($(date +%s) + $3))
	uf_round=0
	uf_outcome=timeout
	uf_state=
	uf_code=000
	while [ "$(date +%s)" -le "$uf_deadline" ]; do
		# supervisorctl is a Python program (a quarter of a second): ask it every fifth round only, the first time
		# after the app has had 0.4 s to answer (most do by then), unless there is no port to ask.
		if [ $((uf_round % 5)) -eq 4 ] || { [ -z "$2" ] && [ $((uf_round % 5)) -eq 0 ]; }; then
			uf_state=$(supervisorctl status "$1" 2>&1)
			case $uf_state in
			*" BACKOFF"* | *"no such process"*)
				uf_outcome=gave-up
				break
				;;
			*" FATAL"* | *" EXITED"*)
				# Within a second of a start in the background this can still be the state from before it.
				if [ -z "${uf_starter:-}" ] || [ "$uf_round" -ge 10 ]; then
					uf_outcome=gave-up
					break
				fi
				;;
			*" RUNNING"*) if [ -z "$2" ] || ! command -v curl >/dev/null 2>&1; then
				uf_outcome=ready
				break
			fi ;;
			esac
		fi
		if [ -n "$2" ] && command -v curl >/dev/null 2>&1; then
			uf_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$2${4:-/}" 2>/dev/null) || uf_code=000
			case ${4:-}:$uf_code in
			*:000) ;;
			:* | *:2?? | *:3??)
				uf_outcome=ready
				break
				;;
			esac
		fi
		uf_round=$((uf_round + 1))
		sleep 0.1
	done
	if [ -n "${uf_starter:-}" ]; then kill "$uf_starter" 2>/dev/null; fi
	section wait
	fact outcome "$uf_outcome"
	fact code "$uf_code"
	# The state it stopped on (BACKOFF, say: a fresh look could already show the next STARTING of a retry). When
	# the app answered but the last look was from before supervisord spawned it, look once more.
	case $uf_outcome:$uf_state in
	ready:*" RUNNING"* | ready:*" STARTING"*) ;;
	ready:*) uf_state=$(supervisorctl status "$1" 2>&1) ;;
	esac
	if [ "$uf_outcome" = timeout ]; then
		show_supervisor_status "$1"
	else
		section status
		printf '%s\n' "$uf_state"
	fi
	# Until startsecs are over supervisorctl shows no pid; the port's holder is the app's uWSGI.
	if [ -n "$2" ]; then show_listeners; fi
	if [ "$uf_outcome" != ready ]; then
		section log-tail
		supervisorctl tail -3000 "$1" stderr 2>&1
	fi
}

# Gate 2 of a publish: points an idle slot at a release, (re)starts it and waits until the health path answers 2xx
# or 3xx on the slot's own port (wait_ready), then shows uWSGI's master pid in the section "master", so a stray
# process on the port is not taken for the app. Returns non-zero when a file could not be written or supervisord
# would not take the program.
# $1 the slot's service name, $2 its port, $3 the timeout in seconds, $4 the slot's uwsgi ini, $5 its content in
# base64 ('' when it is as planned already), $6 where to keep its old content ('' for nowhere), $7 the service's ini,
# $8 its content in base64 ('' when unchanged), $9 where to keep its old content, $10 'update' when the service ini
# changes (supervisord re-adds the program) or 'restart', $11 the health path, $12 the slot's pidfile.
start_slot() {
	mkdir -p -- "$(dirname -- "$7")" || return 1
	if [ -n "$5" ]; then write_file "$4" "$5" "$6" || return 1; fi
	if [ -n "$8" ]; then write_file "$7" "$8" "$9" || return 1; fi
	# A changed service ini: `update` re-adds the program (stopping the old process), which is then started with the
	# uwsgi ini just written. Otherwise the program is stopped and started.
	if [ "${10}" = update ]; then
		supervisorctl update "$1" >/dev/null 2>&1 || return 2
		start_in_background "$1"
	else
		start_in_background "$1" restart
	fi
	wait_ready "$1" "$2" "$3" "${11}"
	section master
	fact pid "$(head -c 20 "${12}" 2>/dev/null | tr -cd '0-9')"
}

# The one venv rule, for the guide's venv and a release's alike: a venv being built carries a marker beside it
# (DIR/.NAME.uf-incomplete; beside, because `venv --clear` empties the folder) until its packages are in, so a build
# cut off in between is noticed and done again.
venv_marker() {
	printf '%s/.%s.uf-incomplete\n' "$(dirname -- "$1")" "$(basename -- "$1")"
}

# venv_create PYTHON VENV SYSTEM_SITE: a fresh venv ('yes': over the system's site-packages), marked incomplete.
venv_create() {
	touch -- "$(venv_marker "$2")" || return 1
	if [ "$3" = yes ]; then
		"$1" -m venv --clear --system-site-packages "$2"
	else
		"$1" -m venv --clear "$2"
	fi
}

venv_done() {
	rm -f -- "$(venv_marker "$1")"
}

# Whether VENV is complete. (A release's venv built by an earlier version kept its marker inside it.)
venv_ready() {
	[ -x "$1/bin/python" ] && [ ! -e "$(venv_marker "$1")" ] && [ ! -e "$1/.uf-incomplete" ]
}

# The releases layout of a publish directory (~/apps/NAME), named in this one place; PublishLayout in
# src/UberspaceFlask.Core/Releases/PublishSpec.cs is its C# side. Sets uf_releases (a folder per release id),
# uf_meta (ID.manifest and ID.info), uf_venvs (a venv per key), uf_shared, uf_staging, uf_state, uf_lock (the publish
# lock: a folder with "holder" and, while a cleanup holds it, "cleanup"), uf_secrets, uf_shim (the WSGI entry), uf_gate
# (gate 1's program), uf_cleanup_log and uf_runner (runs a command in a release's environment) for publish directory $1.
# shellcheck disable=SC2034
app_layout() {
	uf_releases=$1/releases
	uf_meta=$1/meta
	uf_venvs=$1/venvs
	uf_shared=$1/shared
	uf_staging=$1/staging
	uf_state=$1/state
	uf_lock=$1/lock
	uf_secrets=$1/secrets
	uf_shim=$1/uf_wsgi.py
	uf_gate=$1/uf_gate.py
	uf_cleanup_log=$1/cleanup.log
	uf_runner=$1/uf_run.py
}

# Runs a release command: $1 the release folder, $2 its venv, $3 the app's entry, $4 the command's words, one per
# line, each after a '=' (so that an empty word survives), for a publish directory whose layout is set (app_layout).
# The words run as an argv through uf_runner, in the release's folder and venv with the app's secrets in the
# environment; no shell sees them. Output in the section "release-command", the exit status in
# "release-command-exit", and returned.
run_release_command() {
	uf_rc_release=$1 uf_rc_venv=$2 uf_rc_entry=$3 uf_rc_words=$4
	section release-command
	set --
	while IFS= read -r uf_word; do set -- "$@" "${uf_word#=}"; done <<EOF
$uf_rc_words
EOF
	UF_RELEASE=$uf_rc_release UF_VENV=$uf_rc_venv UF_ENTRY=$uf_rc_entry UF_SECRETS=$uf_secrets \
		"$uf_rc_venv/bin/python" "$uf_runner" "$@" </dev/null 2>&1
	uf_status=$?
	section release-command-exit
	fact exit "$uf_status"
	return "$uf_status"
}

# Takes an app's publish lock, a directory (mkdir is atomic), and writes who holds it. When another holds it, shows
# the holder in the section "lock" and returns 3 (uf_exit locked). $1 the publish directory, $2 the holder (one
# line), $3 'break' to take over a lock a killed client left behind.
# The cleanup after a publish (releases/cleanup.sh) holds the lock for a few seconds: this waits for it, up to the
# deadline it wrote in lock/cleanup; a lock whose cleanup process is gone is taken over.
take_lock() {
	mkdir -p -- "$1" || return 1
	app_layout "$1"
	if [ "$3" = break ]; then release_lock; fi
	while [ -f "$uf_lock/cleanup" ]; do
		read -r uf_cleanup_pid uf_cleanup_until <"$uf_lock/cleanup" || continue
		if ! kill -0 "$uf_cleanup_pid" 2>/dev/null; then
			release_lock
			break
		fi
		[ "$(date +%s)" -lt "$uf_cleanup_until" ] || break
		sleep 0.1
	done
	if ! mkdir -- "$uf_lock" 2>/dev/null; then
		section lock
		cat -- "$uf_lock/holder" 2>/dev/null
		return 3
	fi
	printf '%s\n' "$2" >"$uf_lock/holder"
}

# Frees the publish lock (app_layout's uf_lock) in one step: the folder is renamed away before it is removed, so no
# one ever sees the lock still there with its holder line or its cleanup mark already gone (take_lock would refuse).
release_lock() {
	uf_freed=$uf_lock.freed.$$
	rm -rf -- "$uf_freed"
	mv -- "$uf_lock" "$uf_freed" 2>/dev/null || return 0
	rm -rf -- "$uf_freed"
}

# Marks the publish lock as held by the cleanup process $1 for at most $2 seconds more (take_lock waits that long).
mark_cleanup() {
	printf '%s %s\n' "$1" "$(($(date +%s) + $2))" >"$uf_lock/.cleanup.tmp" && mv -f -- "$uf_lock/.cleanup.tmp" "$uf_lock/cleanup"
}

# Whether the lock of publish directory $1 is held by a cleanup that still runs (a publish would wait for it).
cleanup_running() {
	app_layout "$1"
	[ -f "$uf_lock/cleanup" ] || return 1
	read -r uf_cleanup_pid _ <"$uf_lock/cleanup" || return 1
	kill -0 "$uf_cleanup_pid" 2>/dev/null
}

# The publish lock of publish directory $1 in the section "lock": "cleanup" while the cleanup after a publish holds
# it, "held" when anyone else does, then the holder line (PublishLock reads it); nothing when it is free.
show_lock() {
	section lock
	app_layout "$1"
	if cleanup_running "$1"; then
		echo cleanup
		cat -- "$uf_lock/holder" 2>/dev/null
	elif [ -d "$uf_lock" ]; then
		echo held
		cat -- "$uf_lock/holder" 2>/dev/null
	fi
}

# Removes releases ($2: ids, one per line) and venvs ($3: keys, one per line) of publish directory $1; says what it
# could not remove.
prune_releases() {
	app_layout "${1:?}"
	printf '%s\n' "$2" | while IFS= read -r uf_id; do
		[ -n "$uf_id" ] || continue
		rm -rf -- "${uf_releases:?}/$uf_id" "$uf_meta/$uf_id.info" "$uf_meta/$uf_id.manifest" || echo "could not remove release $uf_id"
	done
	printf '%s\n' "$3" | while IFS= read -r uf_key; do
		[ -n "$uf_key" ] || continue
		rm -rf -- "${uf_venvs:?}/$uf_key" "$(venv_marker "$uf_venvs/$uf_key")" || echo "could not remove venv $uf_key"
	done
}

# What New-UwsgiConfig needs to know, in the section "uwsgi" and the file "uwsgi-ini": New-UwsgiConfig's own probe,
# and New-FlaskApp's, which hands it on. $1 the app directory as given, $2 the entry module, $3 the venv as given
# ('' for the app's own), $4 the venv's directory name, $5 a uWSGI binary as given ('' to look for one), $6 uwsgi.ini's name.
show_uwsgi_facts() {
	uf_app=$(host_path "$1")
	if [ -n "$3" ]; then uf_venv=$(host_path "$3"); else uf_venv="$uf_app/$4"; fi
	section uwsgi
	fact app "$uf_app"
	fact venv "$uf_venv"
	if [ -f "$uf_app/$2.py" ]; then fact entry yes; fi
	if [ -x "$uf_venv/bin/python" ]; then fact venvpython yes; fi
	if [ -x "$uf_venv/bin/uwsgi" ]; then fact venvuwsgi yes; fi
	if [ -n "$5" ]; then
		uf_uwsgi=$(host_path "$5")
		fact explicit "$uf_uwsgi"
		if [ -f "$uf_uwsgi" ] && [ -x "$uf_uwsgi" ]; then fact explicitok yes; fi
	fi
	fact system "$(command -v uwsgi)"
	show_file uwsgi-ini "$uf_app/$6"
}

# The guide layout's diagnosis, every link from the app directory to the frontend (Test-FlaskDeployment): $1 the app
# directory as given, $2 the venv's directory name, $3 uwsgi.ini's name, $4 'ask' to ask supervisorctl even when
# uWSGI's master answers for itself (see show_master), $5 'list' to list the web backends ('' when the module has the
# list from the step before), $6... the URLs the page is expected at (fetched side by side, so that when the guess is
# right the check through the frontend needs no round trip of its own). diagnosis/probe.sh runs it, and
# diagnosis/published.sh for an app that turns out not to be published, in the same round trip.
diagnose_guide() {
	uf_app=$(host_path "$1")
	uf_venv="$uf_app/$2"
	uf_uwsgi_ini=$3
	uf_ask=$4
	uf_list=$5
	shift 5
	# The slowest part (Flask imports Werkzeug, Jinja2 and Click) starts first. Its own exit status is reported (once
	# a pipe's last command was, so the check could not fail).
	if [ -x "$uf_venv/bin/python" ]; then
		start_side_by_side venv-import "$uf_venv/bin/python" -c 'import flask'
	fi
	if [ "$uf_ask" = ask ] || ! show_master "$uf_app"; then
		start_side_by_side status supervisorctl status
	fi
	if [ "$uf_list" = list ]; then
		start_side_by_side backends uberspace web backend list
	fi
	if [ "$#" -gt 0 ]; then
		start_side_by_side http fetch_status "$@"
	fi
	report_host
	fact user "$(id -un)"
	fact app "$uf_app"
	if [ -d "$uf_app" ]; then fact appdir yes; fi
	show_file uwsgi "$uf_app/$uf_uwsgi_ini"
	show_services
	show_listeners
	show_side_by_side status backends venv-import http
}
