"""The endpoint in front of a remote SPARQL 1.1 server (``FSCAI_STORE=sparql+http://...``).

The guard, the access control and the serializer are the same as for the embedded store
(:func:`web.sparql_engine.answer`); only the store differs: the query is forwarded with the
dataset spelt out as ``default-graph-uri`` / ``named-graph-uri`` (the Protocol's own way, so the
server enforces it), and the answer is parsed back into pyoxigraph results. The deadline is the
HTTP timeout of the forwarded request; ``oxigraph serve --timeout-s`` answering 200 with a cut body
is detected. SERVICE never reaches the server: the guard refuses it first.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Sequence
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pyoxigraph as ox

from mapper.store.remote_store import CANCELLED, NO_GRAPH, parse_remote_url
from web.sparql_access import Dataset
from web.sparql_guard import Refusal

#: How long the list of the server's graphs is reused.
GRAPHS_TTL_S = 2.0
_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_graph_cache: dict[str, tuple[float, tuple[str, ...]]] = {}
_graph_lock = threading.Lock()


class RemoteBackend:
    """A remote SPARQL server, each HTTP request bounded by ``timeout_s``."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url
        self.endpoints = parse_remote_url(url)
        self.timeout_s = timeout_s

    def graphs(self) -> Sequence[str]:
        now = time.monotonic()
        with _graph_lock:
            cached = _graph_cache.get(self.url)
        if cached and now - cached[0] < GRAPHS_TTL_S:
            return cached[1]
        body = self._post([("query", _GRAPHS_QUERY)], "application/sparql-results+json")
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        graphs = tuple(sorted(s["g"].value for s in solutions if isinstance(s["g"], ox.NamedNode)))
        with _graph_lock:
            _graph_cache[self.url] = (now, graphs)
        return graphs

    def run(self, query: str, form: str, dataset: Dataset) -> Any:
        params = [("query", query)]
        if dataset.is_union and self.endpoints.union == "oxigraph":
            params.append(("union-default-graph", "true"))
        else:
            every = self.graphs() if dataset.is_union else ()
            default = every if dataset.default is None else dataset.default
            named = every if dataset.named is None else dataset.named
            params += [("default-graph-uri", g) for g in default or (NO_GRAPH,)]
            params += [("named-graph-uri", g) for g in named or (NO_GRAPH,)]
        if form in ("SELECT", "ASK"):
            body = self._post(params, "application/sparql-results+json")
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        body = self._post(params, "application/n-triples")
        return (quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))

    def _post(self, params: list[tuple[str, str]], accept: str) -> bytes:
        request = Request(self.endpoints.query, data=urlencode(params).encode("utf-8"), method="POST",
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        try:
            with urlopen(request, timeout=self.timeout_s) as response:
                body = response.read()
        except HTTPError as failure:
            message = failure.read().decode("utf-8", "replace").strip()[:2000]
            if failure.code == 400:
                raise SyntaxError(message) from None
            raise Refusal(502, f"遠端 SPARQL 伺服器錯誤 / the remote SPARQL server answered {failure.code}: {message}") from None
        except TimeoutError:
            raise Refusal(503, f"查詢逾時 / the query passed its deadline of {self.timeout_s:g} s") from None
        except (URLError, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise Refusal(503, f"查詢逾時 / the query passed its deadline of {self.timeout_s:g} s") from None
            raise Refusal(502, f"無法連線遠端 SPARQL 伺服器 / cannot reach the remote SPARQL server: {reason}") from None
        if body.rstrip().endswith(CANCELLED):
            raise Refusal(503, "遠端伺服器中止查詢（逾時）/ the remote server cancelled the query (timeout)")
        return body
