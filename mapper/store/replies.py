"""What a remote SPARQL server answers, read: results and graphs parsed, and every way a server says
that an answer is incomplete turned into an error, so no partial answer passes as a whole one.

Signals of an incomplete answer, per engine (each tested against a real server):

- ``oxigraph serve --timeout-s``: HTTP 200 with :data:`CANCELLED` appended to the body;
- Virtuoso "anytime" queries: HTTP 200 with ``X-SQL-State: S1TAT`` (partial results);
- Virtuoso's row cap (``ResultSetMaxRows``, at most 1,048,576 rows): HTTP 200 with ``X-SPARQL-MaxRows``;
- Virtuoso's ``MaxQueryExecutionTime``: HTTP 500 with ``S1T00`` / ``SR171: Transaction timed out``.

Virtuoso also writes blank nodes as ``nodeID://b10000`` (not a blank-node label) and a stored
``xsd:boolean`` as ``"1"``/``"0"``; :func:`results` reads both as the embedded store gives them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from mapper.store import StoreError, StoreTimeout
from mapper.store.terms import graph_from_triples, rdf_format_for

#: What ``oxigraph serve --timeout-s`` appends to a truncated HTTP 200 body.
CANCELLED = b"The SPARQL operation has been cancelled"
#: Words in a server's error text that mean "the query ran out of time" (Virtuoso's SQL states).
TIMEOUT_WORDS = ("S1T00", "S1TAT", "SR171")
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_NOT_A_LABEL = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class Reply:
    """A successful HTTP answer."""

    body: bytes
    content_type: str


def complete(body: bytes, headers: Mapping[str, str]) -> Reply:
    """The answer, or :class:`StoreTimeout` / :class:`StoreError` if the server says it is partial."""
    state = headers.get("X-SQL-State", "")
    if state:
        raise StoreTimeout(f"the server returned incomplete results (X-SQL-State: {state}: "
                           f"{headers.get('X-SQL-Message', '').strip()}): the query passed the server's time limit")
    if headers.get("X-SPARQL-MaxRows"):
        raise StoreError(f"the server cut the answer at {headers['X-SPARQL-MaxRows']} rows (X-SPARQL-MaxRows): "
                         "narrow the query, or raise the server's ResultSetMaxRows")
    if body.rstrip().endswith(CANCELLED):
        raise StoreTimeout("the server cancelled the query (timeout): the results were truncated")
    return Reply(body, headers.get("Content-Type", ""))


def is_timeout(message: str) -> bool:
    """Whether a server's error text says the query ran out of time."""
    return any(word in message for word in TIMEOUT_WORDS)


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip()


def results(reply: Reply) -> Any:
    """Parse SPARQL results (JSON unless the server says otherwise) into pyoxigraph results."""
    results_format = ox.QueryResultsFormat.from_media_type(media_type(reply.content_type))
    body = reply.body
    if results_format in (None, ox.QueryResultsFormat.JSON) and (b"nodeID://" in body or _BOOLEAN.encode() in body):
        body = _portable_json(body)
    try:
        return ox.parse_query_results(body, results_format or ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"unreadable SPARQL results ({reply.content_type}): {error}") from error


def _portable_json(body: bytes) -> bytes:
    """Virtuoso's blank-node ids and ``1``/``0`` booleans as the SPARQL 1.1 JSON format writes them."""
    try:
        data = json.loads(body)
    except ValueError:
        return body  # left to the parser, which says what is wrong
    for binding in data.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "bnode":
                term["value"] = _NOT_A_LABEL.sub("_", term["value"].removeprefix("nodeID://"))
            elif term.get("datatype") == _BOOLEAN and term.get("value") in ("1", "0"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(data).encode()


def graph(reply: Reply) -> Graph:
    """An RDF answer (N-Triples or Turtle) as an rdflib Graph."""
    rdf_format = rdf_format_for(media_type(reply.content_type) or "text/turtle")
    try:
        return graph_from_triples(ox.parse(reply.body, rdf_format))
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"unreadable RDF from the server ({reply.content_type}): {error}") from error
