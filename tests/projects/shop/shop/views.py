import hashlib
import os

from flask import Blueprint, current_app, render_template

bp = Blueprint("shop", __name__)


@bp.route("/")
def index():
    return render_template("index.html", version=current_app.config["SHOP_VERSION"])


@bp.route("/health")
def health():
    # A check that only fails under uWSGI (the release's tests pass, the server does not): the first gate cannot see it.
    if os.path.exists(os.path.join(os.path.dirname(__file__), "FAIL_UNDER_UWSGI")):
        try:
            import uwsgi  # noqa: F401  (only importable inside uWSGI)

            return "broken under uWSGI", 500
        except ImportError:
            pass
    return "ok"


@bp.route("/secret/<name>")
def secret(name):
    # The SHA-256 of the variable's bytes: the test compares it with the value it set, byte for byte.
    value = os.environb.get(name.encode())
    if value is None:
        return "missing", 404
    return hashlib.sha256(value).hexdigest()
