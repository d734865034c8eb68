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
(:func:`mapper.store.parse.engine_view`), and refuses it if either reading has a SERVICE clause.

>>> refuse_service('SELECT ?s WHERE { ?s ?p "uses a SERVICE" } # SERVICE <http://x/>')
>>> refuse_service('select * where { service <http://example.org/sparql> { ?s ?p ?o } }')
Traceback (most recent call last):
    ...
mapper.store.QueryRefused: SPARQL SERVICE clauses are refused: the store never queries another server
"""

from __future__ import annotations

import re

from mapper.store import QueryRefused, QuerySyntaxError
from mapper.store.parse import engine_reading, engine_view, parse_query

SERVICE_REFUSED = "SPARQL SERVICE clauses are refused: the store never queries another server"


def refuse_service(query: str) -> None:
    """Raise :class:`~mapper.store.QueryRefused` if ``query`` uses ``SERVICE``.

    ``SERVICE`` is found in any case and at any depth (subqueries, ``OPTIONAL``, ...). A text in
    which neither the word nor an escape that could spell it occurs cannot hold the clause, and is
    passed without parsing: rdflib's parser is slow on the first sight of a large query (a
    malformed query is then refused by the store's own parser).

    >>> refuse_service('SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT ?x { ?s ?p ?o } } } }')
    Traceback (most recent call last):
        ...
    mapper.store.QueryRefused: SPARQL SERVICE clauses are refused: the store never queries another server
    >>> refuse_service('PREFIX service: <http://example.org/> ASK { service:a service:b "SERVICE" }')
    >>> refuse_service('SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mapper.store.QueryRefused: ...
    """
    if _MAY_NAME_SERVICE.search(query):
        check_query(query)


def check_query(query: str) -> None:
    """Raise :class:`~mapper.store.QuerySyntaxError` if ``query`` is not a SPARQL 1.1 query, and
    :class:`~mapper.store.QueryRefused` if it uses ``SERVICE``.

    The exact check: the query is parsed as Oxigraph reads it (:func:`mapper.store.parse.engine_reading`,
    once per text; a text that does not parse so is malformed) and, where that differs, as rdflib
    reads it as written; a SERVICE clause in either reading refuses it.

    >>> check_query('SELEC ?s')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mapper.store.QuerySyntaxError: malformed SPARQL query: Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}, found 'SELEC'...
    """
    if (engine_view(query) != query and _written_uses_service(query)) or engine_reading(query).uses_service:
        raise QueryRefused(SERVICE_REFUSED)


def _written_uses_service(query: str) -> bool:
    """Whether rdflib's own reading of the text (escapes expanded everywhere) has a SERVICE clause;
    a text it cannot read that way is judged by the engine's reading alone."""
    try:
        return parse_query(query).uses_service
    except QuerySyntaxError:
        return False


#: The keyword, or an escape (rdflib expands \\u and \\U anywhere in the text) that could spell it.
_MAY_NAME_SERVICE = re.compile(r"service|\\[uU]", re.IGNORECASE)
