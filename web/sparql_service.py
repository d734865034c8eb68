"""The endpoint's state in one app: settings, tokens, and how queries are executed.

Created on the first request to ``/sparql`` (worker processes are not started for an app that
never serves a query) and kept in ``app.extensions["fscai.sparql"]``:

- embedded store (``memory:`` or on disk): worker processes over read-only snapshots
  (:mod:`web.sparql_pool`, :mod:`web.sparql_snapshot`);
- remote store (``sparql+http(s)://``): the query is forwarded (:mod:`web.sparql_remote`).

``close()`` stops the workers and deletes the snapshots; it also runs at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading

from flask import Flask

from web.sparql_access import TokenSource
from web.sparql_engine import Job, Outcome, answer
from web.sparql_settings import Settings
from web.sparql_snapshot import Snapshots, WriteCountingStore

EXTENSION = "fscai.sparql"
TOKENS = "fscai.sparql.tokens"
_CREATE_LOCK = threading.Lock()


def is_remote(url: str) -> bool:
    return url.startswith(("sparql+http://", "sparql+https://"))


def install(app: Flask) -> None:
    """At blueprint registration: check the settings and tokens (a bad file stops the app from
    starting, with the file named), and count the writes to the app's embedded store."""
    Settings.from_mapping(app.config)
    app.extensions[TOKENS] = TokenSource(app.config.get("FSCAI_TOKENS") or _env_tokens())
    store = app.extensions.get("fscai.store")
    if store is not None and not isinstance(store, WriteCountingStore):
        app.extensions["fscai.store"] = WriteCountingStore(store)


class SparqlService:
    def __init__(self, app: Flask) -> None:
        self.settings = Settings.from_mapping(app.config)
        self.tokens = app.extensions.get(TOKENS) or TokenSource(app.config.get("FSCAI_TOKENS") or _env_tokens())
        self.store_url = app.config["FSCAI_STORE"]
        self._app = app
        self._pool = None
        self._snapshots: Snapshots | None = None
        self._lock = threading.Lock()
        self._closed = False
        atexit.register(self.close)

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
            from web.sparql_remote import RemoteBackend

            return answer(job, RemoteBackend(self.store_url, deadline_s))
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
                from web.sparql_pool import WorkerPool

                store = self._app.extensions["fscai.store"]
                if not isinstance(store, WriteCountingStore):
                    store = self._app.extensions["fscai.store"] = WriteCountingStore(store)
                self._snapshots = Snapshots(store)
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


def _env_tokens() -> str | None:
    import os

    return os.environ.get("FSCAI_TOKENS") or None
