# shellcheck shell=sh
# lib/web.sh: the web backends and the frontend: `uberspace web backend`, and requests through the frontend.
# uses: (proto only)

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
