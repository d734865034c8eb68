"""A deadline that really stops a query: a small pool of worker processes, killed when late.

Each request borrows an idle worker (waiting for one counts against its deadline), sends it the
job and waits at most until the deadline. A worker still busy then is killed (SIGKILL: its CPU
and memory are freed at once) and a fresh one is spawned in the background, so the other workers
go on serving. A worker that dies on its own is replaced the same way: killed from outside
(SIGKILL: an operator, the kernel's OOM killer) its job is handed once to another worker; dead of
anything else under a job (SIGABRT: Oxigraph aborts when an allocation fails under the worker's
memory limit, :mod:`web.sparql.worker`) the job is not tried again but answered as over its memory
budget, since that query would take the next worker down too.

The public's queries (no token) run on workers of their own (:class:`web.sparql.service.Admission`)
under ``SCHED_IDLE``, from the start: only on CPU no other process wants, so a hostile client's
cross product does not slow an authenticated caller's query (measured: the regulator's p99 under
three hostile clients went from 2.4-3.5x its quiet figure under ``nice 19`` to 0.7-1.1x). An
institution's query still running after :data:`DEMOTE_AFTER_S` is demoted to the lowest CPU
priority (``nice 19``), so that until its deadline it only uses CPU the short queries leave idle.
A worker gets its normal policy and priority back afterwards, or is replaced where the system does
not allow that. The regulator's
queries keep their priority (:data:`KEEP_PRIORITY`): measured under hostile clients on a busy
machine, its longer library queries demoted even to ``nice 10`` took 2-3.5 s instead of 0.4 s.

Workers are started by a fork server (``forkserver``: a fresh process, started once, that has
imported the worker's modules and never opens a store), never forked from the threaded server
holding a store. A worker then starts in ~10 ms instead of ~0.5 s of CPU for a ``spawn``ed one
(measured): a hostile client whose queries are killed one after another costs the others little.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, field

from web.sparql.engine import TIMED_OUT, Job, Outcome, error, over_memory

STARTUP_TIMEOUT_S = 60.0
#: A query running longer than this gives up its CPU priority to the others.
DEMOTE_AFTER_S = 0.25
LOWEST_PRIORITY = 19
#: The roles whose long queries are never demoted: the one the endpoint serves first.
KEEP_PRIORITY = frozenset({"regulator"})
BUSY = ("忙碌中，請稍後再試：所有查詢工作行程至時限（{0:g} 秒）皆忙碌 / busy, retry later: every query worker "
        "stayed busy until the deadline ({0:g} s)")


@dataclass(eq=False)
class Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    pid: int = 0
    snapshot: str | None = field(default=None)


class WorkerPool:
    """``size`` worker processes running :func:`web.sparql.worker.main`."""

    def __init__(self, size: int, memory_mb: int = 0) -> None:
        self.size = size
        self.memory_mb = memory_mb  # each worker's memory limit (MiB; 0: none)
        self._context = _worker_context()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        self.killed = 0  # workers stopped at their deadline (for tests and the bench)
        self.died = 0  # workers that died under a query (over their memory budget)
        starting = [self._launch() for _ in range(size)]
        for worker in starting:
            self._await_ready(worker)

    def run(self, snapshot: str, job: Job, deadline_s: float, end: float | None = None) -> Outcome:
        """Answer ``job`` on ``snapshot`` within ``deadline_s`` seconds (until ``end``, a
        ``time.monotonic()``, if the request started earlier), or say why not. The public's
        queries run only on CPU no one else wants (``SCHED_IDLE``).

        A worker that dies under the job (killed from outside, after it was picked) is replaced and
        the job handed once to another, within the same deadline: the queries are read-only. A
        worker that died of its job (not killed from outside) is replaced and the job answered as
        over its memory budget."""
        end = time.monotonic() + deadline_s if end is None else end
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
        public = job.principal.role == "public"
        idle = public and _set_idle(worker, True)  # the public's: only CPU no one else wants
        niced = False
        try:
            worker.conn.send((snapshot, job))
            worker.snapshot = snapshot
            ready = _answered(worker, min(end, time.monotonic() + DEMOTE_AFTER_S))
            if ready is False and end > time.monotonic():
                if not public and job.principal.role not in KEEP_PRIORITY:
                    niced = _set_priority(worker, LOWEST_PRIORITY)
                ready = _answered(worker, end)
            if ready:
                outcome = worker.conn.recv()
                restored = (not idle or _set_idle(worker, False)) and (not niced or _set_priority(worker, 0))
                if not restored:
                    self._replace(worker)  # cannot be restored here: a fresh worker instead
                else:
                    self._idle.put(worker)
                return outcome
        except (EOFError, OSError):
            return self._died(worker)
        self._replace(worker, killed=True)
        return error(503, TIMED_OUT.format(deadline_s), retry_after=True)

    def _died(self, worker: Worker) -> Outcome | None:
        """The worker died under its job: None (try once more) if it was killed from outside, else
        what its job gets (the query itself took the worker down: over its memory budget)."""
        worker.process.join(timeout=5)  # its exit code, before _stop would kill it
        code = worker.process.exitcode
        self._replace(worker)
        if code == -signal.SIGKILL or code is None:
            return None
        with self._lock:
            self.died += 1
        return over_memory(self.memory_mb)

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
        process = self._context.Process(target=main, args=(child, self.memory_mb), name="fscai-sparql-worker",
                                        daemon=True)
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


def _answered(worker: Worker, until: float) -> bool:
    """Whether the worker answered before ``until`` (``time.monotonic()``)."""
    return bool(worker.conn.poll(max(0.0, until - time.monotonic())))


def _worker_context():
    """The fork server's context (``spawn`` where there is none), the worker's modules preloaded
    (effective if this is the first fork server of the process)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["web.sparql.worker", "web.sparql.engine", "mapper.store"])
    return context


def _set_priority(worker: Worker, niceness: int) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.pid, niceness)
    except OSError:  # not permitted (raising priority needs privileges), or already gone
        return False
    return True


def _set_idle(worker: Worker, idle: bool) -> bool:
    """Run the worker only on CPU no one else wants (``SCHED_IDLE``), or back to the normal policy."""
    try:
        os.sched_setscheduler(worker.pid, os.SCHED_IDLE if idle else os.SCHED_OTHER, os.sched_param(0))
    except (OSError, AttributeError):  # not permitted, gone, or not Linux
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
