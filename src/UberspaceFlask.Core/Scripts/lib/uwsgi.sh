# shellcheck shell=sh
# lib/uwsgi.sh: what New-UwsgiConfig needs to know of an app directory.
# uses: files

# What New-UwsgiConfig needs to know, in the section "uwsgi" and the file "uwsgi-ini": New-UwsgiConfig's own probe,
# and New-FlaskApp's, which hands it on. $1 the app directory as given, $2 the entry module, $3 the venv as given
# ('' for the app's own), $4 the venv's directory name, $5 a uWSGI binary as given ('' to look for one), $6 uwsgi.ini's name.
show_uwsgi_facts() {
	uf_app=$(host_path "$1")
	if [ -n "$3" ]; then uf_venv=$(host_path "$3"); else uf_venv="$uf_app/$4"; fi
	section uwsgi
	fact app "$uf_app"
	fact venv "$uf_venv"
	if [ -f "$uf_app/$2.py" ]; then fact entry yes; fi
	if [ -x "$uf_venv/bin/python" ]; then fact venvpython yes; fi
	if [ -x "$uf_venv/bin/uwsgi" ]; then fact venvuwsgi yes; fi
	if [ -n "$5" ]; then
		uf_uwsgi=$(host_path "$5")
		fact explicit "$uf_uwsgi"
		if [ -f "$uf_uwsgi" ] && [ -x "$uf_uwsgi" ]; then fact explicitok yes; fi
	fi
	fact system "$(command -v uwsgi)"
	show_file uwsgi-ini "$uf_app/$6"
}
