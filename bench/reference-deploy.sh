#!/bin/sh
# The job the module does for the guide's app, written by hand as a careful user would, run over one `ssh`:
# app.py, templates/index.html, static/style.css, a venv over the system's Flask, uwsgi.ini, the supervisord
# service, the web backend, then the same HTTP check through the frontend. Files are only rewritten when they
# differ, so a re-run restarts nothing. bench/compare.ps1 times it against the module.
# $1 app name, $2 port, $3 frontend base URL
set -eu
name=$1
port=$2
front=$3
app=$HOME/$name

write() { # write PATH < content: only when it differs
	tmp=$(mktemp "$1.XXXXXX")
	cat >"$tmp"
	if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

mkdir -p "$app/templates" "$app/static" "$HOME/etc/services.d"
write "$app/app.py" <<'PY'
#!/usr/bin/env python3
from flask import Flask
from flask import render_template

app = Flask(__name__)


@app.route("/")
def index():
    return render_template('index.html', message="Hello from basic_flask")
PY
write "$app/templates/index.html" <<'HTML'
<html>
  <head>
    <title>basic_flask</title>
    <link rel="stylesheet" type="text/css" href="{{ url_for('static', filename='style.css') }}">
  </head>
  <body>
    <h1>{{message}}</h1>
  </body>
</html>
HTML
write "$app/static/style.css" <<'CSS'
h1 {
  color: blue;
}
CSS
[ -x "$app/ENV/bin/python" ] || python3 -m venv --system-site-packages "$app/ENV"
write "$app/uwsgi.ini" <<INI
[uwsgi]
plugins = python3
chdir = $app
virtualenv = $app/ENV
module = app:app
pidfile = $app/$name.pid
master = true
processes = 1
http-socket = :$port
strict = true
need-app = true
enable-threads = true
vacuum = true
die-on-term = true
touch-reload = $app/app.py
INI
write "$HOME/etc/services.d/$name.ini" <<INI
[program:$name]
directory=%(ENV_HOME)s/$name
command=/usr/bin/uwsgi uwsgi.ini
startsecs=15
stopasgroup=true
killasgroup=true
INI
supervisorctl reread >/dev/null
supervisorctl update "$name" >/dev/null
i=0
until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; do
	i=$((i + 1))
	[ "$i" -lt 600 ] || { echo "the app did not answer" >&2; exit 1; }
	sleep 0.1
done
uberspace web backend list | grep -q "^/ http:$port " || uberspace web backend set / --http --port "$port" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$front/")
[ "$code" = 200 ] || { echo "the page answered $code" >&2; exit 1; }
