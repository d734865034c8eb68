"""The endpoint's state in one app: settings, tokens, and how queries are executed.

Created on the first request to ``/sparql`` (worker processes are not started for an app that
never serves a query) and kept in ``app.extensions["fscai.sparql"]``:

- embedded store (``memory:`` or on disk): worker processes over read-only snapshots
  (:mod:`web.sparql.pool`, :mod:`web.sparql.snapshot`);
- remote store (``sparql+http(s)://``): the query runs on the server through the store seam, the
  deadline bounding the HTTP request.

:func:`close_service` (called by :func:`web.store.close_app`) stops the workers and deletes the
snapshots.
"""

from __future__ import annotations

import threading

from flask import Flask

from mapper.store import open_store
from mapper.store.url import is_remote
from web.sparql.access import TokenSource
from web.sparql.engine import Job, Outcome, answer
from web.sparql.settings import Settings
from web.sparql.snapshot import Snapshots

EXTENSION = "fscai.sparql"
TOKENS = "fscai.sparql.tokens"
_CREATE_LOCK = threading.Lock()


def install(app: Flask) -> None:
    """At blueprint registration: check the settings and tokens (a bad file stops the app from
    starting, with the file named)."""
    Settings.from_mapping(app.config)
    app.extensions[TOKENS] = TokenSource(app.config.get("TOKENS"))


def close_service(app: Flask) -> None:
    """Stop the app's SPARQL workers and delete their snapshots, if it started any."""
    service = app.extensions.pop(EXTENSION, None)
    if service is not None:
        service.close()


class SparqlService:
    def __init__(self, app: Flask) -> None:
        self.settings = Settings.from_mapping(app.config)
        self.tokens = app.extensions.get(TOKENS) or TokenSource(app.config.get("TOKENS"))
        self.store_url = app.config["STORE"]
        self._app = app
        self._pool = None
        self._snapshots: Snapshots | None = None
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def of(cls, app: Flask) -> SparqlService:
        service = app.extensions.get(EXTENSION)
        if service is not None:
            return service
        with _CREATE_LOCK:
            service = app.extensions.get(EXTENSION)
            if service is None:
                service = app.extensions[EXTENSION] = cls(app)
            return service

    def run(self, job: Job, deadline_s: float) -> Outcome:
        if is_remote(self.store_url):
            store = open_store(self.store_url, timeout_s=deadline_s, read_only=True)
            try:
                return answer(job, store, deadline_s)
            finally:
                store.close()
        pool, snapshots = self._embedded()
        snapshot = snapshots.current()
        outcome = pool.run(snapshot, job, deadline_s)
        if snapshots.stale:
            snapshots.prune(pool.snapshots_in_use() | {snapshot})
        return outcome

    @property
    def pool(self):
        return self._embedded()[0]

    def _embedded(self):
        with self._lock:
            if self._closed:
                raise RuntimeError("the SPARQL service is closed")
            if self._pool is None:
                from web.sparql.pool import WorkerPool
                from web.store import owner_store

                self._snapshots = Snapshots(owner_store(self._app))
                self._pool = WorkerPool(self.settings.workers)
            return self._pool, self._snapshots

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, snapshots = self._pool, self._snapshots
            self._pool = self._snapshots = None
        if pool is not None:
            pool.close()
        if snapshots is not None:
            snapshots.close()
