"""The embedded backend: pyoxigraph, in memory or on disk, in this process.

>>> store = OxigraphStore(None)
>>> store.replace_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
>>> store.ask("ASK { ?s ?p 1 }")
True
>>> store.dump()
b'<https://example.org/s> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <https://example.org/a> .\\n'
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import pyoxigraph as ox
from rdflib import Graph

from mapper.store import Backend, QuerySyntaxError, Row, StoreError
from mapper.store.graphcopy import copy_graph
from mapper.store.guard import refuse_service
from mapper.store.insert_form import insert_form
from mapper.store.parse import declares_dataset
from mapper.store.terms import (
    canonical_nquads,
    graph_from_triples,
    named_node,
    parse_rdf,
    parsing,
    rdf_format_for,
    rows_from_solutions,
    values_from_solutions,
)
from mapper.store.staging import STAGING_PREFIX, commit, drop_staging_debris, staging_graph
from mapper.store.view import GraphView


class OxigraphStore(Backend):
    """Embedded Oxigraph: ``path=None`` in memory, else on disk in ``path`` (created if missing).

    Only one read-write store may have a directory open at a time (RocksDB lock); ``read_only``
    opens a directory no one writes (a snapshot) without the lock, and refuses every write.
    Writes are transactions: a failed load changes nothing.
    """

    def __init__(self, path: Path | None, *, url: str | None = None, read_only: bool = False) -> None:
        self.url = url or ("memory:" if path is None else f"oxigraph:{path}")
        self.read_only = read_only
        self.generation = 0
        self.written: set[str] = set()  # the graphs written through this handle (see commit())
        self._store: ox.Store | None = _open_oxigraph(path, read_only)
        self._lock = threading.Lock()
        self._graphs: list[str] | None = None  # a read-only store's graphs never change
        if path is not None and not read_only:
            drop_staging_debris(self._store)

    # queries

    def select(self, query: str, *, default_graphs: Sequence[str] | None = None,
               named_graphs: Sequence[str] | None = None) -> list[Row]:
        """Run a SELECT query; one dict per solution.

        >>> store = OxigraphStore(None)
        >>> store.add_to_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "a" .')
        >>> store.add_to_graph("https://example.org/b", b'<https://example.org/s> <https://example.org/p> "b" .')
        >>> sorted(str(r["o"]) for r in store.select("SELECT ?o WHERE { ?s ?p ?o }"))
        ['a', 'b']
        >>> [str(r["o"]) for r in store.select("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=["https://example.org/b"])]
        ['b']
        """
        return self._answer(query, default_graphs, named_graphs, ox.QuerySolutions, rows_from_solutions,
                            "select() needs a SELECT query")

    def select_values(self, query: str, *, default_graphs: Sequence[str] | None = None,
                      named_graphs: Sequence[str] | None = None) -> list[dict[str, str]]:
        """Run a SELECT query; one dict of plain strings per solution.

        >>> store = OxigraphStore(None)
        >>> store.add_to_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .')
        >>> store.select_values("SELECT ?s ?o WHERE { ?s ?p ?o }")
        [{'s': 'https://example.org/s', 'o': '2025-01-01'}]
        """
        return self._answer(query, default_graphs, named_graphs, ox.QuerySolutions, values_from_solutions,
                            "select_values() needs a SELECT query")

    def ask(self, query: str, *, default_graphs: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None) -> bool:
        """Run an ASK query.

        >>> OxigraphStore(None).ask("ASK { ?s ?p ?o }")
        False
        """
        return self._answer(query, default_graphs, named_graphs, ox.QueryBoolean, bool, "ask() needs an ASK query")

    def construct(self, query: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None) -> Graph:
        """Run a CONSTRUCT (or DESCRIBE) query into a new rdflib Graph.

        >>> store = OxigraphStore(None)
        >>> store.add_to_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "a" .')
        >>> graph = store.construct("CONSTRUCT { ?s <https://example.org/q> ?o } WHERE { ?s ?p ?o }")
        >>> [str(o) for o in graph.objects()]
        ['a']
        """
        return self._answer(query, default_graphs, named_graphs, ox.QueryTriples, graph_from_triples,
                            "construct() needs a CONSTRUCT or DESCRIBE query")

    def construct_into(self, graph: str, query: str, *, default_graphs: Sequence[str] | None = None,
                       named_graphs: Sequence[str] | None = None) -> int:
        """Run a CONSTRUCT query and add its triples to ``graph`` in one transaction.

        >>> store = OxigraphStore(None)
        >>> store.add_to_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "a" .')
        >>> store.construct_into("https://example.org/b", "CONSTRUCT { ?s <https://example.org/q> ?o } WHERE { ?s ?p ?o }",
        ...                      default_graphs=["https://example.org/a"])
        1
        >>> [str(r["p"]) for r in store.select("SELECT ?p WHERE { GRAPH <https://example.org/b> { ?s ?p ?o } }")]
        ['https://example.org/q']
        """
        target = self._writing(graph)
        default = None if default_graphs is None else [named_node(g).value for g in default_graphs]
        named = None if named_graphs is None else [named_node(g).value for g in named_graphs]
        update = insert_form(query, target.value, default, named)
        if update is not None:  # evaluated and written by Oxigraph alone: no Python object per triple
            return self._insert(update, query, target)
        # Read the whole result before writing: the query reads the store being written.
        quads = self._answer(query, default_graphs, named_graphs, ox.QueryTriples,
                             lambda triples: [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples],
                             "construct_into() needs a CONSTRUCT or DESCRIBE query")
        try:
            self._live().extend(quads)
        except OSError as error:
            raise StoreError(f"cannot write to {graph}: {error}") from error
        return len(quads)

    def _insert(self, update: str, query: str, target: ox.NamedNode) -> int:
        """Run the update form of a CONSTRUCT query (:mod:`mapper.store.insert_form`); return how
        many triples the graph gained."""
        refuse_service(query)
        before = self._size(target)
        try:
            self._live().update(update)
        except SyntaxError as error:
            raise QuerySyntaxError(f"malformed SPARQL query: {error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise StoreError(f"cannot write to {target.value}: {error}") from error
        return self._size(target) - before

    def _size(self, graph: ox.NamedNode) -> int:
        [row] = self.select_values(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        return int(row["n"])

    def results(self, query: str, *, default_graphs: Sequence[str] | None = None,
                named_graphs: Sequence[str] | None = None) -> Any:
        """Run any query; pyoxigraph's own results, to be consumed on this thread.

        >>> store = OxigraphStore(None)
        >>> store.results("ASK { ?s ?p ?o }")
        <QueryBoolean false>
        """
        return self._query(query, default_graphs, named_graphs)

    def _answer(self, query: str, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None,
                expected: type, convert: Callable[[Any], Any], wrong_form: str) -> Any:
        """Run ``query``, refuse it unless its results are ``expected``, return ``convert(results)``."""
        results = self._query(query, default_graphs, named_graphs)
        try:
            if not isinstance(results, expected):
                raise StoreError(wrong_form)
            return convert(results)
        finally:
            # pyoxigraph results may only be dropped on the thread that made them: never leave them
            # to a reference cycle the collector may break on another (waitress) thread.
            del results

    def _query(self, query: str, default_graphs: Sequence[str] | None,
               named_graphs: Sequence[str] | None) -> Any:
        refuse_service(query)
        options = _dataset_options(query, default_graphs, named_graphs)
        try:
            return self._live().query(query, **options)
        except SyntaxError as error:
            raise QuerySyntaxError(f"malformed SPARQL query: {error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise StoreError(f"query failed: {error}") from error

    # writes

    def replace_graph(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Atomically replace ``graph`` with ``data``.

        Bad data leaves the graph as it was: every write below is one transaction. A graph the
        store does not hold yet is written directly; an existing one is replaced by writing the
        data to a fresh staging graph, then one SPARQL ``MOVE`` puts it in place: readers see the
        old graph or the new one, never a mix. (A DROP + INSERT DATA update text would make Oxigraph
        parse every triple a second time, as SPARQL.)

        >>> store = OxigraphStore(None)
        >>> store.replace_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "old" .')
        >>> store.replace_graph("https://example.org/a", b'<https://example.org/s> <https://example.org/p> "new" .')
        >>> [str(r["o"]) for r in store.select("SELECT ?o WHERE { ?s ?p ?o }")]
        ['new']
        >>> store.replace_graph("https://example.org/a", b"<https://example.org/s> .")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        mapper.store.StoreError: invalid application/n-triples data: ...
        >>> [str(r["o"]) for r in store.select("SELECT ?o WHERE { ?s ?p ?o }")], store.graphs()
        (['new'], ['https://example.org/a'])
        """
        self._replace(self._writing(graph), lambda into: self._write(into, data, media_type, base_iri=graph))

    def workspace(self, graphs: Sequence[str]) -> OxigraphStore:
        """For an on-disk store, an in-memory copy of ``graphs`` with the same blank nodes: an
        analysis's many reads and small writes run there, several times faster than on disk, and
        :meth:`commit` writes what it wrote back in one transaction. A store in memory is its own."""
        if self.url == "memory:":
            return self
        copy = OxigraphStore(None)
        for graph in graphs:
            copy_graph(self._live(), named_node(graph), copy._live(), named_node(graph))  # noqa: SLF001
        return copy

    def keep(self, workspace: OxigraphStore, graph: str) -> None:
        """Atomically replace ``graph`` with the workspace's, blank nodes and all."""
        if workspace is self:
            return
        target = self._writing(graph)
        self._replace(target, lambda into: copy_graph(workspace._live(), target, self._live(), into))  # noqa: SLF001

    def commit(self, workspace: OxigraphStore) -> None:
        """Write back every graph the workspace wrote, in one transaction
        (:func:`mapper.store.staging.commit`): a crash leaves none of them or all."""
        if workspace is not self:
            graphs = [self._writing(g) for g in sorted(workspace.written)]
            try:
                commit(self._live(), workspace._live(), graphs)  # noqa: SLF001
            except (SyntaxError, OSError, ValueError, RuntimeError) as error:
                raise StoreError(f"cannot write {', '.join(g.value for g in graphs)}: {error}") from error

    def _replace(self, target: ox.NamedNode, write) -> None:
        """Replace ``target`` by what ``write(graph)`` adds to a graph: directly if the store does
        not hold it yet, else through a staging graph and one ``MOVE``."""
        store = self._live()
        existing = store.contains_named_graph(target)
        into = staging_graph() if existing else target
        try:
            write(into)
            if existing:
                if store.contains_named_graph(into):
                    self._update(f"MOVE GRAPH {into} TO GRAPH {target}")
                else:  # no triples: the new graph is empty
                    self._update(f"DROP SILENT GRAPH {target}")
        except OSError as error:
            raise StoreError(f"cannot write to {target.value}: {error}") from error
        finally:
            if existing and self._store is not None and self._store.contains_named_graph(into):
                self._store.remove_graph(into)

    def _write(self, graph: ox.NamedNode, data: bytes, media_type: str, *, base_iri: str) -> None:
        """Add ``data`` to ``graph`` in one transaction. Data in a triple format without labelled
        blank nodes (``_:x``; Oxigraph gives anonymous ones, ``[]`` and lists, fresh labels in every
        load) is parsed and written by Oxigraph alone, with no Python objects per triple; otherwise blank nodes get fresh labels on the way (:func:`parse_rdf`)."""
        rdf_format = rdf_format_for(media_type)
        try:
            if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE) and b"_:" not in data:
                with parsing(media_type):
                    self._live().load(data, rdf_format, base_iri=base_iri, to_graph=graph)
            else:
                quads = parse_rdf(data, media_type, base_iri=base_iri)
                self._live().extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        except OSError as error:
            raise StoreError(f"cannot write to {graph.value}: {error}") from error

    def add_to_graph(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Add ``data`` to ``graph`` in one transaction; bad data adds nothing."""
        self._write(self._writing(graph), data, media_type, base_iri=graph)

    def drop_graph(self, graph: str) -> None:
        """Remove ``graph``; no error if it does not exist."""
        self._update(f"DROP SILENT GRAPH {self._writing(graph)}")

    def _update(self, update: str) -> None:
        try:
            self._live().update(update)
        except (SyntaxError, OSError, ValueError, RuntimeError) as error:
            raise StoreError(f"update failed: {error}") from error

    def _writing(self, graph: str) -> ox.NamedNode:
        """The graph about to be written, checked; counts the write (see :attr:`generation`)."""
        if self.read_only:
            raise StoreError(f"store {self.url} is open read-only: it cannot write {graph}")
        target = named_node(graph)
        with self._lock:
            self.generation += 1
            self.written.add(target.value)
        return target

    # reads

    def graphs(self) -> list[str]:
        """IRIs of the named graphs that hold at least one triple, sorted."""
        if self._graphs is not None:
            return list(self._graphs)
        store = self._live()
        found = sorted(
            g.value for g in store.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX)
            and next(iter(store.quads_for_pattern(None, None, None, g)), None)
        )
        if self.read_only:
            self._graphs = found
        return list(found)

    def view(self, graphs: Sequence[str]) -> GraphView:
        """The union of ``graphs``, read in place (no copy)."""
        return GraphView(self._live(), tuple(named_node(g) for g in graphs))

    def snapshot(self, directory: Path) -> None:
        """A copy of the whole store at ``directory`` that other processes open read-only: a RocksDB
        checkpoint of an on-disk store (hard links, near-instant on one file system), a new on-disk
        store holding every quad of an in-memory one."""
        live = self._live()
        try:
            if self.url != "memory:":
                live.backup(str(directory))
                return
            copy = ox.Store(str(directory))
            copy.bulk_extend(live.quads_for_pattern(None, None, None, None))
            copy.flush()
            del copy
            gc.collect()  # close the copy (and its directory lock) before anyone opens it read-only
        except OSError as error:
            raise StoreError(f"cannot snapshot {self.url} into {directory}: {error}") from error

    def graph_triples(self, graph: str) -> Graph:
        """A copy of ``graph`` as an rdflib Graph (empty if the graph does not exist)."""
        return graph_from_triples(self._live().quads_for_pattern(None, None, None, named_node(graph)))

    def dump(self) -> bytes:
        """Every quad of the named graphs as canonical sorted N-Quads (as the remote store)."""
        quads = self._live().quads_for_pattern(None, None, None, None)
        return canonical_nquads(q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))

    def close(self) -> None:
        """Release the store (and the directory lock of an on-disk store); idempotent."""
        if self._store is not None:
            if not self.read_only:
                self._store.flush()
            on_disk = self.url != "memory:"
            self._store = None
            if on_disk:
                # A finished query's result object can keep the pyoxigraph store (and so the
                # directory's lock) alive in a reference cycle until the collector runs; collect
                # now so that the next opener in this process gets the directory.
                gc.collect()

    def _live(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"store {self.url} is closed")
        return self._store


def _open_oxigraph(path: Path | None, read_only: bool) -> ox.Store:
    if path is None:
        if read_only:
            raise StoreError("an in-memory store cannot be opened read-only: it holds nothing")
        return ox.Store()
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as error:
        raise StoreError(
            f"cannot open the Oxigraph store in {path} (is another process or store using it?): {error}"
        ) from error


def _dataset_options(query: str, default_graphs: Sequence[str] | None,
                     named_graphs: Sequence[str] | None) -> dict[str, Any]:
    """pyoxigraph ``Store.query`` keyword arguments for the seam's dataset semantics."""
    named = None if named_graphs is None else [named_node(g) for g in named_graphs]
    if default_graphs is not None:
        return {"default_graph": [named_node(g) for g in default_graphs], "named_graphs": named}
    if named is None and declares_dataset(query):
        return {}  # the query's own FROM / FROM NAMED clauses apply
    # Only safe without an explicit default graph: the union covers every graph of the
    # store even when named_graphs is restricted, which is what "None" means here.
    return {"use_default_graph_as_union": True, "named_graphs": named}
