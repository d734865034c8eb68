"""Refuse SPARQL queries with a ``SERVICE`` clause before they reach a store.

A ``SERVICE`` clause makes the engine fetch data from another server (pyoxigraph does it
over HTTP), so an analysis query could leak data or depend on the network. Every backend
calls :func:`refuse_service` first. The check fails closed: the query is parsed with
rdflib's SPARQL 1.1 parser and a query that does not parse is refused too, so only the
parse tree decides, never a text search (``SERVICE`` inside a string, an IRI or a comment
is just text).

rdflib and Oxigraph do not read every text alike: rdflib expands ``\\u`` escapes everywhere before
parsing (so an escaped quote in a string, or an escaped newline in a comment, can hide a real
``SERVICE`` clause from it) and ends a comment only at a line feed (Oxigraph, as SPARQL says, also
at a carriage return). So the SERVICE check also parses the query as Oxigraph reads it
(:func:`engine_view`), and refuses it if either reading has a SERVICE clause.

>>> refuse_service('SELECT ?s WHERE { ?s ?p "uses a SERVICE" } # SERVICE <http://x/>')
>>> refuse_service('select * where { service <http://example.org/sparql> { ?s ?p ?o } }')
Traceback (most recent call last):
    ...
mapper.store.StoreError: SPARQL SERVICE clauses are refused: the store never queries another server
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from mapper.store import StoreError

_SERVICE_PATTERN = "ServiceGraphPattern"
# pyparsing's packrat cache is shared by every parse and not thread-safe.
_PARSER_LOCK = threading.Lock()


def refuse_service(query: str) -> None:
    """Raise :class:`StoreError` if ``query`` uses ``SERVICE``.

    ``SERVICE`` is found in any case and at any depth (subqueries, ``OPTIONAL``, ...). A text in
    which neither the word nor an escape that could spell it occurs cannot hold the clause, and is
    passed without parsing: rdflib's parser takes ~0.5 s on the first sight of a large query, on
    every analysis run (a malformed query is then refused by the store's own parser).

    >>> refuse_service('SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT ?x { ?s ?p ?o } } } }')
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: SPARQL SERVICE clauses are refused: the store never queries another server
    >>> refuse_service('PREFIX service: <http://example.org/> ASK { service:a service:b "SERVICE" }')
    >>> refuse_service('SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: ...
    """
    if _MAY_NAME_SERVICE.search(query):
        check_query(query)


def check_query(query: str) -> None:
    """Raise :class:`StoreError` if ``query`` is not a SPARQL 1.1 query or uses ``SERVICE``.

    The exact check: the query is parsed by rdflib, as written and as Oxigraph reads it.

    >>> check_query('SELEC ?s')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: malformed SPARQL query: Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}, found 'SELEC'...
    """
    if _uses_service(query) or ((engine := engine_view(query)) != query and _uses_service(engine)):
        raise StoreError("SPARQL SERVICE clauses are refused: the store never queries another server")


#: The keyword, or an escape (rdflib expands \\u and \\U anywhere in the text) that could spell it.
_MAY_NAME_SERVICE = re.compile(r"service|\\[uU]", re.IGNORECASE)


#: A backslash pair, or a \u / \U escape (Oxigraph expands those in strings and IRIs only).
_ENGINE_ESCAPE = re.compile(r"\\\\|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_LONE_CR = re.compile(r"\r(?!\n)")


def engine_view(query: str) -> str:
    r"""The query with the same structure for rdflib as for Oxigraph: each escape (where Oxigraph
    allows one, in a string or an IRI, it is content) becomes plain letters, so rdflib expands
    nothing, and a carriage return not followed by a line feed becomes one, so comments end where
    Oxigraph ends them (a query with CRLF line ends and no escape is read once only).

    >>> engine_view('SELECT ("\\u0022" AS ?x) {} # a\rb')
    'SELECT ("X" AS ?x) {} # a\nb'
    """
    return _LONE_CR.sub("\n", _ENGINE_ESCAPE.sub(lambda m: "XX" if m.group(0) == "\\\\" else "X", query))



@lru_cache(maxsize=512)
def _uses_service(query: str) -> bool:
    try:
        with _PARSER_LOCK:
            tree = parseQuery(query)
    except Exception as error:  # any parser failure refuses the query (fail closed)
        raise StoreError(f"malformed SPARQL query: {error}") from error
    return _contains_service(tree)


def _contains_service(node: object) -> bool:
    """Walk rdflib's parse tree (nested CompValue dicts and ParseResults lists)."""
    if isinstance(node, CompValue):
        return node.name == _SERVICE_PATTERN or any(_contains_service(v) for v in node.values())
    if isinstance(node, (ParseResults, list, tuple)):
        return any(_contains_service(item) for item in node)
    return False
