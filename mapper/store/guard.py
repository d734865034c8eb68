"""Refuse SPARQL queries with a ``SERVICE`` clause before they reach a store.

A ``SERVICE`` clause makes the engine fetch data from another server (pyoxigraph does it
over HTTP), so an analysis query could leak data or depend on the network. Every backend
calls :func:`refuse_service` first. The check fails closed: the query is parsed with
rdflib's SPARQL 1.1 parser and a query that does not parse is refused too, so only the
parse tree decides, never a text search (``SERVICE`` inside a string, an IRI or a comment
is just text).

>>> refuse_service('SELECT ?s WHERE { ?s ?p "uses a SERVICE" } # SERVICE <http://x/>')
>>> refuse_service('select * where { service <http://example.org/sparql> { ?s ?p ?o } }')
Traceback (most recent call last):
    ...
mapper.store.StoreError: SPARQL SERVICE clauses are refused: the store never queries another server
"""

from __future__ import annotations

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
    """Raise :class:`StoreError` if ``query`` is not a SPARQL 1.1 query or uses ``SERVICE``.

    ``SERVICE`` is found in any case and at any depth (subqueries, ``OPTIONAL``, ...).

    >>> refuse_service('SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT ?x { ?s ?p ?o } } } }')
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: SPARQL SERVICE clauses are refused: the store never queries another server
    >>> refuse_service('PREFIX service: <http://example.org/> ASK { service:a service:b "SERVICE" }')
    >>> refuse_service('SELEC ?s')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: malformed SPARQL query: Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}, found 'SELEC'...
    """
    if _uses_service(query):
        raise StoreError("SPARQL SERVICE clauses are refused: the store never queries another server")


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
