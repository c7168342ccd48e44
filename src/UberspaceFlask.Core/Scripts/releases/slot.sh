# shellcheck shell=sh
# releases/slot.sh: gate 2 on its own, for an undo or a restart (a publish runs it at the end of releases/stage.sh):
# see start_slot in lib.sh for what it does and its twelve parameters. When asked, the release command runs first:
# $13 its words ('=' and a word per line, '' for none), $14 the publish directory, $15 the release id, $16 its venv
# key, $17 the entry, $18 uf_run.py in base64.
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
if [ -n "${13:-}" ]; then
	app_layout "$(host_path "${14}")"
	write_file "$uf_runner" "${18}" '' || uf_exit failed
	run_release_command "$uf_releases/${15}" "$uf_venvs/${16}" "${17}" "${13}" || uf_exit release-command
fi
start_slot "$@" || uf_exit slot
