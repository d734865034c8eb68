"""The endpoint's state in one app: settings and how queries are executed (who asks: :mod:`web.identity`).

Created on the first request to ``/sparql`` (worker processes are not started for an app that
never serves a query) and kept in ``app.extensions["fscai.sparql"]``:

- embedded store (``memory:`` or on disk): worker processes over read-only snapshots
  (:mod:`web.sparql.pool`, :mod:`web.sparql.snapshot`);
- remote store (``sparql+http(s)://``): the query runs on the server through the store seam, the
  deadline bounding the HTTP request.

Either way a query first passes :class:`Admission`, the endpoint's concurrency limits, so that no
caller without a token, and no institution, can keep the regulator waiting; and its relative IRIs
resolve against the endpoint's own URL (:func:`web.sparql.guard.based`).

:func:`close_service` (called by :func:`web.store.close_app`) stops the workers and deletes the
snapshots.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, replace

from flask import Flask, has_request_context, url_for

from mapper.store import open_store
from mapper.store.url import is_remote
from web.access import Principal
from web.sparql.engine import Job, Outcome, answer, error
from web.sparql.settings import Settings
from web.sparql.snapshot import Snapshots

EXTENSION = "fscai.sparql"
REGULATOR = "regulator"
PUBLIC = "public"
TOO_MANY = ("忙碌中，請稍後再試：此呼叫者已有 {} 個查詢執行或排隊中 / busy, retry later: this caller already has "
            "{} queries running or waiting")
NO_TURN = ("忙碌中，請稍後再試：{:g} 秒時限內未輪到此查詢 / busy, retry later: no query slot came free for this "
           "caller within the deadline of {:g} s")
_CREATE_LOCK = threading.Lock()


def install(app: Flask) -> None:
    """At blueprint registration: check the settings (a bad one stops the app from starting, named)."""
    Settings.from_mapping(app.config)


def close_service(app: Flask) -> None:
    """Stop the app's SPARQL workers and delete their snapshots, if it started any."""
    service = app.extensions.pop(EXTENSION, None)
    if service is not None:
        service.close()


class SparqlService:
    def __init__(self, app: Flask) -> None:
        self.settings = Settings.from_mapping(app.config)
        self.store_url = app.config["STORE"]
        self.admission = Admission(self.settings.workers, self.settings.reserved_workers,
                                   self.settings.public_queries, self.settings.queries_per_caller)
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
        """Answer ``job`` within ``deadline_s`` seconds (waiting for its turn counts against it)."""
        if has_request_context():
            job = replace(job, base_iri=url_for("sparql.endpoint", _external=True))
        remote = is_remote(self.store_url)
        if not remote:
            pool, snapshots = self._embedded()  # (the first query waits for the workers to start)
        end = time.monotonic() + deadline_s
        ticket = self.admission.enter(job.principal, end, deadline_s)
        if isinstance(ticket, Outcome):
            return ticket  # refused
        try:
            if remote:
                store = open_store(self.store_url, timeout_s=max(0.05, end - time.monotonic()), read_only=True)
                try:
                    return answer(job, store, deadline_s)
                finally:
                    store.close()
            snapshot = snapshots.current()
            outcome = pool.run(snapshot, job, deadline_s, end)
        finally:
            self.admission.leave(ticket)
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
                self._pool = WorkerPool(self.admission.workers, self.settings.worker_memory_mb)
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


@dataclass(frozen=True)
class Ticket:
    """A query :class:`Admission` let run: hand it back with :meth:`Admission.leave`."""

    principal: Principal


