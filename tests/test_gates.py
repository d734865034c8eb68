"""The ontology's quality gates pass on the real ontology, and each one fails on a broken copy."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from mapper.catalogue.gates import run_gates, shape_gate, violation_gate
from mapper.namespaces import FSC, FSCG

FSCR = Namespace("https://w3id.org/fscai/rules/draft/")
from mapper.catalogue.ontology import parse_turtle_files


def test_every_gate_passes_on_the_real_ontology(ontology_graph, layout):
    reports = run_gates(ontology_graph, layout)
    assert [r.gate for r in reports if not r.passed] == []
    assert len(reports) == len(layout.check_shapes_files()) + len(layout.violation_queries()) == 14


def _drop(graph, subject, predicate, lang=None):
    for value in list(graph.objects(subject, predicate)):
        if lang is None or getattr(value, "language", None) == lang:
            graph.remove((subject, predicate, value))


def _set(graph, subject, predicate, value):
    graph.set((subject, predicate, value))


def _locator(graph, subject):
    return graph.value(subject, DCTERMS.source)


M = FSCG["measure-2.1.3"]
BREAKS = {
    # gate file -> (what breaks, the edit, the term the gate must name)
    "catalogue.shapes.ttl#source": (lambda g: _drop(g, M, DCTERMS.source), M),
    "catalogue.shapes.ttl#english": (lambda g: _drop(g, FSCG["measure-1.1.1"], RDFS.label, "en"), FSCG["measure-1.1.1"]),
    "catalogue.shapes.ttl#section": (lambda g: _drop(g, M, FSC.inSection), M),
    "catalogue.shapes.ttl#notation": (lambda g: _drop(g, FSCG["section-3.2"], SKOS.notation), FSCG["section-3.2"]),
    "catalogue.shapes.ttl#principle": (lambda g: _set(g, FSCG["section-2.1"], FSC.inChapter, FSCG["chapter-general"]),
                                       FSCG["section-2.1"]),
    "catalogue.shapes.ttl#locator": (lambda g: _drop(g, _locator(g, M), FSC.document), M),
    "rules.shapes.ttl#rule": (lambda g: _drop(g, FSCR["rule-2.3.1"], FSC.ruleFor), FSCG["measure-2.3.1"]),
    "rules.shapes.ttl#condition": (lambda g: _drop(g, FSCR["generative"], RDFS.label, "en"), FSCR["generative"]),
    "measure-chapter-mismatch-violation.rq": (lambda g: _set(g, M, FSC.inChapter, FSCG["principle-3"]), M),
    "locator-mismatch-violation.rq": (lambda g: _set(g, _locator(g, M), FSC.stageColumn, FSCG["stage-deployment-monitoring"]), M),
    "duplicate-notation-violation.rq": (lambda g: _set(g, FSCG["measure-1.1.2"], SKOS.notation, Literal("1.1.1")),
                                        FSCG["measure-1.1.2"]),
    "inferred-without-note-violation.rq": (lambda g: _drop(g, FSCG["measure-1.1.1"], SKOS.editorialNote), FSCG["measure-1.1.1"]),
    "editorial-note-language-violation.rq": (lambda g: _drop(g, FSCG["measure-1.1.1"], SKOS.editorialNote, "zh-Hant"),
                                             FSCG["measure-1.1.1"]),
    "stage-not-inferred-violation.rq": (lambda g: _drop(g, M, FSC.stageInferred), M),
    "modal-keyword-not-in-label-violation.rq": (lambda g: _set(g, FSCG["measure-1.1.2"], FSC.modalKeyword, Literal("宜")),
                                                FSCG["measure-1.1.2"]),
    "modality-keyword-mismatch-violation.rq": (lambda g: _set(g, FSCG["measure-G.3.1"], FSC.modality, FSC.Advisory),
                                               FSCG["measure-G.3.1"]),
    "zh-text-whitespace-violation.rq": (lambda g: (_drop(g, M, RDFS.label, "zh-Hant"),
                                                   g.add((M, RDFS.label, Literal("提供 救濟管道", lang="zh-Hant")))), M),
    "en-text-cjk-violation.rq": (lambda g: (_drop(g, M, RDFS.label, "en"),
                                            g.add((M, RDFS.label, Literal("Provide 救濟管道", lang="en")))), M),
    "notation-order-mismatch-violation.rq": (lambda g: _set(g, M, FSC.order, Literal(7)), M),
    "term-not-in-statement-violation.rq": (lambda g: (_drop(g, FSCG["risk-factor-customer-facing"], RDFS.label, "zh-Hant"),
                                                      g.add((FSCG["risk-factor-customer-facing"], RDFS.label,
                                                             Literal("是否面向客戶", lang="zh-Hant")))),
                                           FSCG["risk-factor-customer-facing"]),
}


def _run_gate(gate_file: str, graph, layout):
    path = layout.checks_dir / gate_file
    if gate_file.endswith(".rq"):
        return violation_gate(graph, path.read_text(encoding="utf-8"), gate_file)
    return shape_gate(graph, parse_turtle_files([path]), gate_file)


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_each_gate_fails_on_a_broken_copy(case, ontology_graph, layout):
    gate_file = case.split("#")[0]
    edit, offender = BREAKS[case]
    broken = ontology_graph.__class__()
    for triple in ontology_graph:
        broken.add(triple)
    assert _run_gate(gate_file, broken, layout).passed
    edit(broken)
    report = _run_gate(gate_file, broken, layout)
    assert not report.passed
    assert str(offender) in {f.term for f in report.failures}
    assert all(f.property for f in report.failures if gate_file.endswith(".rq"))


def test_every_gate_file_has_a_must_fail_twin(layout):
    gate_files = {p.name for p in layout.check_shapes_files() + layout.violation_queries()}
    assert gate_files == {case.split("#")[0] for case in BREAKS}


def test_shape_failures_carry_bilingual_messages(ontology_graph, layout):
    broken = ontology_graph.__class__()
    for triple in ontology_graph:
        broken.add(triple)
    _drop(broken, M, DCTERMS.source)
    report = _run_gate("catalogue.shapes.ttl", broken, layout)
    message = next(f.message for f in report.failures if f.term == str(M))
    assert "出處" in message and "structured source" in message


def test_cli_check_fails_on_a_broken_file_copy(project_copy, fscai):
    path = project_copy / "ontology" / "catalogue" / "principle-2-fairness.ttl"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"Provide channels of redress"@en', '"提供救濟管道"@en')
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    result = fscai("--root", str(project_copy), "ontology", "check", "--no-reasoner")
    assert result.exit_code == 1
    assert "FAIL" in result.output and "measure-2.1.3" in result.output
    assert "en-text-cjk-violation.rq" in result.output


assert BNode and URIRef  # imported for readers extending BREAKS
