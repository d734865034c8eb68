"""The store's whole lifetime in one module, as the Flask tutorial's ``db.py``.

An embedded store allows one opener per directory, so the app opens it once (:func:`init_app`) and
closes it with the app (:func:`web.close_app`, which ``fscai serve`` calls on shutdown; also at
interpreter exit); a remote server is opened per request and closed at teardown. Every request
reads through :func:`get_store`, a handle that cannot write: a page view reads what the analysis
wrote. Set-up code (``fscai serve`` before it listens, the tests) writes through
:func:`setting_up`.

The handle is also where access is enforced, for every route alike: it holds the request's
principal (:mod:`web.identity`) and runs every read on the graphs that principal may read
(:meth:`web.access.Principal.may_read`), whatever the caller asks for. The graphs another
institution holds are absent from ``graphs()`` and read as empty, like graphs that do not exist;
a page about them is a 404, as for a subject nobody submitted.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

from flask import Flask, current_app, g
from rdflib import Graph

from mapper.store import Store, StoreError, open_store
from mapper.store.url import is_remote
from web.access import REGULATOR, Principal
from web.identity import principal

EXTENSION = "fscai.store"
_WRITES = frozenset({"replace_graph", "add_to_graph", "drop_graph", "construct_into", "snapshot"})


_READS = ("select", "select_values", "ask", "construct", "results")


@dataclass
class ReadingHandle:
    """A request's handle on the store: reads only the graphs ``principal`` may read, refuses every
    write, and closes the store only if it opened it (a remote server's connection)."""

    store: Store
    principal: Principal
    owns_store: bool = False
    _readable: list[str] | None = None

    @property
    def url(self) -> str:
        return self.store.url

    @property
    def generation(self) -> int:
        return self.store.generation

    def graphs(self) -> list[str]:
        if self._readable is None:
            self._readable = [graph for graph in self.store.graphs() if self.principal.may_read(graph)]
        return list(self._readable)

    def __getattr__(self, name: str):
        if name in _READS:
            return self._restricted(getattr(self.store, name))
        if name in _WRITES:
            return _refused(name)
        raise AttributeError(f"the viewer's store handle has no {name!r}")

    def _restricted(self, read):
        def run(query: str, *, default_graphs=None, named_graphs=None):
            if self.principal.role != REGULATOR:
                default_graphs = self._within(default_graphs)
                named_graphs = self._within(named_graphs)
            return read(query, default_graphs=default_graphs, named_graphs=named_graphs)
        return run

    def _within(self, graphs) -> list[str]:
        return self.graphs() if graphs is None else [graph for graph in graphs if self.principal.may_read(graph)]

    def graph_triples(self, graph: str) -> Graph:
        return self.store.graph_triples(graph) if self.principal.may_read(graph) else Graph()

    def view(self, graphs):
        return self.store.view([graph for graph in graphs if self.principal.may_read(graph)])

    def workspace(self, graphs) -> ReadingHandle:
        """An in-memory copy of the readable ones of ``graphs`` (for an on-disk store; the handle
        itself otherwise), as read-only as this handle: a query over one large graph runs there about
        twice as fast, copy included (the search index's subject texts). Close it after use."""
        work = self.store.workspace([graph for graph in graphs if self.principal.may_read(graph)])
        return self if work is self.store else ReadingHandle(work, self.principal, owns_store=True)

    def dump(self) -> bytes:
        if self.principal.role != REGULATOR:
            raise StoreError("the viewer dumps the store for the regulator only")
        return self.store.dump()

    def close(self) -> None:
        if self.owns_store:
            self.store.close()


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
    """The store for this request: read-only, restricted to the graphs its principal may read."""
    if "store" not in g:
        who = principal()
        shared = current_app.extensions.get(EXTENSION)
        if shared is not None:
            g.store = ReadingHandle(shared, who)
        else:
            g.store = ReadingHandle(open_store(current_app.config["STORE"], read_only=True), who, owns_store=True)
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
