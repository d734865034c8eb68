"""A worker process: opens the store snapshot read-only and answers jobs until told to stop.

pyoxigraph cannot cancel a query, so each query runs in one of these processes and the parent
kills the process when the deadline passes (:mod:`web.sparql.pool`). The snapshot is opened
through the store seam, read-only. Messages on the pipe:
parent -> worker ``(snapshot_dir, Job)`` or ``None`` (stop); worker -> parent ``("ready", pid)``
once, then one :class:`web.sparql.engine.Outcome` per job.
"""

from __future__ import annotations

import gc
import os
import signal


def main(conn) -> None:
    """The worker's loop (the target of a spawned process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker ends
    from mapper.store import StoreError, open_store
    from web.sparql.engine import answer, error

    store = None
    opened: str | None = None
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        snapshot, job = message
        if snapshot != opened:
            if store is not None:
                store.close()
            store, opened = None, None
            gc.collect()  # release the previous snapshot's files before opening the next
            try:
                store, opened = open_store(f"oxigraph:{snapshot}", read_only=True), snapshot
            except StoreError as failure:
                conn.send(error(500, f"無法開啟資料庫快照 / cannot open the store snapshot: {failure}"))
                continue
        conn.send(answer(job, store))
