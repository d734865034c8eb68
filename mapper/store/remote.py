"""The remote backend: any SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB, Virtuoso, ...).

Queries follow the SPARQL 1.1 Protocol (JSON results, dataset given by ``default-graph-uri`` /
``named-graph-uri``, form-encoded POST once the request gets long). Loads use
the SPARQL 1.1 Graph Store Protocol (``PUT`` / ``POST`` to ``GSP?graph=IRI``); dropping
a graph is a ``DROP SILENT GRAPH`` update. Data is parsed and validated locally first and
sent as N-Triples, so bad data never reaches the server.

Store URL (see :func:`mapper.store.url.parse_remote_url`)::

    sparql+http://HOST:PORT/BASE[?query=P&update=P&gsp=P&union=list|oxigraph]
    sparql+https://...

``None`` as ``default_graphs`` means the union of every named graph. With ``union=list``
(the default, portable) the store lists the named graphs first and sends them as
``default-graph-uri``; with ``union=oxigraph`` it sends Oxigraph's
``union-default-graph`` parameter instead (one request, ``oxigraph serve`` only); with
``union=server`` it sends no graph where the server's own dataset is the one wanted: a default
graph that is the union of its graphs, and every named graph visible when only
``default-graph-uri`` is sent (Virtuoso; the contract suite checks both there).
:meth:`RemoteStore.dump` covers the named graphs only: what a server calls its default
graph depends on its configuration, and this seam never writes to it.

Every request goes through the store's own opener, which answers the server's Basic or Digest
challenge with the credentials of the environment (:mod:`mapper.store.credentials`), never the URL's.
"""

from __future__ import annotations

import http.client
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request

import pyoxigraph as ox
from rdflib import Graph, URIRef

from mapper.store import Backend, QuerySyntaxError, Row, StoreError, StoreTimeout, StoreUnavailable, replies
from mapper.store.credentials import Credentials, read_credentials, store_opener
from mapper.store.guard import check_query
from mapper.store.parse import declares_dataset, engine_reading, without_dataset
from mapper.store.replies import Reply
from mapper.store.terms import (
    canonical_nquads,
    named_node,
    parse_rdf,
    rdf_format_for,
    rows_from_solutions,
    values_from_solutions,
)
from mapper.store.url import StoreLocation
from mapper.store.view import GraphView

#: Sent as the only default (or named) graph to ask a server for an empty one.
NO_GRAPH = "urn:x-fscai:store:no-graph"
#: Virtuoso echoes one response header per graph a request names; http.client refuses more than 100.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 100_000)
#: An empty store whose only use is Oxigraph's query parser (the embedded store's own reading).
_PARSER = ox.Store()
#: Longer encoded requests are sent by POST rather than GET.
MAX_GET_LENGTH = 2000

_RESULTS_ACCEPT = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_FORM_ACCEPT = {"SELECT": _RESULTS_ACCEPT, "ASK": _RESULTS_ACCEPT, "CONSTRUCT": _GRAPH_ACCEPT,
                "DESCRIBE": _GRAPH_ACCEPT}


