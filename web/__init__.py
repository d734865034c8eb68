"""The analyst's viewer and the regulator's SPARQL endpoint: one Flask application factory.

>>> app = create_app({"STORE": "memory:", "TESTING": True})
>>> sorted(bp for bp in app.blueprints)
['api', 'assets', 'pages', 'reports', 'session', 'sparql']
>>> close_app(app)
"""

from __future__ import annotations

import atexit

from flask import Flask

from web import audit, config, identity, store, views
from web.assets import bp as assets_bp
from web.login import bp as login_bp
from web.report_files import bp as reports_bp
from web.sparql import bp as sparql_bp
from web.sparql.service import close_service

__all__ = ["close_app", "create_app"]


def create_app(settings: dict | None = None) -> Flask:
    """Build the app; ``settings`` override the defaults and the ``FSCAI_*`` environment (:mod:`web.config`)."""
    app = Flask(__name__)
    config.configure(app, settings)
    identity.init_app(app)  # first: every route, its store handle and the audit log know who asks
    audit.init_app(app)
    store.init_app(app)
    views.register(app)
    app.register_blueprint(login_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(sparql_bp)
    app.register_blueprint(assets_bp, url_prefix="/vendor")
    atexit.register(close_app, app)
    return app


def close_app(app: Flask) -> None:
    """Stop what the app started (the SPARQL workers and their snapshots) and close its store;
    ``fscai serve`` calls it on shutdown, and it runs at interpreter exit. Idempotent."""
    close_service(app)
    store.close_store(app)
    audit.close_audit(app)
