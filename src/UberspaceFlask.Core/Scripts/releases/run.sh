# shellcheck shell=sh
# releases/run.sh: a one-off command (Invoke-FlaskCommand) in a published app's live release: its folder and venv,
# the app's secrets in its environment, through uf_run.py; no shell sees the command's words. Its stdout is the
# section "output" (stderr stays stderr), its exit status the section "exit". No time limit: Ctrl+C stops it.
# $1 the publish directory, $2 the release id, $3 its venv key, $4 the entry, $5 uf_run.py in base64, then the words.
# uses: files publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
app_layout "$(host_path "$1")"
if [ ! -d "$uf_releases/$2" ] || [ ! -x "$uf_venvs/$3/bin/python" ]; then uf_exit not-found; fi
write_file "$uf_runner" "$5" '' || uf_exit failed
release="$uf_releases/$2" venv="$uf_venvs/$3" entry=$4
shift 5
section output
UF_RELEASE=$release UF_VENV=$venv UF_ENTRY=$entry UF_SECRETS=$uf_secrets "$venv/bin/python" "$uf_runner" "$@" </dev/null
status=$?
section exit
fact exit "$status"
