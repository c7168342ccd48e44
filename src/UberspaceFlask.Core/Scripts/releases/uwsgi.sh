# shellcheck shell=sh
# releases/uwsgi.sh: the uWSGI that serves a release (an undo builds no venv, so seal.sh does not report it).
# $1 the venv directory.
show_uwsgi "$1"
