# shellcheck shell=sh
# apps/pip.sh: installs packages into the venv, then marks the venv complete.
# $1 the venv directory, $2 the marker file to remove afterwards, $3... pip's arguments and the packages.
venv=$1
marker=$2
shift 2
"$venv/bin/python" -m pip install --disable-pip-version-check "$@" || exit 1
rm -f -- "$marker"
