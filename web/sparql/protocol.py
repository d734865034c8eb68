"""The SPARQL 1.1 Protocol's query operation (W3C Recommendation 2013, §2.1), read off a request.

- ``GET /sparql?query=...`` (§2.1.1);
- ``POST /sparql`` with ``application/x-www-form-urlencoded`` (§2.1.2): ``query`` in the body;
- ``POST /sparql`` with ``application/sparql-query`` (§2.1.3): the body *is* the query, UTF-8;
- ``default-graph-uri`` and ``named-graph-uri`` (0 or more each) in the URL or the form body
  (§2.1.4): given, they replace the query's ``FROM`` / ``FROM NAMED``;
- exactly one ``query``; an ``update`` (or ``application/sparql-update``) is refused, read-only;
- ``timeout`` (seconds, may lower the deadline) and ``access_token`` (RFC 6750) are fscai's.

Each malformed request raises :class:`web.sparql.guard.Refusal` with its status: 400 (bad or
repeated parameters, a body that is not UTF-8, a graph IRI that is not absolute), 403 (an
update), 405 (another method), 415 (a POST body of any other media type, or another charset).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Request

from web.access import Requested
from web.sparql.guard import UPDATE_REFUSED, Refusal

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
METHODS = ("GET", "HEAD", "POST")


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    timeout: str | None
    access_tokens: tuple[str, ...]

    @property
    def requested(self) -> Requested | None:
        """The protocol dataset, if the request names any graph (then it is the whole dataset)."""
        if not self.default_graphs and not self.named_graphs:
            return None
        return Requested(self.default_graphs, self.named_graphs)


def parse_request(request: Request) -> ProtocolRequest:
    """Read a query operation off ``request``; raise :class:`Refusal` for anything else."""
    if request.method not in METHODS:
        raise Refusal(405, f"不支援 {request.method} / method {request.method} not allowed: use GET or POST")
    url = request.args
    if url.getlist("update"):
        raise Refusal(403, UPDATE_REFUSED)
    if request.method in ("GET", "HEAD"):
        return _from_parameters(url.getlist("query"), url.getlist("update"), url, url)
    media_type = request.mimetype
    charset = request.mimetype_params.get("charset")
    if media_type == UPDATE or (media_type == FORM and "update" in request.form):
        raise Refusal(403, UPDATE_REFUSED)
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Refusal(415, f"只接受 UTF-8 / only UTF-8 is accepted, got charset={charset}")
    if media_type == FORM:
        form = request.form
        return _from_parameters(url.getlist("query") + form.getlist("query"), [], url, form)
    if media_type == DIRECT:
        if url.getlist("query"):
            raise Refusal(400, "查詢只能有一個 / exactly one query: the body is the query, the URL may not have another")
        try:
            body = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "查詢須為 UTF-8 / the query must be UTF-8") from None
        return _from_parameters([body], [], url, url)
    raise Refusal(415, f"不支援之媒體類型 / unsupported media type {media_type or '(none)'}: POST a query as {FORM} "
                       f"(query=...) or as {DIRECT}")


def _from_parameters(queries: list[str], updates: list[str], url, params) -> ProtocolRequest:
    if updates:
        raise Refusal(403, UPDATE_REFUSED)
    if len(queries) > 1:
        raise Refusal(400, "查詢只能有一個 / exactly one query parameter is allowed")
    graphs = {}
    for name in ("default-graph-uri", "named-graph-uri"):
        values = url.getlist(name) + (params.getlist(name) if params is not url else [])
        graphs[name] = tuple(dict.fromkeys(_absolute(name, value) for value in values))
    timeouts = url.getlist("timeout") + (params.getlist("timeout") if params is not url else [])
    if len(timeouts) > 1:
        raise Refusal(400, "timeout 只能有一個 / at most one timeout parameter")
    tokens = tuple(url.getlist("access_token") + (params.getlist("access_token") if params is not url else []))
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise Refusal(400, "查詢為空 / the query is empty")
    return ProtocolRequest(query, graphs["default-graph-uri"], graphs["named-graph-uri"],
                           timeouts[0] if timeouts else None, tokens)


def _absolute(name: str, value: str) -> str:
    try:
        ox.NamedNode(value)
    except ValueError:
        raise Refusal(400, f"{name} 須為絕對 IRI / {name} must be an absolute IRI, got {value!r}") from None
    if ":" not in value:
        raise Refusal(400, f"{name} 須為絕對 IRI / {name} must be an absolute IRI, got {value!r}")
    return value