class Admission:
    """The endpoint's concurrency limits: who may start a query now.

    - callers with a token share ``slots`` workers (one query each): the regulator may use every
      one and takes a freed one before anyone else waiting; institutions together at most
      ``slots - reserved`` (at least one), so the ``reserved`` ones are the regulator's alone;
    - the public (no token), all such callers together: at most ``public`` queries at once, on
      workers of their own beside those (which run only on CPU no one else wants,
      :mod:`web.sparql.pool`): the public never takes, nor slows, an authenticated caller's worker;
    - one caller (an institution's token, or the public as a whole): at most ``per_caller``
      requests running or waiting; another is refused at once (503). The regulator is not limited.

    A request that may not run yet waits until it may or its deadline passes (then 503). Every
    503 says when to retry (``Retry-After``).

    >>> from web.access import PUBLIC
    >>> gate = Admission(slots=3, reserved=1, public=1, per_caller=2)
    >>> end = time.monotonic() + 0.05
    >>> public = gate.enter(PUBLIC, end, 0.05)  # runs, on the public's own worker
    >>> gate.enter(PUBLIC, end, 0.05).status  # the public's one worker is taken: waits, then 503
    503
    >>> banks = [gate.enter(Principal("institution", ubn), end, 0.05) for ubn in ("83910461", "53728108")]
    >>> gate.enter(Principal("institution", "66482035"), end, 0.05).status  # the open workers are taken
    503
    >>> regulator = gate.enter(Principal("regulator"), end, 0.05)  # the reserved one
    >>> gate.running, len(gate.public_running)
    (3, 1)
    """

    def __init__(self, slots: int, reserved: int, public: int, per_caller: int) -> None:
        self.slots = slots
        self.open_slots = max(1, slots - reserved)
        self.public = public
        self.per_caller = per_caller
        self._cond = threading.Condition()
        self.running = 0  # queries of callers with a token running
        self._open_running = 0  # institution queries running
        self.public_running: list[Ticket] = []  # the public's queries running
        self._present: Counter = Counter()  # caller -> requests running or waiting
        self._regulator_waiting = 0
        self.refused: Counter = Counter()  # role -> requests refused (for tests and the bench)

    @property
    def workers(self) -> int:
        """How many workers the pool needs: every slot and the public's own."""
        return self.slots + self.public

    def enter(self, principal: Principal, end: float, deadline_s: float) -> Ticket | Outcome:
        """Wait for a slot until ``end`` (``time.monotonic()``): a :class:`Ticket` once the query
        may run (then call :meth:`leave`), else the 503 it gets."""
        caller = (principal.role, principal.ubn)
        regulator = principal.role == REGULATOR
        with self._cond:
            if not regulator and self._present[caller] >= self.per_caller:
                self.refused[principal.role] += 1
                return error(503, TOO_MANY.format(self.per_caller, self.per_caller), retry_after=True)
            self._present[caller] += 1
            self._regulator_waiting += regulator
            try:
                while not self._may_run(principal.role):
                    remaining = end - time.monotonic()
                    if remaining <= 0:
                        self._forget(caller)
                        self.refused[principal.role] += 1
                        self._cond.notify_all()  # (one no longer waiting may let the others in)
                        return error(503, NO_TURN.format(deadline_s, deadline_s), retry_after=True)
                    self._cond.wait(remaining)
            finally:
                self._regulator_waiting -= regulator
            ticket = Ticket(principal)
            if principal.role == PUBLIC:
                self.public_running.append(ticket)
            else:
                self.running += 1
                self._open_running += not regulator
            return ticket

    def leave(self, ticket: Ticket) -> None:
        """The query :meth:`enter` let run has ended."""
        with self._cond:
            if ticket.principal.role == PUBLIC:
                self.public_running.remove(ticket)
            else:
                self.running -= 1
                self._open_running -= ticket.principal.role != REGULATOR
            self._forget((ticket.principal.role, ticket.principal.ubn))
            self._cond.notify_all()

    def _forget(self, caller: tuple) -> None:
        self._present[caller] -= 1
        if not self._present[caller]:
            del self._present[caller]

    def _may_run(self, role: str) -> bool:
        if role == PUBLIC:
            return len(self.public_running) < self.public
        if self.running >= self.slots:
            return False
        if role == REGULATOR:
            return True
        return not self._regulator_waiting and self._open_running < self.open_slots
