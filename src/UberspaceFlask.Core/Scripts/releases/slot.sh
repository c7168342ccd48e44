# shellcheck shell=sh
# releases/slot.sh: gate 2 on its own, for an undo (a publish runs it at the end of releases/stage.sh): see
# start_slot in lib.sh for what it does and its twelve parameters.
start_slot "$@" || uf_exit slot
