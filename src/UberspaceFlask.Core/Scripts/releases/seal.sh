# shellcheck shell=sh
# releases/seal.sh: checks every staged file against the manifest, moves the release into place with one rename,
# makes or reuses its venv, and runs gate 1: in the venv, import the app and request the health path through a
# WSGI test client (no network, no service touched). Reports the uWSGI that will serve it (see show_uwsgi).
# $1 the publish directory, $2 the release id, $3 the manifest (sha256sum's format) in base64, $4 the release's
# info in base64, $5 the python, $6 the venv key, $7 'yes' for --system-site-packages, $8 the requirements file
# relative to the release ('' for none), $9 the shared directories, one per line, $10 the WSGI shim in base64,
# $11 the gate program in base64, $12 the entry (module:attr or module:factory()), $13 the health path,
# then pip's arguments.
root=$(host_path "$1")
id=$2
stage="$root/staging/$id"
release="$root/releases/$id"
venv="$root/venvs/$6"
shim="$root/uf_wsgi.py"
gate="$root/uf_gate.py"
if [ -d "$stage" ]; then
	write_file "$root/meta/$id.manifest" "$3" '' || exit 1
	section verify
	if ! (cd -- "$stage" && sha256sum --quiet --strict -c -- "$root/meta/$id.manifest" 2>&1); then exit 4; fi
	mv -- "$stage" "$release" || exit 1
fi
[ -d "$release" ] || exit 4
write_file "$root/meta/$id.info" "$4" '' || exit 1
# Shared directories outlive releases (uploads, a SQLite database): the release gets a link to each.
printf '%s\n' "$9" | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	mkdir -p -- "$root/shared/$dir" "$(dirname -- "$release/$dir")" || exit 1
	rm -rf -- "${release:?}/$dir"
	ln -s -- "$root/shared/$dir" "$release/$dir" || exit 1
done || exit 1
write_file "$shim" "${10}" '' || exit 1
write_file "$gate" "${11}" '' || exit 1
python=$5
system_site=$7
requirements=$8
entry=${12}
health=${13}
shift 13
section venv
if [ -x "$venv/bin/python" ] && [ ! -e "$venv/.uf-incomplete" ]; then
	fact reused yes
else
	fact reused no
	# Built in place: a venv cannot be moved. The marker stays until pip is done, so a cut-off build is redone.
	rm -rf -- "$venv"
	mkdir -p -- "$venv" && touch -- "$venv/.uf-incomplete" || exit 1
	section venv-build
	if [ "$system_site" = yes ]; then
		"$python" -m venv --system-site-packages "$venv" 2>&1 || exit 5
	else
		"$python" -m venv "$venv" 2>&1 || exit 5
	fi
	touch -- "$venv/.uf-incomplete"
	if [ -n "$requirements" ]; then
		"$venv/bin/python" -m pip install --disable-pip-version-check "$@" -r "$release/$requirements" 2>&1 || exit 5
	fi
	rm -f -- "$venv/.uf-incomplete"
fi
section gate
UF_ENTRY=$entry UF_SECRETS="$root/secrets" UF_RELEASE=$release "$venv/bin/python" "$gate" "$shim" "$health" 2>&1
status=$?
section gate-exit
fact exit "$status"
[ "$status" -eq 0 ] || exit 6
show_uwsgi "$venv"
