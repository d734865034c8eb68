"""A deadline that really stops a query: a small pool of worker processes, killed when late.

Each request borrows an idle worker (waiting for one counts against its deadline), sends it the
job and waits at most until the deadline. A worker still busy then is killed (SIGKILL: its CPU
and memory are freed at once) and a fresh one is spawned in the background, so the other workers
go on serving. A worker that dies on its own (a crash) is replaced the same way.

A query still running after :data:`DEMOTE_AFTER_S` is demoted to the lowest CPU priority
(``nice 19``), so that until its deadline it only uses CPU the short queries leave idle; its worker
gets its priority back afterwards, or is replaced where the system does not allow that.

Workers are started with ``spawn`` (never ``fork`` from a threaded server holding a store).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass, field

from web.sparql.engine import TIMED_OUT, Job, Outcome, error

STARTUP_TIMEOUT_S = 60.0
#: A query running longer than this gives up its CPU priority to the others.
DEMOTE_AFTER_S = 0.25
LOWEST_PRIORITY = 19
BUSY = "所有查詢工作行程皆忙碌 / every query worker stayed busy until the deadline ({:g} s); try again"


@dataclass(eq=False)
class Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    pid: int = 0
    snapshot: str | None = field(default=None)


class WorkerPool:
    """``size`` worker processes running :func:`web.sparql.worker.main`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        self.killed = 0  # workers stopped at their deadline (for tests and the bench)
        starting = [self._launch() for _ in range(size)]
        for worker in starting:
            self._await_ready(worker)

    def run(self, snapshot: str, job: Job, deadline_s: float) -> Outcome:
        """Answer ``job`` on ``snapshot`` within ``deadline_s`` seconds, or say why not.

        A worker that dies under the job (killed from outside, after it was picked) is replaced and
        the job handed once to another, within the same deadline: the queries are read-only."""
        end = time.monotonic() + deadline_s
        outcome = self._attempt(snapshot, job, deadline_s, end)
        if outcome is None and end > time.monotonic():
            outcome = self._attempt(snapshot, job, deadline_s, end)
        return outcome or error(500, "查詢工作行程異常結束 / the query worker died; it has been replaced")

    def _attempt(self, snapshot: str, job: Job, deadline_s: float, end: float) -> Outcome | None:
        """One worker's try at ``job``; None if the worker died under it."""
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                return error(503, BUSY.format(deadline_s), retry_after=True)
            if worker.process.is_alive():
                break
            self._replace(worker)  # died while idle (killed from outside): never hand it a job
        demoted = False
        try:
            worker.conn.send((snapshot, job))
            worker.snapshot = snapshot
            ready = worker.conn.poll(max(0.0, min(DEMOTE_AFTER_S, end - time.monotonic())))
            if not ready and end > time.monotonic():
                demoted = _set_priority(worker, LOWEST_PRIORITY)
                ready = worker.conn.poll(max(0.0, end - time.monotonic()))
            if ready:
                outcome = worker.conn.recv()
                if demoted and not _set_priority(worker, 0):
                    self._replace(worker)  # cannot be restored here: a fresh worker instead
                else:
                    self._idle.put(worker)
                return outcome
        except (EOFError, OSError):
            self._replace(worker)
            return None
        self._replace(worker, killed=True)
        return error(503, TIMED_OUT.format(deadline_s))

    def snapshots_in_use(self) -> set[str]:
        with self._lock:
            return {w.snapshot for w in self._workers if w.snapshot}

    def pids(self) -> set[int]:
        with self._lock:
            return {w.pid for w in self._workers if w.pid}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            _stop(worker)

    # --- lifecycle ---

    def _launch(self) -> Worker:
        from web.sparql.worker import main

        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=main, args=(child,), name="fscai-sparql-worker", daemon=True)
        process.start()
        child.close()
        worker = Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _await_ready(self, worker: Worker) -> None:
        if worker.conn.poll(STARTUP_TIMEOUT_S):
            try:
                _, worker.pid = worker.conn.recv()
            except (EOFError, OSError):
                self._forget(worker)
                return
            with self._lock:
                closed = self._closed
            if closed:
                _stop(worker)
            else:
                self._idle.put(worker)
            return
        self._forget(worker)

    def _replace(self, worker: Worker, killed: bool = False) -> None:
        self._forget(worker)
        if killed:
            self.killed += 1
        with self._lock:
            if self._closed:
                return
        threading.Thread(target=self._spawn_one, name="fscai-sparql-respawn", daemon=True).start()

    def _spawn_one(self) -> None:
        self._await_ready(self._launch())

    def _forget(self, worker: Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        _stop(worker)


def _set_priority(worker: Worker, niceness: int) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.pid, niceness)
    except OSError:  # not permitted (raising priority needs privileges), or already gone
        return False
    return True


def _stop(worker: Worker) -> None:
    """Kill the worker's process now and reap it (no zombie is left behind)."""
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=5)
    try:
        worker.conn.close()
    except OSError:
        pass
