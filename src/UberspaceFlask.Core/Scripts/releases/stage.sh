# shellcheck shell=sh
# releases/stage.sh: takes the app's publish lock and builds a release in the staging directory from one stream on
# stdin: the files that did not change are hard-linked from the current release (copied where a link is not
# possible), the new and changed ones and every symbolic link are unpacked from a tar archive. Then every file is
# checked against the manifest (content and executable bit) and every link against its target, and the release
# moves into place with one rename. Then, in the same round trip, its venv is made or reused and gate 1 runs: in
# the venv, import the app and request the health path through a WSGI test client (no network, no service
# touched); last, the uWSGI the plan chose for the slot must be there.
# words (StageWords in Releases/ScriptWords.cs): publish_dir holder id current break_lock manifest_bytes keep_bytes
# links_bytes info python venv_key system_site requirements shared_dirs shim_content gate_content entry health uwsgi
# slot_service slot_port slot_timeout slot_ini slot_ini_content slot_ini_backup service_ini service_ini_content
# service_ini_backup service_mode health_path pidfile release_command runner; then pip's arguments.
# publish_dir: the publish directory; holder: who holds the lock (one line); id, current: the new release and the
# current one ('' for none); break_lock: 'break' to take over the lock; manifest_bytes, keep_bytes, links_bytes: the
# lengths of the three lists on stdin (the manifest; files to take over from the current release, a relative path per
# line; links, the path and its target a line each); info: the release's info in base64; python, venv_key,
# system_site ('yes' for --system-site-packages), requirements (relative to the release, '' for none); shared_dirs:
# one per line; shim_content, gate_content: the WSGI shim and gate 1's program in base64; entry (module:attr or
# module:factory()), health: the health path; uwsgi: the one the slot runs; slot_service to pidfile: gate 2's
# (start_slot in lib.sh); release_command: its words ('=' and a word per line, '' for none); runner: uf_run.py in
# base64. The release command runs after gate 1; gate 2 starts only when everything before it passed.
# stdin: the manifest, the two lists, then the archive.
# uses: files supervisor venv publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
[ "$#" -ge 33 ] || uf_exit words
publish_dir=$1 holder=$2 id=$3 current=$4 break_lock=$5 manifest_bytes=$6 keep_bytes=$7 links_bytes=$8 info=$9
python=${10} venv_key=${11} system_site=${12} requirements=${13} shared_dirs=${14} shim_content=${15} gate_content=${16}
entry=${17} health=${18} uwsgi=${19} slot_service=${20} slot_port=${21} slot_timeout=${22} slot_ini=${23}
slot_ini_content=${24} slot_ini_backup=${25} service_ini=${26} service_ini_content=${27} service_ini_backup=${28}
service_mode=${29} health_path=${30} pidfile=${31} release_command=${32} runner=${33}
shift 33
root=$(host_path "$publish_dir")
app_layout "$root"
mkdir -p -- "$uf_releases" "$uf_meta" "$uf_venvs" "$uf_staging" || uf_exit failed
take_lock "$root" "$holder" "$break_lock" || exit $?
# What a dropped connection left behind: the lock was free, so nobody is writing there.
rm -rf -- "$uf_staging" || uf_exit failed
stage="$uf_staging/$id"
keep="$uf_staging/keep"
links="$uf_staging/links"
manifest="$uf_meta/$id.manifest"
mkdir -p -- "$stage" || uf_exit failed
# Whether the disk or the quota is full: the failed command's output ($1) says so, or not even a MiB can be written
# next to the releases (python -m venv hides what ensurepip said). If so, shows the space left in the section "space".
out_of_space() {
	case $1 in
	*"No space left on device"* | *"Disk quota exceeded"*) ;;
	*)
		if head -c 1048576 /dev/zero >"$root/.uf-space-probe" 2>/dev/null; then
			rm -f -- "$root/.uf-space-probe"
			return 1
		fi
		rm -f -- "$root/.uf-space-probe"
		;;
	esac
	section space
	fact kib "$(df -Pk -- "$root" 2>/dev/null | awk 'NR == 2 { print $4 }')"
}
# A stream that did not arrive whole, or no room for it: the staging directory goes at once (the client may be gone)
# and the exit status says which.
failed() {
	rm -rf -- "$uf_staging"
	if out_of_space "$1"; then uf_exit no-space; fi
	uf_exit upload
}
unpack() {
	# head -c reads exactly so many bytes and no more: the archive that follows stays on stdin for tar.
	head -c "$manifest_bytes" >"$manifest" && head -c "$keep_bytes" >"$keep" && head -c "$links_bytes" >"$links" || return 1
	if [ "$(wc -c <"$manifest")" -ne "$manifest_bytes" ] || [ "$(wc -c <"$keep")" -ne "$keep_bytes" ] || [ "$(wc -c <"$links")" -ne "$links_bytes" ]; then
		echo "the stream ended early"
		return 1
	fi
	if [ -n "$current" ]; then
		while IFS= read -r file; do
			[ -n "$file" ] || continue
			mkdir -p -- "$(dirname -- "$stage/$file")" || return 1
			ln -- "$uf_releases/$current/$file" "$stage/$file" 2>/dev/null || cp -p -- "$uf_releases/$current/$file" "$stage/$file" || return 1
		done <"$keep"
	fi
	# -p: the archive's modes as they are (0755 or 0644), whatever the umask; the account owns what it unpacks.
	tar -x -p --no-same-owner -f - -C "$stage"
}
section unpack
if ! out=$(unpack 2>&1); then
	printf '%s\n' "$out"
	failed "$out"
