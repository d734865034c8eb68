"""The store, reached through one per-request accessor closed on teardown.

Embedded Oxigraph allows one opener per directory, so the app opens an embedded store once and
each request borrows it (closing a borrowed handle does nothing); a remote SPARQL store is opened
per request and closed at teardown. Analyses are cached per (submission graph, reference date).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask, current_app, g

from mapper.store import Store, open_store


@dataclass
class _Borrowed:
    """A request's handle on the app-wide embedded store: everything but close() goes through."""

    store: Store

    def __getattr__(self, name):
        return getattr(self.store, name)

    def close(self) -> None:  # the app owns the embedded store
        return None


def _is_remote(url: str) -> bool:
    return url.startswith(("sparql+http://", "sparql+https://"))


def init_app(app: Flask) -> None:
    app.extensions["fscai.lock"] = threading.Lock()
    app.extensions["fscai.analyses"] = {}
    if not _is_remote(app.config["FSCAI_STORE"]):
        app.extensions["fscai.store"] = open_store(app.config["FSCAI_STORE"])
    app.teardown_appcontext(_close)


def get_store() -> Store:
    """The store for this request."""
    if "store" not in g:
        shared = current_app.extensions.get("fscai.store")
        g.store = _Borrowed(shared) if shared is not None else open_store(current_app.config["FSCAI_STORE"])
    return g.store


def _close(_exc: BaseException | None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
