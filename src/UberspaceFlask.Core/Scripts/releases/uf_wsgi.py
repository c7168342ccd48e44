# Written by UberspaceFlask: the WSGI entry of every published release. uWSGI (and Publish-FlaskApp's first gate)
# load this file; it puts the app's secrets into the environment, then imports the app the way `flask` finds it.
# UF_ENTRY is "module:attr" or "module:factory()", UF_SECRETS the secrets file (NAME=base64 per line, mode 0600).
import base64
import importlib
import os


def load_secrets(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return
    for line in data.split(b"\n"):
        name, sep, value = line.partition(b"=")
        if sep and name:
            # os.environb shares its store with os.environ: bytes arrive exactly as they were set.
            os.environb[name] = base64.b64decode(value)


def _load_app(entry):
    module_name, _, attr = entry.partition(":")
    module = importlib.import_module(module_name)
    if attr.endswith("()"):
        return getattr(module, attr[:-2])()
    return getattr(module, attr or "app")


def _naming_slot(app, slot, health_path):
    """The app, answering its health path with the slot's name in X-UberspaceFlask-Slot (other paths untouched)."""
    header = ("X-UberspaceFlask-Slot", slot)

    def named(environ, start_response):
        if environ.get("PATH_INFO") != health_path:
            return app(environ, start_response)

        def start(status, headers, exc_info=None):
            return start_response(status, list(headers) + [header], exc_info)

        return app(environ, start)

    return named


# uWSGI and the gate load this file as a script; uf_run.py imports it by name for load_secrets alone.
if __name__ != "uf_wsgi":
    load_secrets(os.environ.get("UF_SECRETS", ""))
    application = _load_app(os.environ["UF_ENTRY"])
    if os.environ.get("UF_SLOT") and os.environ.get("UF_HEALTH_PATH"):
        application = _naming_slot(application, os.environ["UF_SLOT"], os.environ["UF_HEALTH_PATH"])
