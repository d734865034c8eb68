"""The app's settings: defaults, then the ``FSCAI_*`` environment, then ``create_app``'s mapping.

The environment is read by Flask's :meth:`~flask.Config.from_prefixed_env`: ``FSCAI_STORE`` is the
setting ``STORE``, ``FSCAI_SPARQL_TIMEOUT_S`` is ``SPARQL_TIMEOUT_S`` (values that read as JSON,
numbers say, are taken as such).

>>> from flask import Flask
>>> app = Flask(__name__)
>>> configure(app, {"STORE": "memory:", "AS_OF": "2026-11-25"})
>>> app.config["STORE"], as_of(app).isoformat(), layout(app).root.name != ""
('memory:', '2026-11-25', True)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from flask import Flask

from mapper.layout import DEFAULT_ROOT, Layout, project_layout
from mapper.store.url import DEFAULT_STORE_URL

DEFAULTS = {
    "STORE": DEFAULT_STORE_URL,  # the store URL (mapper.store.url)
    "ROOT": None,  # the project tree with ontology/ and shapes/ (None: this repository)
    "AS_OF": None,  # reference date for overdue gaps, ISO (None: today)
    "NODE_MODULES": str(DEFAULT_ROOT / "node_modules"),  # front-end libraries from npm
    "TOKENS": None,  # the token file (web.access); None: one local user with the regulator's view
    "SECRET_KEY": None,  # signs the login session cookie (None: a random key per process)
    "SESSION_COOKIE_SECURE": False,  # set behind TLS: the cookie then travels over HTTPS only
    "TRUSTED_PRINCIPAL_HEADER": None,  # a reverse proxy's header naming the principal (single sign-on)
    "TRUSTED_PROXIES": None,  # addresses whose header is believed (None: loopback)
    "AUDIT_LOG": None,  # the audit log's file, "-" for stderr (web.audit); None: none
    "JSON_AS_ASCII": False,
}


def configure(app: Flask, config: Mapping | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("FSCAI")
    app.config.from_mapping(config or {})
    app.json.ensure_ascii = False


def as_of(app: Flask) -> dt.date:
    """The reference date of the gaps the viewer shows."""
    value = app.config.get("AS_OF")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)) if value else dt.date.today()


def node_modules(app: Flask) -> Path:
    return Path(app.config["NODE_MODULES"])


def layout(app: Flask) -> Layout:
    """The project tree whose knowledge the viewer shows."""
    return project_layout(app.config.get("ROOT"))
