# Written by UberspaceFlask: Publish-FlaskApp's first gate. Loads the release through its WSGI entry (argv[1]) and
# requests the health path (argv[2]) with a test client: no network, no service. Exit 0 on 2xx or 3xx.
import os
import runpy
import sys

release = os.environ["UF_RELEASE"]
os.chdir(release)
sys.path.insert(0, release)
try:
    application = runpy.run_path(sys.argv[1])["application"]
    from werkzeug.test import Client

    status = Client(application).get(sys.argv[2]).status_code
except BaseException:
    import traceback

    traceback.print_exc()
    print("status=import-error")
    sys.exit(3)
print("status=%d" % status)
sys.exit(0 if 200 <= status < 400 else 4)
