"""The store's whole lifetime in one module, as the Flask tutorial's ``db.py``.

An embedded store allows one opener per directory, so the app opens it once (:func:`init_app`) and
closes it with the app (:func:`web.close_app`, which ``fscai serve`` calls on shutdown; also at
interpreter exit); a remote server is opened per request and closed at teardown. Every request
reads through :func:`get_store`, a handle that cannot write: a page view reads what the analysis
wrote. Set-up code (``fscai serve`` before it listens, the tests) writes through
:func:`setting_up`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

from flask import Flask, current_app, g

from mapper.store import Store, StoreError, open_store
from mapper.store.url import is_remote

EXTENSION = "fscai.store"
_WRITES = frozenset({"replace_graph", "add_to_graph", "drop_graph", "construct_into", "snapshot"})


@dataclass
class ReadingHandle:
    """A request's handle on the app-wide embedded store: every read goes through, writes are
    refused and closing is the app's business."""

    store: Store

    def __getattr__(self, name: str):
        if name in _WRITES:
            return _refused(name)
        return getattr(self.store, name)

    def close(self) -> None:
        return None


def _refused(name: str):
    def refuse(*_args, **_kwargs):
        raise StoreError(f"the viewer only reads: {name} is refused during a request")

    return refuse


def init_app(app: Flask) -> None:
    """Open an embedded store for the app's lifetime; remote stores are opened per request."""
    if not is_remote(app.config["STORE"]):
        app.extensions[EXTENSION] = open_store(app.config["STORE"])
    app.teardown_appcontext(_release)


def owner_store(app: Flask) -> Store:
    """The app's own handle on its embedded store, which may write (for set-up, never in a request)."""
    store = app.extensions.get(EXTENSION)
    if store is None:
        raise StoreError(f"the app's store {app.config['STORE']} is remote: open it with mapper.store.open_store")
    return store


@contextlib.contextmanager
def setting_up(app: Flask) -> Iterator[Store]:
    """A handle that may write, for set-up before the app serves (never during a request): the
    app's own embedded store, or a fresh handle on a remote server, closed afterwards."""
    shared = app.extensions.get(EXTENSION)
    if shared is not None:
        yield shared
        return
    store = open_store(app.config["STORE"])
    try:
        yield store
    finally:
        store.close()


def get_store() -> Store:
    """The store for this request, read-only."""
    if "store" not in g:
        shared = current_app.extensions.get(EXTENSION)
        if shared is not None:
            g.store = ReadingHandle(shared)
        else:
            g.store = open_store(current_app.config["STORE"], read_only=True)
    return g.store


def _release(_exc: BaseException | None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def close_store(app: Flask) -> None:
    """Close the app's embedded store; idempotent."""
    store = app.extensions.pop(EXTENSION, None)
    if store is not None:
        store.close()
