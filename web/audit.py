"""The audit log: one JSON line for every read a principal makes, whatever the route.

Each line holds ``time`` (UTC, ISO 8601), ``principal`` (``regulator``, ``local``, ``public`` or
``institution:UBN``), ``method``, ``route`` (the endpoint's name), ``path``, ``args`` (the query
string without ``access_token`` or ``query``), ``query_sha256`` (a SPARQL query's digest, never
its text), ``rows`` (what ``/sparql`` returned), ``status``, ``outcome`` (``ok``, ``refused`` for
4xx, ``failed`` for 5xx) and ``ms``. Front-end assets are not logged. ``AUDIT_LOG`` (env
``FSCAI_AUDIT_LOG``) is a file to append to, ``-`` for standard error, or unset for no log;
``fscai serve`` writes one (``--audit-log``). Lines are written whole, under a lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import threading
import time
from pathlib import Path

from flask import Flask, Response, g, request

EXTENSION = "fscai.audit"
UNLOGGED = frozenset({"static", "assets"})  # front-end files: no data
HIDDEN_ARGS = frozenset({"access_token", "query", "update"})


class AuditLog:
    """Where the lines go: a file opened for appending, or standard error."""

    def __init__(self, target: str) -> None:
        self._lock = threading.Lock()
        self._file = sys.stderr if target == "-" else Path(target).open("a", encoding="utf-8", buffering=1)

    def write(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()

    def close(self) -> None:
        if self._file is not sys.stderr:
            self._file.close()


def init_app(app: Flask) -> None:
    target = app.config.get("AUDIT_LOG")
    if not target:
        return
    app.extensions[EXTENSION] = AuditLog(str(target))
    app.before_request(_start)
    app.after_request(_record)


def close_audit(app: Flask) -> None:
    log = app.extensions.pop(EXTENSION, None)
    if log is not None:
        log.close()


def _start() -> None:
    g.audit_started = time.perf_counter()


def _record(response: Response) -> Response:
    from flask import current_app

    if request.blueprint in UNLOGGED or request.endpoint in UNLOGGED:
        return response
    log: AuditLog | None = current_app.extensions.get(EXTENSION)
    if log is None:
        return response
    who = g.get("principal")
    query = g.get("audit_query")
    rows = response.headers.get("X-FSCAI-Rows")
    started = g.get("audit_started", time.perf_counter())
    log.write({
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        "principal": who.name if who is not None else "refused",
        "method": request.method, "route": request.endpoint, "path": request.path,
        "args": {k: v for k, v in request.args.items() if k not in HIDDEN_ARGS},
        "query_sha256": hashlib.sha256(query.encode("utf-8")).hexdigest() if query else None,
        "rows": int(rows) if rows and rows.isdigit() else None,
        "status": response.status_code,
        "outcome": "ok" if response.status_code < 400 else "refused" if response.status_code < 500 else "failed",
        "ms": round((time.perf_counter() - started) * 1000, 1),
    })
    return response
