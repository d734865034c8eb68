"""The store seam: one small interface, backends chosen by a URL.

Every analysis in fscai is SPARQL in ``.rq`` files run through :class:`Store`,
so it runs unchanged on the embedded Oxigraph store and on any SPARQL 1.1 server.

URLs (see README "Store URLs"), opened with :func:`open_store`:

- ``memory:`` embedded Oxigraph in memory;
- ``oxigraph:PATH`` (or a plain directory path) embedded Oxigraph on disk;
- ``sparql+http://HOST:PORT/PATH`` (or ``sparql+https://``) a remote SPARQL 1.1 server.
  ``PATH`` is the server base; the query, update and Graph Store Protocol endpoints are
  ``BASE/query``, ``BASE/update`` and ``BASE/store`` (as ``oxigraph serve`` lays them out),
  each overridable by a URL parameter resolved against ``BASE/``: ``?query=/ds/query&
  update=/ds/update&gsp=/ds/data`` for Fuseki. See :mod:`mapper.store.remote_store`.

>>> store = open_store("memory:")
>>> store.replace_graph("https://example.org/g", b'<https://example.org/s> <https://example.org/p> "o"@en .')
>>> store.graphs()
['https://example.org/g']
>>> [str(row["o"]) for row in store.select("SELECT ?o WHERE { ?s ?p ?o }")]
['o']
>>> store.close()
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, Sequence

from rdflib import Graph
from rdflib.term import Identifier

#: One SELECT solution: variable name (without ``?``) to term; unbound variables are absent.
Row = dict[str, Identifier]


class StoreError(Exception):
    """A store could not answer: bad URL, unreachable server, malformed query, timeout."""


class Store(Protocol):
    """What every backend offers. Terms come back as rdflib terms.

    ``default_graphs``: IRIs whose union is the query's default graph; ``None`` means the
    union of every graph in the store. ``named_graphs``: IRIs visible to ``GRAPH``;
    ``None`` means all. When both are ``None`` and the query has its own ``FROM`` /
    ``FROM NAMED`` clauses, those clauses define the dataset; when either argument is
    given it replaces the query's clauses (as the SPARQL 1.1 Protocol does).

    Queries must be SPARQL 1.1 and may not use ``SERVICE``: a query whose text could name it is
    parsed and refused before it reaches the engine (:func:`mapper.store.guard.refuse_service`). Literals come back as rdflib
    ``Literal`` with their language tag or datatype; ``xsd:string`` literals come back
    as plain ``Literal(value)`` (the same RDF term). Every failure is a :class:`StoreError`.
    """

    url: str

    def select(self, query: str, *, default_graphs: Sequence[str] | None = None,
               named_graphs: Sequence[str] | None = None) -> list[Row]: ...

    def select_values(self, query: str, *, default_graphs: Sequence[str] | None = None,
                      named_graphs: Sequence[str] | None = None) -> list[dict[str, str]]:
        """Run a SELECT query; each term as the string ``str()`` gives of what :meth:`select`
        returns (an IRI, a literal's lexical form, a blank node's label), without building
        rdflib terms: reading 40,000 verdict rows takes a third of the time."""

    def ask(self, query: str, *, default_graphs: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None) -> bool: ...

    def construct(self, query: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None) -> Graph: ...

    def construct_into(self, graph: str, query: str, *, default_graphs: Sequence[str] | None = None,
                       named_graphs: Sequence[str] | None = None) -> int:
        """Run a CONSTRUCT query and add its triples to ``graph``; return how many it wrote (the
        embedded store counts the triples the graph gained, so one it held already counts nought).

        The same as ``add_to_graph(graph, construct(query).serialize())``, without bringing the
        triples through rdflib: the derived graphs of large submissions hold ~10^5 triples.
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

    def dump(self) -> bytes:
        """Every quad as canonical, sorted N-Quads: equal stores give equal bytes.

        Blank nodes get RDFC-1.0 canonical labels (``_:c14n0``, ...), so stores holding
        the same data, loaded in any order, on any backend, dump the same bytes. Only the
        named graphs are dumped: the seam never writes a store's default graph.
        """

    def close(self) -> None: ...


_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):")
_REMOTE_SCHEMES = ("sparql+http", "sparql+https")


def open_store(url: str, *, timeout_s: float | None = None) -> Store:
    """Open the store named by ``url``.

    - ``memory:``: embedded Oxigraph in memory (gone when closed);
    - ``oxigraph:PATH`` or a plain path (``data/store``, ``/var/lib/fscai``, ``./a:b``):
      embedded Oxigraph on disk, the directory is created if missing; a path whose first
      segment contains ``:`` must be written ``oxigraph:PATH`` or ``./PATH``;
    - ``sparql+http://HOST:PORT/BASE[?query=..&update=..&gsp=..&union=..]`` or
      ``sparql+https://...``: a remote SPARQL 1.1 server (see
      :func:`mapper.store.remote_store.parse_remote_url`).

    ``timeout_s`` bounds every HTTP request of a remote store; the embedded store runs
    in-process and ignores it (pyoxigraph 0.5 cannot cancel a query).

    >>> open_store("memory:").url
    'memory:'
    >>> open_store("ftp://example.org/data")
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: unknown store URL scheme 'ftp' in 'ftp://example.org/data': use memory:, oxigraph:PATH, a directory path, sparql+http://... or sparql+https://...
    """
    if timeout_s is not None and timeout_s <= 0:
        raise StoreError(f"timeout_s must be positive, got {timeout_s}")
    match = _SCHEME.match(url)
    scheme = match.group("scheme").lower() if match else None
    if scheme is None:
        return _open_embedded(url, url)
    if scheme == "memory":
        return _open_memory(url)
    if scheme == "oxigraph":
        return _open_embedded(url[len("oxigraph:"):], url)
    if scheme in _REMOTE_SCHEMES:
        from mapper.store.remote_store import RemoteStore

        return RemoteStore(url, timeout_s=timeout_s)
    raise StoreError(
        f"unknown store URL scheme {scheme!r} in {url!r}: use memory:, oxigraph:PATH, "
        "a directory path, sparql+http://... or sparql+https://..."
    )


def _open_memory(url: str) -> Store:
    from mapper.store.oxigraph_store import OxigraphStore

    if url != "memory:":
        raise StoreError(f"an in-memory store URL is exactly 'memory:', got {url!r}")
    return OxigraphStore(None)


def _open_embedded(path: str, url: str) -> Store:
    from mapper.store.oxigraph_store import OxigraphStore

    if not path.strip():
        raise StoreError(f"store URL {url!r} names no directory")
    return OxigraphStore(Path(path).expanduser(), url=url)