fi
section verify
if ! (cd -- "$stage" && sha256sum --quiet --strict -c -- "$manifest" 2>&1); then uf_exit verify; fi
# The executable bit: "HASH *PATH" lines are executable, "HASH  PATH" lines are not. A line that starts with a
# backslash holds an escaped name (its backslashes doubled), as sha256sum writes it.
while IFS= read -r line; do
	case $line in
	\\*) escaped=yes line=${line#?} ;;
	*) escaped= ;;
	esac
	rest=${line#????????????????????????????????????????????????????????????????}
	case $rest in
	' *'*) want=x ;;
	*) want= ;;
	esac
	path=${rest#??}
	if [ -n "$escaped" ]; then path=$(printf '%b' "$path"); fi
	if [ -x "$stage/$path" ]; then have=x; else have=; fi
	if [ "$want" != "$have" ]; then
		printf '%s: the executable bit is not what was sent\n' "$path"
		uf_exit verify
	fi
done <"$manifest"
while IFS= read -r path && IFS= read -r target; do
	if [ ! -L "$stage/$path" ] || [ "$(readlink -- "$stage/$path")" != "$target" ]; then
		printf '%s: not the symbolic link that was sent\n' "$path"
		uf_exit verify
	fi
done <"$links"
rm -f -- "$keep" "$links"
release="$uf_releases/$id"
mv -- "$stage" "$release" || uf_exit failed
# The host's own clock when the files are in place, so the client can tell the upload from the venv step and gate 1.
read -r placed _ </proc/uptime 2>/dev/null || placed=
venv="$uf_venvs/$venv_key"
shim=$uf_shim
gate=$uf_gate
write_file "$uf_meta/$id.info" "$info" '' || uf_exit failed
# Shared directories outlive releases (uploads, a SQLite database): the release gets a link to each.
printf '%s\n' "$shared_dirs" | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	mkdir -p -- "$uf_shared/$dir" "$(dirname -- "$release/$dir")" || uf_exit failed
	rm -rf -- "${release:?}/$dir"
	ln -s -- "$uf_shared/$dir" "$release/$dir" || uf_exit failed
done || uf_exit failed
write_file "$shim" "$shim_content" '' || uf_exit failed
write_file "$gate" "$gate_content" '' || uf_exit failed
section venv
if venv_ready "$venv"; then
	fact reused yes
else
	fact reused no
	# Built in place: a venv cannot be moved.
	rm -rf -- "$venv"
	section venv-build
	# A full disk here leaves nothing of this try behind (the half venv, the release's files and records), so what
	# space there was is there again; any other failure keeps the release, marked failed, for a look.
	if ! out=$(venv_create "$python" "$venv" "$system_site" 2>&1) ||
		{ [ -n "$requirements" ] && ! out="$out
$("$venv/bin/python" -m pip install --disable-pip-version-check "$@" -r "$release/$requirements" 2>&1)"; }; then
		printf '%s\n' "$out"
		if out_of_space "$out"; then
			rm -rf -- "$venv" "$(venv_marker "$venv")" "$release" "$uf_meta/$id.info" "$uf_meta/$id.manifest"
			section space-phase
			echo venv
			uf_exit no-space
		fi
		uf_exit venv
	fi
	printf '%s\n' "$out"
	venv_done "$venv"
fi
section gate
UF_ENTRY=$entry UF_SECRETS="$uf_secrets" UF_RELEASE=$release "$venv/bin/python" "$gate" "$shim" "$health" 2>&1
status=$?
section gate-exit
fact exit "$status"
[ "$status" -eq 0 ] || uf_exit gate
[ -x "$uwsgi" ] || uf_exit no-uwsgi
if [ -n "$release_command" ]; then
	write_file "$uf_runner" "$runner" '' || uf_exit failed
	run_release_command "$release" "$venv" "$entry" "$release_command" || uf_exit release-command
fi
read -r finished _ </proc/uptime 2>/dev/null || finished=
section timing
fact placed "$placed"
fact finished "$finished"
start_slot "$slot_service" "$slot_port" "$slot_timeout" "$slot_ini" "$slot_ini_content" "$slot_ini_backup" \
	"$service_ini" "$service_ini_content" "$service_ini_backup" "$service_mode" "$health_path" "$pidfile" || uf_exit slot
read -r started _ </proc/uptime 2>/dev/null || started=
section slot-timing
fact finished "$started"
