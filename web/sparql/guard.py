"""Read-only in layers: what a request may ask before anything reaches the store.

The layers, each refusing with its own status and a bilingual message (:class:`Refusal`):

1. size: a query longer than ``FSCAI_SPARQL_MAX_QUERY_BYTES`` -> 413;
2. updates: SPARQL Update is refused (403) whatever the method (``update=`` parameter,
   ``application/sparql-update`` body, or an update sent as ``query=``); the store is also opened
   read-only and only ever given to ``Store.query``, which cannot run an update;
3. ``SERVICE``: refused (403) before the store sees the query (pyoxigraph would fetch the remote
   endpoint over HTTP), with :func:`mapper.store.guard.refuse_service`, which parses the query and
   fails closed; a query the parser cannot read is refused (400, the parser's message);
4. the deadline and the row cap, enforced around the store (see :mod:`web.sparql.pool` and
   :mod:`web.sparql.results`).

Why a lexer too: rdflib's SPARQL parser (pyparsing) takes longer on each of the library's queries
than the queries themselves. So the full parse runs only when it can
matter: when the word ``service`` occurs anywhere in the query text (in any case, after SPARQL's
``\\u`` escapes are expanded everywhere, as rdflib does; Oxigraph expands them only in strings and
IRIs, so this errs on the safe side) -- a SERVICE clause cannot exist without it -- or when a
``FROM`` keyword is present (to read the dataset clause exactly). Otherwise a small
lexer (strings, IRIs and comments blanked out) finds the query form; the store's own parser then
reads the query, and its syntax errors come back as 400 with its message.

>>> inspect("PREFIX ex: <http://ex/> SELECT * WHERE { ?s ?p 'FROM service' }").form
'SELECT'
>>> inspect("SELECT * FROM <http://ex/g> FROM NAMED <http://ex/h> { ?s ?p ?o }").dataset
Requested(default=('http://ex/g',), named=('http://ex/h',))
>>> inspect("INSERT DATA { <http://ex/s> <http://ex/p> 1 }")
Traceback (most recent call last):
    ...
web.sparql.guard.Refusal: 唯讀端點，不接受 SPARQL Update / this endpoint is read-only: SPARQL Update is refused
>>> inspect("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").status
Traceback (most recent call last):
    ...
web.sparql.guard.Refusal: 不接受 SERVICE 子句 / SPARQL SERVICE clauses are refused: the store never queries another server

Relative IRIs in a query are resolved against the endpoint's URL, as if the query were retrieved
from it (SPARQL 1.1 Query, section 4.1.1.1): :func:`based` puts a ``BASE`` line before the text,
which every reader of it (this guard, rdflib's parser, Oxigraph, a remote server) honours, and a
``BASE`` of the query's own still comes after it and wins; :func:`unbased` gives the positions in
a syntax error back in the lines the client wrote.

>>> based("CONSTRUCT { <s> <p> 1 } WHERE {}", "http://127.0.0.1:8000/sparql")
'BASE <http://127.0.0.1:8000/sparql>\\nCONSTRUCT { <s> <p> 1 } WHERE {}'
>>> based("ASK {}", "http://evil>/sparql")  # not an IRI (a forged Host header): no base
'ASK {}'
>>> unbased("malformed SPARQL query: error at 2:25: expected one of LATERAL", "http://x/")
'malformed SPARQL query: error at 1:25: expected one of LATERAL'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from web.access import Requested

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

UPDATE_REFUSED = "唯讀端點，不接受 SPARQL Update / this endpoint is read-only: SPARQL Update is refused"
SERVICE_REFUSED = ("不接受 SERVICE 子句 / SPARQL SERVICE clauses are refused: "
                   "the store never queries another server")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Strings (the four forms), IRIs (IRIREF: no spaces, no <>"{}|^`\) and comments, left to right.
_OPAQUE = re.compile(r'''
      '\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
    | """(?:[^"\\]|\\.|"(?!""))*"""
    | '(?:[^'\\\n\r]|\\.)*'
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \#[^\n\r]*
''', re.VERBOSE | re.DOTALL)
# A keyword is a bare word: not a variable (?x $x), not part of a prefixed name (p:x, x:p).
# (PN_CHARS has a few more characters than \w, and '.' may be inside a prefix: PREFIX select.a: <...>.)
_NAME = r"\w:.\u00B7\u0300-\u036F\u203F\u2040-"
_KEYWORD = re.compile(rf"(?<![?$@{_NAME}])(" + "|".join(QUERY_FORMS + UPDATE_KEYWORDS) + rf")(?![{_NAME}])",
                      re.IGNORECASE)
_FROM = re.compile(r"(?<![?$@\w:.-])FROM(?![\w:-])", re.IGNORECASE)


class Refusal(Exception):
    """A request refused before or instead of running: HTTP ``status`` and a bilingual message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryShape:
    form: str  # one of QUERY_FORMS
    dataset: Requested | None  # the query's own FROM / FROM NAMED clauses, if any


# An absolute http(s) IRI with nothing a query's IRIREF could not hold.
_BASE_IRI = re.compile(r'^https?://[^<>"{}|^`\\\x00-\x20]+$')
# Where the engines say a syntax error is: Oxigraph "error at LINE:COL", rdflib "(at char N), (line:L, col:C)".
_ENGINE_PLACE = re.compile(r"\berror at (\d+):(\d+)")
_PARSER_PLACE = re.compile(r"\(at char (\d+)\), \(line:(\d+), col:(\d+)\)")


def based(query: str, base_iri: str | None) -> str:
    """``query`` with the endpoint's URL as its base IRI (unchanged without a usable one)."""
    if not base_iri or not _BASE_IRI.match(base_iri):
        return query
    return f"BASE <{base_iri}>\n{query}"


def unbased(message: str, base_iri: str | None) -> str:
    """A syntax error's message about a :func:`based` text, placed in the text the client sent."""
    if not base_iri or not _BASE_IRI.match(base_iri):
        return message
    shift = len(f"BASE <{base_iri}>\n")
    message = _ENGINE_PLACE.sub(lambda m: f"error at {max(1, int(m[1]) - 1)}:{m[2]}", message, count=1)
    return _PARSER_PLACE.sub(lambda m: f"(at char {max(0, int(m[1]) - shift)}), (line:{max(1, int(m[2]) - 1)}, "
                                       f"col:{m[3]})", message, count=1)


def check_size(query: str, max_bytes: int) -> None:
    size = len(query.encode("utf-8"))
    if size > max_bytes:
        raise Refusal(413, f"查詢過長 / the query is too long: {size} bytes, at most {max_bytes}")


@lru_cache(maxsize=1024)
def inspect(query: str) -> QueryShape:
    """The form and dataset clause of a query, refusing updates, SERVICE and what cannot be read."""
    expanded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    bare = _OPAQUE.sub(" ", expanded)
    keyword = _KEYWORD.search(bare)
    if keyword and keyword.group(1).upper() in UPDATE_KEYWORDS:
        raise Refusal(403, UPDATE_REFUSED)
    has_from = _FROM.search(bare) is not None
    if "service" in expanded.lower() or has_from or keyword is None:
        return _parsed_shape(query)
    return QueryShape(keyword.group(1).upper(), None)


def _parsed_shape(query: str) -> QueryShape:
    """The slow, exact path: the store seam's one parse of the text, and its SERVICE guard."""
    from mapper.store import QueryRefused, QuerySyntaxError
    from mapper.store.guard import check_query
    from mapper.store.parse import is_update, parse_query

    try:
        check_query(query)  # also as Oxigraph reads the text (see mapper.store.guard)
        parsed = parse_query(query)  # as written: the dataset's IRIs with their escapes expanded
    except QueryRefused:
        raise Refusal(403, SERVICE_REFUSED) from None
    except QuerySyntaxError as error:
        if is_update(query):
            raise Refusal(403, UPDATE_REFUSED) from None
        raise Refusal(400, f"查詢語法錯誤 / malformed SPARQL query: {_parser_message(error)}") from None
    if not parsed.declares_dataset:
        return QueryShape(parsed.form, None)
    return QueryShape(parsed.form, Requested(parsed.default_graphs, parsed.named_graphs))


def _parser_message(error: Exception) -> str:
    return str(error).removeprefix("malformed SPARQL query: ")

