"""A small shop, written the way Flask's tutorial writes apps: a package with an app factory and a blueprint."""
import os

from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY=os.environ.get("SECRET_KEY", "dev"))
    with open(os.path.join(os.path.dirname(__file__), "VERSION"), encoding="utf-8") as f:
        app.config["SHOP_VERSION"] = f.read().strip()

    from . import views

    app.register_blueprint(views.bp)
    return app
