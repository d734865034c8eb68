"""The store seam: one small interface, backends chosen by a URL.

Every read and write of fscai goes through :class:`Store`: the analysis (SPARQL in ``.rq`` files),
the validation, the viewer and the ``/sparql`` endpoint. So everything runs unchanged on the
embedded Oxigraph store (:mod:`mapper.store.embedded`) and on any SPARQL 1.1 server
(:mod:`mapper.store.remote`); a new engine is one more backend class. URLs are read by
:mod:`mapper.store.url`, terms converted by :mod:`mapper.store.terms`, queries parsed (once) by
:mod:`mapper.store.parse` and guarded against ``SERVICE`` by :mod:`mapper.store.guard`.

>>> store = open_store("memory:")
>>> store.replace_graph("https://example.org/g", b'<https://example.org/s> <https://example.org/p> "o"@en .')
>>> store.graphs()
['https://example.org/g']
>>> [str(row["o"]) for row in store.select("SELECT ?o WHERE { ?s ?p ?o }")]
['o']
>>> store.close()
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, Sequence

from rdflib import Graph
from rdflib.term import Identifier

#: One SELECT solution: variable name (without ``?``) to term; unbound variables are absent.
Row = dict[str, Identifier]


class StoreError(Exception):
    """A store could not answer: bad URL, unreachable server, malformed query, timeout."""


class QuerySyntaxError(StoreError):
    """The text is not a SPARQL 1.1 query (the parser's message says where)."""


class QueryRefused(StoreError):
    """A query the seam never runs: one with a ``SERVICE`` clause."""


class StoreTimeout(StoreError):
    """The query passed its deadline, or the server cut its answer short (a timeout it signalled)."""


class StoreUnavailable(StoreError):
    """The server could not be reached, or answered with an error of its own."""


class Store(Protocol):
    """What every backend offers. Terms come back as rdflib terms.

    ``default_graphs``: IRIs whose union is the query's default graph; ``None`` means the
    union of every graph in the store. ``named_graphs``: IRIs visible to ``GRAPH``;
    ``None`` means all. When both are ``None`` and the query has its own ``FROM`` /
    ``FROM NAMED`` clauses, those clauses define the dataset; when either argument is
    given it replaces the query's clauses (as the SPARQL 1.1 Protocol does).

    Queries must be SPARQL 1.1 and may not use ``SERVICE``: a query whose text could name it is
    parsed and refused before it reaches the engine (:func:`mapper.store.guard.refuse_service`).
    Literals come back as rdflib ``Literal`` with their language tag or datatype; ``xsd:string``
    literals come back as plain ``Literal(value)`` (the same RDF term). Every failure is a
    :class:`StoreError`.
    """

    url: str
    #: Counts the writes through this handle, so readers of a copy know when it is stale.
    generation: int

    def select(self, query: str, *, default_graphs: Sequence[str] | None = None,
               named_graphs: Sequence[str] | None = None) -> list[Row]: ...

    def select_values(self, query: str, *, default_graphs: Sequence[str] | None = None,
                      named_graphs: Sequence[str] | None = None) -> list[dict[str, str]]:
        """Run a SELECT query; each term as the string ``str()`` gives of what :meth:`select`
        returns (an IRI, a literal's lexical form, a blank node's label), without building
        rdflib terms, which costs most of the time of reading many rows."""

    def ask(self, query: str, *, default_graphs: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None) -> bool: ...

    def construct(self, query: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None) -> Graph: ...

    def results(self, query: str, *, default_graphs: Sequence[str] | None = None,
                named_graphs: Sequence[str] | None = None) -> Any:
        """Run any query; the engine's own results, for a serializer to write as they come:
        pyoxigraph ``QuerySolutions``, ``QueryBoolean`` or an iterator of ``Triple``. Consume them
        on the thread that asked (pyoxigraph results may only be dropped there)."""

    def construct_into(self, graph: str, query: str, *, default_graphs: Sequence[str] | None = None,
                       named_graphs: Sequence[str] | None = None) -> int:
        """Run a CONSTRUCT query and add its triples to ``graph``; return how many it wrote (the
        embedded store counts the triples the graph gained, so one it held already counts nought).

        The same as ``add_to_graph(graph, construct(query).serialize())``, without bringing the
        triples through rdflib (the derived graphs of large submissions are large).
        """

    def replace_graph(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Atomically replace the content of ``graph`` with ``data`` (created if absent)."""

    def add_to_graph(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Add ``data`` to ``graph`` atomically."""

    def drop_graph(self, graph: str) -> None:
        """Remove ``graph`` and all its triples; no error if absent."""

    def graphs(self) -> list[str]:
        """IRIs of the named graphs that hold at least one triple, sorted."""

    def graph_triples(self, graph: str) -> Graph:
        """A copy of one named graph as an in-memory rdflib Graph (for pySHACL)."""

    def view(self, graphs: Sequence[str]) -> Any:
        """The union of ``graphs`` as a :class:`mapper.store.view.GraphView`, for the validation's
        fast path: read in place by the embedded store, copied into memory from a server."""

    def snapshot(self, directory: Path) -> None:
        """Write a copy of the whole store that another process can open read-only at
        ``directory``; :class:`StoreError` where the backend cannot (a remote server)."""

    def dump(self) -> bytes:
        """Every quad as canonical, sorted N-Quads: equal stores give equal bytes.

        Blank nodes get RDFC-1.0 canonical labels (``_:c14n0``, ...), so stores holding
        the same data, loaded in any order, on any backend, dump the same bytes. Only the
        named graphs are dumped: the seam never writes a store's default graph.
        """

    def workspace(self, graphs: Sequence[str]) -> Store:
        """Where to run many reads and small writes over ``graphs`` (an analysis): an in-memory
        copy of them for an on-disk store, blank nodes and all; the store itself otherwise.
        :meth:`keep` writes a workspace's graph back."""

    def keep(self, workspace: Store, graph: str) -> None:
        """Atomically replace ``graph`` with ``workspace``'s (nothing to do when the workspace is
        this store)."""

    def commit(self, workspace: Store) -> None:
        """Make every graph ``workspace`` wrote (a load, its analysis) what it is there, all at once
        where the backend can: the embedded store writes them in one transaction, so a crash leaves
        none of them or all (:func:`mapper.store.staging.commit`). Nothing to do when the workspace
        is this store (its writes are done: a store in memory, a server, whose updates go one by one)."""

    def write_bulk(self, workspace: Store, graph: str) -> None:
        """Replace ``graph`` with ``workspace``'s as fast as the backend can, without the promise of
        :meth:`keep`: a crash can leave part of it. For data whose completeness the caller marks
        afterwards in a transaction of its own (a derived graph and its stamp)."""

    def close(self) -> None: ...


class Backend:
    """What every backend shares: it closes as a context manager, shows its URL, and is its own
    workspace unless it knows better."""

    url: str

    def close(self) -> None:
        raise NotImplementedError

    def workspace(self, graphs: Sequence[str]) -> Store:
        return self  # type: ignore[return-value]

    def write_bulk(self, workspace: Store, graph: str) -> None:
        self.keep(workspace, graph)

    def commit(self, workspace: Store) -> None:
        if workspace is not self:
            for graph in sorted(getattr(workspace, "written", ())):
                self.keep(workspace, graph)

    def keep(self, workspace: Store, graph: str) -> None:
        if workspace is not self:
            triples = workspace.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            self.replace_graph(graph, triples.serialize(format="nt", encoding="utf-8"))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


def open_store(url: str, *, timeout_s: float | None = None, read_only: bool = False) -> Store:
    """Open the store named by ``url`` (see :mod:`mapper.store.url`).

    ``timeout_s`` bounds every HTTP request of a remote store; the embedded store runs in-process
    and ignores it (pyoxigraph 0.5 cannot cancel a query: the ``/sparql`` endpoint runs queries in
    worker processes it can kill). ``read_only`` opens an on-disk store without taking its lock
    (for a snapshot no one writes) and makes every write a :class:`StoreError`.

    >>> open_store("memory:").url
    'memory:'
    >>> open_store("ftp://example.org/data")
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: unknown store URL scheme 'ftp' in 'ftp://example.org/data': use memory:, oxigraph:PATH, a directory path, sparql+http://... or sparql+https://...
    """
    from mapper.store.url import parse_store_url

    if timeout_s is not None and timeout_s <= 0:
        raise StoreError(f"timeout_s must be positive, got {timeout_s}")
    location = parse_store_url(url)
    if location.kind == "remote":
        from mapper.store.remote import RemoteStore

        return RemoteStore(location, timeout_s=timeout_s, read_only=read_only)
    from mapper.store.embedded import OxigraphStore

    return OxigraphStore(location.path, url=url, read_only=read_only)
