# shellcheck shell=sh
# uwsgi/probe.sh: what New-UwsgiConfig needs to know before it plans.
# $1 the app directory as given, $2 the entry module, $3 the venv as given ('' for the app's own),
# $4 the venv's directory name, $5 a uWSGI binary as given ('' to look for one), $6 uwsgi.ini's name.
app=$(host_path "$1")
if [ -n "$3" ]; then venv=$(host_path "$3"); else venv="$app/$4"; fi
report_host
fact app "$app"
fact venv "$venv"
if [ -f "$app/$2.py" ]; then fact entry yes; fi
if [ -x "$venv/bin/python" ]; then fact venvpython yes; fi
if [ -x "$venv/bin/uwsgi" ]; then fact venvuwsgi yes; fi
if [ -n "$5" ]; then
	uwsgi=$(host_path "$5")
	fact explicit "$uwsgi"
	if [ -f "$uwsgi" ] && [ -x "$uwsgi" ]; then fact explicitok yes; fi
fi
fact system "$(command -v uwsgi)"
show_file ini "$app/$6"
