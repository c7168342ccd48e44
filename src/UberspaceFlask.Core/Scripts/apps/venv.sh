# shellcheck shell=sh
# apps/venv.sh: makes the app's virtual environment, marked incomplete until the packages are installed (venv_create
# in lib.sh), so a run cut off in between is noticed and the venv made again next time.
# $1 the python, $2 the venv directory, $3 its marker file (venv_marker's path, which the probe reads), $4 'yes' for
# --system-site-packages, $5 'yes' when no packages follow (the venv is then complete).
# uses: venv
venv_create "$1" "$2" "$4" || exit 1
if [ "$5" = yes ]; then venv_done "$2"; fi
