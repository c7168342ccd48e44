# shellcheck shell=sh
# apps/probe.sh: what New-FlaskApp needs to know before it plans.
# $1 the app directory as given, $2 the venv's directory name, $3 the python to use ('' for the newest python3.X),
# $4 the entry module, $5 uwsgi.ini's name, $6... the files it would write, relative to the app directory.
# What New-UwsgiConfig needs comes along, for New-FlaskApp to hand on when it changes nothing.
# uses: files venv uwsgi
app=$(host_path "$1")
venv_name=$2
python=$3
show_uwsgi_facts "$1" "$4" '' "$2" '' "$5"
shift 5

# The interpreter: the one asked for, else the newest python3.X on PATH (Uberspace has several), else python3.
find_python() {
	if [ -n "$python" ]; then
		command -v "$python"
		return
	fi
	for version in 3.20 3.19 3.18 3.17 3.16 3.15 3.14 3.13 3.12 3.11 3.10 3.9 3.8 3.7 3.6; do
		command -v "python$version" && return
	done
	command -v python3
}

report_host
fact app "$app"
if [ -e "$app" ] && [ ! -d "$app" ]; then fact notdir yes; fi
if [ -x "$app/$venv_name/bin/python" ]; then fact venv yes; fi
if [ -e "$(venv_marker "$app/$venv_name")" ]; then fact incomplete yes; fi
fact python "$(find_python)"
for relative in "$@"; do
	show_file "$relative" "$app/$relative"
done