@dataclass(frozen=True)
class ProtocolDataset:
    """The dataset sent with one query; all empty means "the query's own or the server's"."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    union: bool = False




class RemoteStore(Backend):
    """A SPARQL 1.1 server reached over HTTP; ``timeout_s`` bounds every request."""

    def __init__(self, location: StoreLocation, *, timeout_s: float | None = None, read_only: bool = False,
                 credentials: Credentials | None = None) -> None:
        """``credentials`` default to those of the environment (:func:`read_credentials`)."""
        self.url = location.url
        self.endpoints = location.endpoints
        self.timeout_s = timeout_s
        self.read_only = read_only
        self.generation = 0
        self._closed = False
        credentials = read_credentials(os.environ) if credentials is None else credentials
        self._opener = store_opener(self.endpoints.query, credentials)
        self._signs = credentials is not None

    # queries

    def select(self, query: str, *, default_graphs: Sequence[str] | None = None,
               named_graphs: Sequence[str] | None = None) -> list[Row]:
        """Run a SELECT query; one dict per solution, unbound variables left out."""
        return self._solutions("select()", query, default_graphs, named_graphs, rows_from_solutions)

    def select_values(self, query: str, *, default_graphs: Sequence[str] | None = None,
                      named_graphs: Sequence[str] | None = None) -> list[dict[str, str]]:
        """Run a SELECT query; one dict of plain strings per solution."""
        return self._solutions("select_values()", query, default_graphs, named_graphs, values_from_solutions)

    def _solutions(self, method: str, query: str, default_graphs: Sequence[str] | None,
                   named_graphs: Sequence[str] | None, convert: Callable[[ox.QuerySolutions], Any]) -> Any:
        dataset = self._dataset(query, default_graphs, named_graphs)
        results = replies.results(self._query(query, dataset, _RESULTS_ACCEPT))
        try:
            if not isinstance(results, ox.QuerySolutions):
                raise StoreError(f"{method} needs a SELECT query")
            return convert(results)
        finally:
            # As on the embedded store: drop the parsed results on the thread that made them (the
            # analysis reads on several threads), never leave them to the cycle collector.
            del results

    def results(self, query: str, *, default_graphs: Sequence[str] | None = None,
                named_graphs: Sequence[str] | None = None) -> Any:
        """Run any query; the server's answer parsed into pyoxigraph results (``QuerySolutions``,
        ``QueryBoolean`` or an iterator of ``Triple``), as the embedded store gives them."""
        form = _form(query)
        dataset = self._dataset(query, default_graphs, named_graphs)
        reply = self._query(query, dataset, _FORM_ACCEPT[form])
        if form in ("SELECT", "ASK"):
            return replies.results(reply)
        rdf_format = rdf_format_for(replies.media_type(reply.content_type) or "text/turtle")
        try:
            return iter([quad.triple for quad in ox.parse(reply.body, rdf_format)])
        except (SyntaxError, ValueError) as error:
            raise StoreUnavailable(f"unreadable RDF from the server ({reply.content_type}): {error}") from error

    def ask(self, query: str, *, default_graphs: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None) -> bool:
        """Run an ASK query."""
        dataset = self._dataset(query, default_graphs, named_graphs)
        results = replies.results(self._query(query, dataset, _RESULTS_ACCEPT))
        if not isinstance(results, ox.QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(results)

    def construct(self, query: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None) -> Graph:
        """Run a CONSTRUCT (or DESCRIBE) query into a new rdflib Graph."""
        dataset = self._dataset(query, default_graphs, named_graphs)
        return replies.graph(self._query(query, dataset, _GRAPH_ACCEPT))

    def construct_into(self, graph: str, query: str, *, default_graphs: Sequence[str] | None = None,
                       named_graphs: Sequence[str] | None = None) -> int:
        """Run a CONSTRUCT query and ``POST`` its triples to ``graph`` (Graph Store Protocol)."""
        if _form(query) != "CONSTRUCT":
            raise StoreError("construct_into() needs a CONSTRUCT query")
        self._writing(graph)
        dataset = self._dataset(query, default_graphs, named_graphs)
        reply = self._query(query, dataset, _GRAPH_ACCEPT)
        rdf_format = rdf_format_for(replies.media_type(reply.content_type) or "text/turtle")
        try:
            triples = [quad.triple for quad in ox.parse(reply.body, rdf_format, rename_blank_nodes=True)]
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"unreadable RDF from the server ({reply.content_type}): {error}") from error
        if triples:
            self._gsp("POST", graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        return len(triples)

    def _dataset(self, query: str, default_graphs: Sequence[str] | None,
                 named_graphs: Sequence[str] | None) -> ProtocolDataset:
        """Translate the seam's dataset arguments into SPARQL 1.1 Protocol parameters.

        Once a request names any graph, the Protocol makes the named graphs exactly those
        sent, so "all" has to be spelled out; an empty list is sent as :data:`NO_GRAPH`.
        """
        check_query(query)  # the full parse: a malformed query never makes a round trip
        try:  # and Oxigraph's, which also resolves prefixes: every backend refuses the same texts alike
            _PARSER.query(query)
        except SyntaxError as error:
            raise QuerySyntaxError(f"malformed SPARQL query: {error}") from error
        if default_graphs is None and named_graphs is None:
            if declares_dataset(query):
                return ProtocolDataset()
            if self.endpoints.union == "oxigraph":
                return ProtocolDataset(union=True)
            if self.endpoints.union == "server":  # its default graph is the union already
                return ProtocolDataset()
        if self.endpoints.union == "server" and named_graphs is None:  # it keeps every named graph visible
            return ProtocolDataset(default=tuple(_checked(default_graphs or ())) or (NO_GRAPH,))
        every = self.graphs() if default_graphs is None or named_graphs is None else []
        default = every if default_graphs is None else _checked(default_graphs)
        named = every if named_graphs is None else _checked(named_graphs)
        return ProtocolDataset(default=tuple(default) or (NO_GRAPH,), named=tuple(named) or (NO_GRAPH,))

    def _query(self, query: str, dataset: ProtocolDataset, accept: str) -> Reply:
        check_query(query)  # the full parse: a malformed query never makes a round trip
        if (dataset.default or dataset.named) and declares_dataset(query):
            # the protocol's graphs replace the query's FROM (SPARQL 1.1 Protocol 2.1.4); a server
            # that adds them instead (Virtuoso) would widen the dataset, so the FROM goes
            query = without_dataset(query)
        endpoint = self.endpoints.query
        parameters = [("query", query), *(("default-graph-uri", g) for g in dataset.default),
                      *(("named-graph-uri", g) for g in dataset.named)]
        if dataset.union:
            parameters.append(("union-default-graph", "true"))
        encoded = urlencode(parameters)
        if len(encoded) > MAX_GET_LENGTH:
            request = Request(endpoint, data=encoded.encode("ascii"), method="POST",
                              headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        else:
            separator = "&" if "?" in endpoint else "?"
            request = Request(f"{endpoint}{separator}{encoded}", headers={"Accept": accept})
        self._check_open()
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                body, headers = response.read(), response.headers
        except HTTPError as error:
            raise _http_error("query to", endpoint, error) from error
        except (URLError, OSError, http.client.HTTPException) as error:
            raise _unreachable(endpoint, error, self.timeout_s) from error
        return replies.complete(body, headers)

    # writes

    def replace_graph(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Replace ``graph`` with Graph Store Protocol ``PUT`` (atomic if the server's PUT is)."""
        self._writing(graph)
        self._gsp("PUT", graph, _ntriples(parse_rdf(data, media_type, base_iri=graph)))

    def add_to_graph(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Add ``data`` to ``graph`` with Graph Store Protocol ``POST``."""
        self._writing(graph)
        quads = parse_rdf(data, media_type, base_iri=graph)
        if quads:
            self._gsp("POST", graph, _ntriples(quads))

    def drop_graph(self, graph: str) -> None:
        """``DROP SILENT GRAPH`` on the update endpoint: no error if the graph is absent."""
        update = f"DROP SILENT GRAPH {self._writing(graph)}".encode()
        self._http("POST", self.endpoints.update, update, {"Content-Type": "application/sparql-update"})

    def _gsp(self, method: str, graph: str, payload: bytes) -> None:
        separator = "&" if "?" in self.endpoints.gsp else "?"
        target = f"{self.endpoints.gsp}{separator}{urlencode({'graph': graph})}"
        self._http(method, target, payload, {"Content-Type": "application/n-triples"})

    def _http(self, method: str, url: str, payload: bytes, headers: dict[str, str]) -> None:
        self._check_open()
        for attempt in (1, 2):
            request = Request(url, data=payload, method=method, headers=headers)
            try:
                with self._opener.open(request, timeout=self.timeout_s) as response:
                    response.read()
                return
            except HTTPError as error:
                raise _http_error(method, url, error) from error
            except (URLError, OSError, http.client.HTTPException) as error:
                if attempt == 1 and self._signs and _broken_pipe(error):
                    # refused while still sending (no login yet, or a stale one: 401 before the body
                    # is read), so nothing was written: a small request for a challenge, then once more
                    self._query("ASK {}", ProtocolDataset(), _RESULTS_ACCEPT)
                    continue
                raise _unreachable(url, error, self.timeout_s) from error

    def _writing(self, graph: str) -> ox.NamedNode:
        """The graph about to be written, checked; counts the write (see ``Store.generation``)."""
        if self.read_only:
            raise StoreError(f"store {self.url} is open read-only: it cannot write {graph}")
        self.generation += 1
        return named_node(graph)

    # reads

    def graphs(self) -> list[str]:
        """IRIs of the named graphs that hold at least one triple, sorted."""
        # GROUP BY, not DISTINCT: Virtuoso answers the DISTINCT form from its list of every graph,
        # its private ones included, and slowly (21 s against 0.01 s on 42,000 quads)
        reply = self._query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                            ProtocolDataset(), _RESULTS_ACCEPT)
        rows = rows_from_solutions(replies.results(reply))
        return sorted(str(row["g"]) for row in rows if isinstance(row.get("g"), URIRef))

    def graph_triples(self, graph: str) -> Graph:
        """A copy of ``graph`` as an rdflib Graph (empty if the graph does not exist)."""
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {named_node(graph)} {{ ?s ?p ?o }} }}"
        return replies.graph(self._query(query, ProtocolDataset(), _GRAPH_ACCEPT))

    def view(self, graphs: Sequence[str]) -> GraphView:
        """The union of ``graphs``, copied into memory (one CONSTRUCT per graph)."""
        dataset = ox.Store()
        for graph in graphs:
            reply = self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {named_node(graph)} {{ ?s ?p ?o }} }}",
                                ProtocolDataset(), "application/n-triples")
            dataset.load(reply.body, ox.RdfFormat.N_TRIPLES, to_graph=named_node(graph))
        return GraphView(dataset, tuple(named_node(g) for g in graphs))

    def snapshot(self, directory: Path) -> None:
        """A server's data is not copied to this machine: the caller queries the server itself."""
        raise StoreError(f"a remote store ({self.url}) cannot be snapshotted: query the server")

    def dump(self) -> bytes:
        """Every quad of the named graphs as canonical sorted N-Quads (as the embedded store)."""
        reply = self._query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                            ProtocolDataset(), _RESULTS_ACCEPT)
        solutions = replies.results(reply)
        try:
            return canonical_nquads(ox.Quad(s["s"], s["p"], s["o"], s["g"]) for s in solutions)
        finally:
            del solutions  # on this thread (see _solutions)

    def close(self) -> None:
        """Nothing to release (no connection is kept); later calls raise :class:`StoreError`."""
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self.url} is closed")


