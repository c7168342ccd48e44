# shellcheck shell=sh
# releases/uwsgi.sh: the uWSGI that serves a release: the venv's own when pip installed one, else the one on PATH.
# $1 the venv directory.
section uwsgi
if [ -x "$1/bin/uwsgi" ]; then
	fact path "$1/bin/uwsgi"
else
	fact path "$(command -v uwsgi)"
fi
