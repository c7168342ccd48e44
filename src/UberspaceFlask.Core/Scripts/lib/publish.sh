# shellcheck shell=sh
# lib/publish.sh: a publish directory (~/apps/NAME): its layout, the release command, the lock, pruning.
# uses: venv

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
		if ! process_alive "$uf_cleanup_pid"; then
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

# Whether process $1 runs: it exists and is no zombie. A killed process stays one until its parent reaps it, and kill
# -0 still finds it; a cleanup started detached has init for a parent, which on some hosts reaps late or never.
process_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	uf_pa_stat=
	if [ -r "/proc/$1/stat" ]; then read -r uf_pa_stat <"/proc/$1/stat" || uf_pa_stat=; fi
	uf_pa_stat=${uf_pa_stat##*) }
	[ "${uf_pa_stat%% *}" != Z ]
}

# Whether the lock of publish directory $1 is held by a cleanup that still runs (a publish would wait for it).
cleanup_running() {
	app_layout "$1"
	[ -f "$uf_lock/cleanup" ] || return 1
	read -r uf_cleanup_pid _ <"$uf_lock/cleanup" || return 1
	process_alive "$uf_cleanup_pid"
}

# The publish lock of publish directory $1 in the section "lock": "cleanup" while the cleanup after a publish holds
# it, "cleanup-gone" when that cleanup's process is gone (killed: the next publish takes the lock over), "held" when
# anyone else holds it, then the holder line (PublishLock reads it); nothing when it is free.
show_lock() {
	section lock
	app_layout "$1"
	if cleanup_running "$1"; then
		echo cleanup
		cat -- "$uf_lock/holder" 2>/dev/null
	elif [ -f "$uf_lock/cleanup" ]; then
		echo cleanup-gone
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
