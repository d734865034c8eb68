"""A worker process: opens the store snapshot read-only and answers jobs until told to stop.

pyoxigraph cannot cancel a query, so each query runs in one of these processes and the parent
kills the process when the deadline passes (:mod:`web.sparql.pool`). The snapshot is opened
through the store seam, read-only. Messages on the pipe:
parent -> worker ``(snapshot_dir, Job)`` or ``None`` (stop); worker -> parent ``("ready", pid)``
once, then one :class:`web.sparql.engine.Outcome` per job.

The worker's memory is bounded before it opens anything (``RLIMIT_DATA``: its heap and anonymous
mappings, not the store's files nor address space merely reserved). Measured with pyoxigraph 0.5:
an ``ORDER BY`` over a cross product grows by about 1 GB a second; under the limit an allocation
fails, and Oxigraph (Rust) then aborts the process ("memory allocation of N bytes failed",
SIGABRT), which the pool reports as a query over its memory budget and replaces the worker. An
allocation that fails in Python instead (a ``MemoryError``) is answered here, and the worker goes on.
"""

from __future__ import annotations

import gc
import os
import resource
import signal

MEBIBYTE = 1 << 20


def main(conn, memory_mb: int = 0) -> None:
    """The worker's loop (the target of a worker process, forked from the fork server)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker ends
    limit_memory(memory_mb)
    from mapper.store import StoreError, open_store
    from web.sparql.engine import answer, error, over_memory

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
        try:
            outcome = answer(job, store)
        except MemoryError:
            outcome = None  # (built below, once the failed query's memory is released)
        if outcome is None:
            gc.collect()
            outcome = over_memory(memory_mb)
        conn.send(outcome)


def limit_memory(memory_mb: int) -> None:
    """Bound this process's data memory to ``memory_mb`` MiB (0: leave it unbounded)."""
    if memory_mb > 0:
        limit = memory_mb * MEBIBYTE
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