def _checked(graphs: Sequence[str]) -> list[str]:
    return [named_node(graph).value for graph in graphs]


def _ntriples(quads: list[ox.Quad]) -> bytes:
    return ox.serialize([quad.triple for quad in quads], format=ox.RdfFormat.N_TRIPLES) or b""


def _http_error(what: str, url: str, error: HTTPError) -> StoreError:
    message = error.read().decode("utf-8", "replace").strip()[:1000]
    if replies.is_timeout(message):
        return StoreTimeout(f"{what} {url} passed the server's time limit: HTTP {error.code}: {message[:300]}")
    kind = QuerySyntaxError if error.code == 400 and what == "query to" else StoreUnavailable
    return kind(f"{what} {url} failed: HTTP {error.code} {error.reason}: {message}")


def _broken_pipe(error: Exception) -> bool:
    """Whether the server closed the connection while the request was still being sent."""
    reason = getattr(error, "reason", error)
    return isinstance(reason, (BrokenPipeError, ConnectionResetError))


def _unreachable(url: str, error: Exception, timeout_s: float | None) -> StoreError:
    reason = getattr(error, "reason", error)
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return StoreTimeout(f"the query passed its deadline of {timeout_s:g} s: {url} did not answer in time")
    return StoreUnavailable(f"cannot reach {url}: {reason}")


def _form(query: str) -> str:
    """The query's form, from the one cached parse (:func:`mapper.store.parse.parse_query`)."""
    return engine_reading(query).form
