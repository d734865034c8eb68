"""Serialize pyoxigraph results with the row cap; pyoxigraph writes every format.

The row cap (``FSCAI_SPARQL_MAX_ROWS``) means reading at most N+1 solutions to know whether there
were more, and pyoxigraph can only serialize a whole, unread ``QuerySolutions``. So the rows that
are kept are written as SPARQL 1.1 JSON by :func:`_json_results` (the one serializer written by
hand here, because of that): that is the answer when JSON is asked for (the default); for XML, CSV
and TSV pyoxigraph reads it back and writes the format. A cut result says so in-band where the
format has a place for it (the ``link`` of the JSON and XML heads, SPARQL 1.1 Results §3.1 / XML
§2.2) and in the ``X-FSCAI-Truncated`` response header.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> for i in range(3):
...     store.add(ox.Quad(ox.NamedNode(f"http://example.org/{i}"), ox.NamedNode("http://example.org/p"), ox.Literal(str(i))))
>>> out = serialize(store.query("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"), "csv", max_rows=2)
>>> out.body.decode().split(), out.truncated
(['s', 'http://example.org/0', 'http://example.org/1'], True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from mapper.namespaces import PREFIXES

#: Where a truncated result points (SPARQL results ``link``): the README section on limits.
TRUNCATED_LINK = "https://w3id.org/fscai/sparql#truncated"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Serialized:
    body: bytes
    rows: int
    truncated: bool


def serialize(results: Any, fmt: str, *, max_rows: int) -> Serialized:
    """Write query results (solutions, a boolean or triples) as ``fmt``, at most ``max_rows``."""
    if isinstance(results, ox.QueryBoolean):
        return Serialized(results.serialize(format=RESULT_FORMATS[fmt]), 1, False)
    if isinstance(results, ox.QuerySolutions):
        return _solutions(results, fmt, max_rows)
    triples = list(islice(results, max_rows + 1))
    truncated = len(triples) > max_rows
    kept = triples[:max_rows]
    rdf_format = RDF_FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    body = ox.serialize(kept, format=rdf_format, prefixes=prefixes) if kept else _empty_graph(rdf_format)
    return Serialized(body, len(kept), truncated)


def _empty_graph(rdf_format: ox.RdfFormat) -> bytes:
    if rdf_format == ox.RdfFormat.JSON_LD:
        return b"[]"
    if rdf_format == ox.RdfFormat.RDF_XML:
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    return b""


def _solutions(solutions: ox.QuerySolutions, fmt: str, max_rows: int) -> Serialized:
    variables = [v.value for v in solutions.variables]
    kept = list(islice(solutions, max_rows + 1))
    truncated = len(kept) > max_rows
    kept = kept[:max_rows]
    document = _json_results(variables, kept)
    if fmt == "json":
        if truncated:
            document["head"]["link"] = [TRUNCATED_LINK]
        return Serialized(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                          len(kept), truncated)
    reparsed = ox.parse_query_results(json.dumps(document, ensure_ascii=False).encode("utf-8"),
                                      format=ox.QueryResultsFormat.JSON)
    body = reparsed.serialize(format=RESULT_FORMATS[fmt])
    if truncated:
        body = _mark_truncated(body, fmt)
    return Serialized(body, len(kept), truncated)


def _json_results(variables: list[str], solutions: list[ox.QuerySolution]) -> dict:
    """SPARQL 1.1 Query Results JSON (§3) of ``solutions``."""
    bindings = []
    for solution in solutions:
        row = {}
        for name, term in zip(variables, solution):
            if term is not None:
                row[name] = _json_term(term)
        bindings.append(row)
    return {"head": {"vars": variables}, "results": {"bindings": bindings}}


def _json_term(term: Any) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
            if term.direction is not None:
                value["its:dir"] = str(term.direction).rsplit(".", 1)[-1].lower()
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unexpected RDF term {term!r}")


def _mark_truncated(body: bytes, fmt: str) -> bytes:
    """Add the truncation link to the head of XML results (CSV/TSV have no place for it)."""
    if fmt == "xml":
        link = f'<link href="{TRUNCATED_LINK}"/>'.encode()
        if b"<head/>" in body:
            return body.replace(b"<head/>", b"<head>" + link + b"</head>", 1)
        return body.replace(b"</head>", link + b"</head>", 1)
    return body
