# shellcheck shell=sh
# apps/pip.sh: installs packages into the venv, then marks the venv complete (venv_done in lib.sh).
# $1 the venv directory, $2 its marker file (venv_marker's path), $3... pip's arguments and the packages.
# uses: venv
venv=$1
shift 2
"$venv/bin/python" -m pip install --disable-pip-version-check "$@" || exit 1
venv_done "$venv"
