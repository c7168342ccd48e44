# shellcheck shell=sh
# apps/venv.sh: makes the app's virtual environment. A marker file stays until the packages are installed, so a run
# cut off in between is noticed and the venv made again next time.
# $1 the python, $2 the venv directory, $3 the marker file, $4 'yes' for --system-site-packages,
# $5 'yes' when no packages follow (the venv is then complete).
python=$1
venv=$2
marker=$3
touch -- "$marker" || exit 1
if [ "$4" = yes ]; then
	"$python" -m venv --clear --system-site-packages "$venv" || exit 1
else
	"$python" -m venv --clear "$venv" || exit 1
fi
if [ "$5" = yes ]; then rm -f -- "$marker"; fi
