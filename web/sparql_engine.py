"""Answer one query: the guard, the dataset, the store, the serializer. Runs where the store is.

For an embedded store this runs in a worker process (:mod:`web.sparql_worker`), for a remote one
in the request's thread; either way through a :class:`Backend`, which lists the store's graphs and
runs a query on a given dataset, returning pyoxigraph results.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
...                   ox.Literal("o"), ox.NamedNode("https://w3id.org/fscai/graph/catalogue")))
>>> job = Job("SELECT ?o WHERE { ?s ?p ?o }", "text/csv", Principal("public"), None, 100)
>>> outcome = answer(job, EmbeddedBackend(store))
>>> outcome.status, outcome.body.split()
(200, [b'o', b'o'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import pyoxigraph as ox

from web.sparql_access import Dataset, Principal, Requested, effective_dataset
from web.sparql_guard import Refusal, inspect
from web.sparql_negotiation import Format, choose, offered
from web.sparql_results import serialize


@dataclass(frozen=True)
class Job:
    """One query to answer, as the request asked it (plain data: it crosses process boundaries)."""

    query: str
    accept: str | None
    principal: Principal
    requested: Requested | None  # protocol dataset (default-graph-uri / named-graph-uri), if any
    max_rows: int


@dataclass(frozen=True)
class Outcome:
    status: int
    body: bytes
    content_type: str
    truncated: bool = False
    rows: int = 0
    retry_after: bool = False  # worth retrying soon (every worker was busy)


class Backend(Protocol):
    def graphs(self) -> Sequence[str]: ...

    def run(self, query: str, form: str, dataset: Dataset) -> Any: ...


def answer(job: Job, backend: Backend) -> Outcome:
    """Run ``job`` on ``backend``; every refusal and failure becomes an :class:`Outcome` too."""
    try:
        shape = inspect(job.query)
        fmt = choose(shape.form, job.accept)
        if fmt is None:
            raise Refusal(406, f"無可接受之格式 / not acceptable: a {shape.form} query can answer in {offered(shape.form)}")
        requested = job.requested if job.requested is not None else shape.dataset
        dataset = effective_dataset(job.principal, requested, backend.graphs() if requested is None else ())
        fmt, out = _run(backend, job, shape.form, dataset, fmt)
    except Refusal as refusal:
        return error(refusal.status, refusal.message)
    except SyntaxError as syntax:
        return error(400, f"查詢語法錯誤 / malformed SPARQL query: {syntax}")
    except (OSError, ValueError, RuntimeError) as failure:
        return error(500, f"查詢失敗 / the query failed: {failure}")
    return Outcome(200, out.body, fmt.content_type, out.truncated, out.rows)


def _run(backend: Backend, job: Job, form: str, dataset: Dataset, fmt: Format):
    """Query and serialize in a frame of its own: pyoxigraph results must die in the thread that
    made them, and frames of ``answer`` can outlive it (rdflib's parser caches exceptions whose
    tracebacks reach up the stack).

    The form was read off the query text by a lexer; if the results are of another kind (the
    lexer was misled), the format is chosen again for what the engine actually answered."""
    results = backend.run(job.query, form, dataset)
    actual = _form_of(results)
    if actual != _form_of_kind(form):
        fmt = choose(actual, job.accept)
        if fmt is None:
            raise Refusal(406, f"無可接受之格式 / not acceptable: a {actual} query can answer in {offered(actual)}")
    return fmt, serialize(results, fmt.name, max_rows=job.max_rows)


def _form_of(results: Any) -> str:
    if isinstance(results, ox.QueryBoolean):
        return "ASK"
    return "SELECT" if isinstance(results, ox.QuerySolutions) else "CONSTRUCT"


def _form_of_kind(form: str) -> str:
    """CONSTRUCT and DESCRIBE answer alike (a graph)."""
    return "CONSTRUCT" if form == "DESCRIBE" else form


def error(status: int, message: str, *, retry_after: bool = False) -> Outcome:
    """A refusal or failure: plain text, the bilingual message on one line."""
    return Outcome(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", retry_after=retry_after)


class EmbeddedBackend:
    """A pyoxigraph store (in a worker: a read-only snapshot). Never given an update."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._graphs: tuple[str, ...] | None = None

    def graphs(self) -> Sequence[str]:
        """The store's named graphs (listed once: a worker's snapshot never changes)."""
        if self._graphs is None:
            self._graphs = tuple(sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)))
        return self._graphs

    def run(self, query: str, form: str, dataset: Dataset) -> Any:
        if dataset.is_union:
            # The regulator's "every graph": pyoxigraph's union default graph. Never used for a
            # restricted dataset (it unions ALL graphs even when named_graphs is restricted).
            return self.store.query(query, use_default_graph_as_union=True)
        return self.store.query(query, default_graph=[ox.NamedNode(g) for g in dataset.default],
                                named_graphs=[ox.NamedNode(g) for g in dataset.named])
