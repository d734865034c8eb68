"""Run independent reads of one store at the same time.

pyoxigraph evaluates a query without holding Python's GIL, so two reads of the same store (the
verdicts and the labels of a submission, say) run on two cores at once. Each call makes and consumes its own query
results in its own thread, as pyoxigraph requires. A remote store gets one HTTP request per call.

>>> concurrently(lambda: 1 + 1, lambda: "two")
[2, 'two']
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable


def concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """The results of ``calls``, in order, each run in a thread of its own; the first error raised
    (in the order of ``calls``) is raised once all have finished."""
    if len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="fscai-read") as pool:
        futures = [pool.submit(call) for call in calls]
    return [future.result() for future in futures]
