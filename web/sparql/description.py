"""The SPARQL 1.1 Service Description (W3C Recommendation 2013) of ``/sparql``.

Served on a ``GET /sparql`` without a query, as Turtle unless ``Accept`` asks for N-Triples,
JSON-LD or RDF/XML. It says what the endpoint speaks (SPARQL 1.1 Query, the result formats), its
features (the default graph is the union of the graphs the caller may read), its limits (as
``fsq:`` properties and a bilingual comment), and the dataset *the caller* may query: the named
graphs its token reads.
"""

from __future__ import annotations

from typing import Sequence

import pyoxigraph as ox

from web.access import Principal
from web.sparql.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
FSQ = "https://w3id.org/fscai/sparql#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"sd": SD, "formats": FORMATS, "fsq": FSQ, "rdfs": RDFS, "dct": DCT, "xsd": XSD}

_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                   "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def describe(endpoint: str, principal: Principal, graphs: Sequence[str], settings: Settings) -> list[ox.Triple]:
    """The service description triples for a caller who may read ``graphs``."""
    service = ox.NamedNode(endpoint)
    triples: list[ox.Triple] = []

    def add(subject, predicate: str, obj) -> None:
        triples.append(ox.Triple(subject, ox.NamedNode(predicate), obj))

    add(service, RDF_TYPE, ox.NamedNode(SD + "Service"))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    for name in _RESULT_FORMATS:
        add(service, SD + "resultFormat", ox.NamedNode(FORMATS + name))
    add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    add(service, DCT + "title", ox.Literal("金融業運用AI指引合規地圖 SPARQL 端點", language="zh-Hant"))
    add(service, DCT + "title", ox.Literal("FSC AI guideline compliance map: SPARQL endpoint", language="en"))
    add(service, RDFS + "comment", ox.Literal(
        f"唯讀：不接受 SPARQL Update 及 SERVICE；每一查詢時限 {settings.timeout_s:g} 秒（可以 timeout 參數縮短），"
        f"最多回傳 {settings.max_rows} 列（超過即截斷，並以 X-FSCAI-Truncated 標頭標示）。", language="zh-Hant"))
    add(service, RDFS + "comment", ox.Literal(
        f"Read-only: SPARQL Update and SERVICE are refused; every query has a deadline of {settings.timeout_s:g} s "
        f"(a timeout parameter may lower it) and returns at most {settings.max_rows} rows (more are cut, and the "
        "X-FSCAI-Truncated header says so).", language="en"))
    add(service, FSQ + "timeoutSeconds", ox.Literal(f"{settings.timeout_s:g}", datatype=ox.NamedNode(XSD + "decimal")))
    add(service, FSQ + "maxRows", ox.Literal(str(settings.max_rows), datatype=ox.NamedNode(XSD + "integer")))
    add(service, FSQ + "maxQueryBytes", ox.Literal(str(settings.max_query_bytes), datatype=ox.NamedNode(XSD + "integer")))
    add(service, FSQ + "accessRole", ox.Literal(principal.label))

    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE, ox.NamedNode(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", default)
    add(default, RDF_TYPE, ox.NamedNode(SD + "Graph"))
    add(default, RDFS + "comment", ox.Literal("呼叫者可讀之具名圖之聯集", language="zh-Hant"))
    add(default, RDFS + "comment", ox.Literal("the union of the named graphs the caller may read", language="en"))
    for index, graph in enumerate(graphs):
        named = ox.BlankNode(f"graph{index}")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF_TYPE, ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(graph))
    return triples
