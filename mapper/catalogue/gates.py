"""Quality gates over the ontology itself: SHACL shapes and zero-row ``*-violation`` queries.

Like the OBO Ontology Development Kit, each check is a file under ``ontology/checks/``: a
``*.shapes.ttl`` whose results must be empty and ``NAME-violation.rq`` queries that must return
zero rows, each row naming the offending term and the evidence (property, value). Adding a check
is adding a file.

>>> reports = run_gates(catalogue_graph())
>>> all(r.passed for r in reports), len(reports) > 5
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph
import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF

from mapper.catalogue.ontology import catalogue_graph, parse_turtle_files  # noqa: F401 (doctest)
from mapper.layout import Layout, project_layout
from mapper.namespaces import SH
from mapper.rq import read_rq


@dataclass(frozen=True, order=True)
class GateFailure:
    """One offending term and the evidence: the property and value at fault."""

    term: str
    property: str
    value: str
    message: str = ""


@dataclass(frozen=True)
class GateReport:
    gate: str
    failures: tuple[GateFailure, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _message(results: Graph, result) -> str:
    # Compared without case: stores such as Oxigraph lower-case language tags (zh-hant).
    messages = {(m.language or "").lower(): str(m) for m in results.objects(result, SH.resultMessage)}
    return " / ".join(messages[lang] for lang in ("zh-hant", "en", "") if lang in messages)


def shape_gate(graph: Graph, shapes: Graph, name: str = "shapes") -> GateReport:
    """Validate the ontology with the check shapes; every result is a failure."""
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none",
                                     allow_warnings=False, do_owl_imports=False)
    failures = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        failures.append(GateFailure(
            term=str(results.value(result, SH.focusNode)),
            property=str(results.value(result, SH.resultPath) or ""),
            value=str(results.value(result, SH.value) or ""),
            message=_message(results, result),
        ))
    return GateReport(name, tuple(sorted(failures)))


def oxigraph_copy(graph: Graph) -> pyoxigraph.Store:
    """The graph in an in-memory Oxigraph store (its default graph), to run SPARQL fast."""
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _value(term) -> str:
    return term.value if term is not None else ""


def violation_gate(graph: Graph | pyoxigraph.Store, query: str, name: str) -> GateReport:
    """Run one ``*-violation`` query: every row (term, property, value) is a failure."""
    store = graph if isinstance(graph, pyoxigraph.Store) else oxigraph_copy(graph)
    failures = tuple(sorted(
        GateFailure(_value(row["term"]), _value(row["property"]), _value(row["value"])) for row in store.query(query)
    ))
    return GateReport(name, failures)


def run_gates(graph: Graph, layout: Layout | None = None) -> list[GateReport]:
    """Every shape file and violation query under ``ontology/checks/``, in file order."""
    layout = layout or project_layout()
    reports = [shape_gate(graph, parse_turtle_files([path]), path.name) for path in layout.check_shapes_files()]
    store = oxigraph_copy(graph)
    reports += [violation_gate(store, read_rq(path).text, path.name)
                for path in layout.violation_queries()]
    return reports
