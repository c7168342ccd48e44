# Written by UberspaceFlask: runs a command (argv[1:], never through a shell) the way the app runs: in the release's
# folder (UF_RELEASE) and venv (UF_VENV), with the app's secrets (UF_SECRETS, read by the WSGI entry's own reader)
# in its environment and FLASK_APP set to the app's entry (UF_ENTRY), so `flask db upgrade` finds the app.
# Publish-FlaskApp's release command and Invoke-FlaskCommand run through it.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uf_wsgi import load_secrets  # noqa: E402

release = os.environ.pop("UF_RELEASE")
venv = os.environ.pop("UF_VENV")
load_secrets(os.environ.pop("UF_SECRETS", ""))
entry = os.environ.pop("UF_ENTRY", "")
if entry and "FLASK_APP" not in os.environ:
    os.environ["FLASK_APP"] = entry
os.chdir(release)
os.environ["VIRTUAL_ENV"] = venv
os.environ["PATH"] = os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", "")
os.environ["PYTHONPATH"] = release + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
os.environ.pop("PYTHONHOME", None)
try:
    os.execvp(sys.argv[1], sys.argv[1:])
except OSError as e:
    print("uf_run: cannot run %s: %s" % (sys.argv[1], e.strerror), file=sys.stderr)
    sys.exit(127)
