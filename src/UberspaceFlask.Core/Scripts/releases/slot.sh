# shellcheck shell=sh
# releases/slot.sh: gate 2 on its own, for an undo or a restart (a publish runs it at the end of releases/stage.sh).
# words (SlotCommandWords in Releases/ScriptWords.cs): slot_service slot_port slot_timeout slot_ini slot_ini_content
# slot_ini_backup service_ini service_ini_content service_ini_backup service_mode health_path pidfile release_command
# publish_dir id venv_key entry runner
# The first twelve are gate 2's (start_slot in lib.sh). When release_command (its words, '=' and a word per line) is
# not '', it runs first, in release id of publish_dir with its venv and entry, through runner (uf_run.py in base64).
# uses: files supervisor publish
# shellcheck disable=SC2154 # the uf_ layout variables: lib.sh's app_layout sets them (checked as sent, too)
[ "$#" -eq 18 ] || uf_exit words
slot_service=$1 slot_port=$2 slot_timeout=$3 slot_ini=$4 slot_ini_content=$5 slot_ini_backup=$6 service_ini=$7
service_ini_content=$8 service_ini_backup=$9 service_mode=${10} health_path=${11} pidfile=${12} release_command=${13}
publish_dir=${14} id=${15} venv_key=${16} entry=${17} runner=${18}
if [ -n "$release_command" ]; then
	app_layout "$(host_path "$publish_dir")"
	write_file "$uf_runner" "$runner" '' || uf_exit failed
	run_release_command "$uf_releases/$id" "$uf_venvs/$venv_key" "$entry" "$release_command" || uf_exit release-command
fi
start_slot "$slot_service" "$slot_port" "$slot_timeout" "$slot_ini" "$slot_ini_content" "$slot_ini_backup" "$service_ini" \
	"$service_ini_content" "$service_ini_backup" "$service_mode" "$health_path" "$pidfile" || uf_exit slot
