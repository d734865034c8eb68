"""The analyst's viewer and the regulator's SPARQL endpoint: one Flask application factory.

>>> app = create_app({"FSCAI_STORE": "memory:", "TESTING": True})
>>> sorted(bp for bp in app.blueprints)
['api', 'pages', 'sparql', 'vendor']
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from flask import Flask

from mapper.layout import DEFAULT_ROOT

DEFAULTS = {
    "FSCAI_STORE": "oxigraph:.fscai-store",  # overridden by env FSCAI_STORE, then by config
    "FSCAI_ROOT": None,  # the project tree with ontology/ and shapes/ (None: this repository)
    "FSCAI_AS_OF": None,  # reference date for overdue gaps, ISO (None: today)
    "FSCAI_NODE_MODULES": str(DEFAULT_ROOT / "node_modules"),  # front-end libraries from npm
    "JSON_AS_ASCII": False,
}


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides the defaults and the ``FSCAI_*`` environment."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    for key in ("FSCAI_STORE", "FSCAI_ROOT", "FSCAI_AS_OF", "FSCAI_NODE_MODULES"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    app.config.from_mapping(config or {})
    app.json.ensure_ascii = False

    from web import store_access

    store_access.init_app(app)

    from web.api import bp as api_bp
    from web.pages import bp as pages_bp
    from web.sparql import bp as sparql_bp
    from web.vendor import bp as vendor_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(sparql_bp)
    app.register_blueprint(vendor_bp, url_prefix="/vendor")
    return app


def as_of(app: Flask) -> dt.date:
    value = app.config.get("FSCAI_AS_OF")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else dt.date.today()


def node_modules(app: Flask) -> Path:
    return Path(app.config["FSCAI_NODE_MODULES"])
