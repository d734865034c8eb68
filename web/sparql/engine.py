"""Answer one query: the guard, the dataset, the store, the serializer.

Runs where the store can be read: in a worker process over a read-only snapshot of an embedded
store (:mod:`web.sparql.worker`), in the request's thread for a remote server. Either way the store
is reached through the seam (:mod:`mapper.store`), so a new engine is one more backend there, not
code here.

>>> from mapper.store import open_store
>>> store = open_store("memory:")
>>> store.add_to_graph("https://w3id.org/fscai/graph/catalogue", b'<http://example.org/s> <http://example.org/p> "o" .')
>>> job = Job("SELECT ?o WHERE { ?s ?p ?o }", "text/csv", Principal("public"), None, 100)
>>> outcome = answer(job, store)
>>> outcome.status, outcome.body.split()
(200, [b'o', b'o'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from mapper.store import QueryRefused, QuerySyntaxError, Store, StoreError, StoreTimeout, StoreUnavailable
from web.access import Dataset, Principal, Requested, effective_dataset
from web.sparql.guard import SERVICE_REFUSED, Refusal, based, inspect, unbased
from web.sparql.negotiation import Format, choose, offered
from web.sparql.results import serialize

TIMED_OUT = ("查詢逾時，已中止 / the query passed its deadline of {:g} s and was stopped; "
             "simplify it, add a LIMIT, or ask for a longer timeout (at most the endpoint's limit)")
OVER_MEMORY = ("查詢超出記憶體上限，已中止 / the query went over its memory budget of {} MiB and was stopped; "
               "simplify it (an ORDER BY, GROUP BY or DISTINCT over many rows needs memory for all of them) "
               "or add a LIMIT")


@dataclass(frozen=True)
class Job:
    """One query to answer, as the request asked it (plain data: it crosses process boundaries)."""

    query: str
    accept: str | None
    principal: Principal
    requested: Requested | None  # protocol dataset (default-graph-uri / named-graph-uri), if any
    max_rows: int
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint's URL)


@dataclass(frozen=True)
class Outcome:
    status: int
    body: bytes
    content_type: str
    truncated: bool = False
    rows: int = 0
    retry_after: bool = False  # a 503 of the endpoint's limits: the reply says when to retry


def answer(job: Job, store: Store, deadline_s: float | None = None) -> Outcome:
    """Run ``job`` on ``store``; every refusal and failure becomes an :class:`Outcome` too."""
    text = based(job.query, job.base_iri)
    try:
        shape = inspect(text)
        fmt = choose(shape.form, job.accept)
        if fmt is None:
            raise Refusal(406, f"無可接受之格式 / not acceptable: a {shape.form} query can answer in {offered(shape.form)}")
        requested = job.requested if job.requested is not None else shape.dataset
        dataset = effective_dataset(job.principal, requested, store.graphs() if requested is None else ())
        fmt, out = _run(store, text, job, shape.form, dataset, fmt)
    except Refusal as refusal:
        return error(refusal.status, unbased(refusal.message, job.base_iri) if refusal.status == 400 else refusal.message)
    except QuerySyntaxError as syntax:
        message = unbased(str(syntax), job.base_iri).removeprefix('malformed SPARQL query: ')
        return error(400, f"查詢語法錯誤 / malformed SPARQL query: {message}")
    except QueryRefused:
        return error(403, SERVICE_REFUSED)
    except StoreTimeout as late:
        return error(503, TIMED_OUT.format(deadline_s) if deadline_s else f"查詢逾時 / the query timed out: {late}",
                     retry_after=True)
    except StoreUnavailable as failure:
        return error(502, f"遠端 SPARQL 伺服器錯誤 / the SPARQL server failed: {failure}")
    except (StoreError, OSError, ValueError, RuntimeError) as failure:
        return error(500, f"查詢失敗 / the query failed: {failure}")
    return Outcome(200, out.body, fmt.content_type, out.truncated, out.rows)


def _run(store: Store, text: str, job: Job, form: str, dataset: Dataset, fmt: Format):
    """Query and serialize in a frame of its own: pyoxigraph results must die in the thread that
    made them, and frames of ``answer`` can outlive it (rdflib's parser leaves exceptions in
    reference cycles whose tracebacks reach up the stack).

    The form was read off the query text by a lexer; if the results are of another kind (the
    lexer was misled), the format is chosen again for what the engine actually answered."""
    results = store.results(text, default_graphs=dataset.default, named_graphs=dataset.named)
    try:
        actual = _form_of(results)
        if actual != _form_of_kind(form):
            fmt = choose(actual, job.accept)
            if fmt is None:
                raise Refusal(406, f"無可接受之格式 / not acceptable: a {actual} query can answer in {offered(actual)}")
        return fmt, serialize(results, fmt.name, max_rows=job.max_rows)
    finally:
        # A parse under store.results() can leave this frame in a garbage cycle (pyparsing's
        # exceptions reach up the stack): drop the results here, on this thread, not with the frame.
        del results


def _form_of(results: Any) -> str:
    if isinstance(results, ox.QueryBoolean):
        return "ASK"
    return "SELECT" if isinstance(results, ox.QuerySolutions) else "CONSTRUCT"


def _form_of_kind(form: str) -> str:
    """CONSTRUCT and DESCRIBE answer alike (a graph)."""
    return "CONSTRUCT" if form == "DESCRIBE" else form


def over_memory(memory_mb: int) -> Outcome:
    """A query that went over its worker's memory budget (``memory_mb``; 0: no budget was set, and
    the worker died of something else)."""
    if memory_mb:
        return error(503, OVER_MEMORY.format(memory_mb), retry_after=True)
    return error(500, "查詢工作行程異常結束 / the query worker died; it has been replaced")


def error(status: int, message: str, *, retry_after: bool = False) -> Outcome:
    """A refusal or failure: plain text, the bilingual message on one line."""
    return Outcome(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", retry_after=retry_after)
