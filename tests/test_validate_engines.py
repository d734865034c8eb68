"""The fast engine (Rust SHACL Core + SPARQL on Oxigraph) gives pySHACL's results, case for case.

pySHACL is the reference: every shape test case in ``tests/shapes/cases`` and every example
submission under ``data/examples`` is validated by both engines, and the raw results (focus
node, path, source shape, severity, value, constraint component, blank nodes included) and the
:class:`~mapper.validate.Finding` records must be equal. Speed is measured by
``bench/bench_analysis.py``, never here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from mapper.graphs import CATALOGUE_GRAPH
from mapper.load import catalogue_terms_from_files, load_submission, parse_submission
from mapper.namespaces import SH
from mapper.store import open_store
from mapper.validate import Validator, load_shapes, validate, validate_institution
from mapper.validate.fast import FastEngine
from mapper.validate.sparql import split

REPO = Path(__file__).resolve().parents[1]
CASES = sorted((REPO / "tests" / "shapes" / "cases").glob("*.test.ttl"))
EXAMPLES = REPO / "data" / "examples"
#: one submission per directory, plus each Turtle file directly under data/examples
SUBMISSIONS = sorted([p for p in EXAMPLES.iterdir() if p.is_dir()] + list(EXAMPLES.glob("*.ttl")))


def shape_cases():
    """The shape suite's own module (its case reader), imported from its file."""
    import importlib.util
    import sys

    if "test_shape_cases" not in sys.modules:
        spec = importlib.util.spec_from_file_location("test_shape_cases", REPO / "tests" / "shapes" / "test_shape_cases.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["test_shape_cases"] = module
        spec.loader.exec_module(module)
    return sys.modules["test_shape_cases"]


def raw_results(report: Graph) -> Counter:
    return Counter((report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.sourceShape),
                    report.value(r, SH.resultSeverity), report.value(r, SH.value),
                    report.value(r, SH.sourceConstraintComponent))
                   for r in report.subjects(RDF.type, SH.ValidationResult))


@pytest.fixture(scope="module")
def shapes(layout) -> Graph:
    return load_shapes(layout)


@pytest.fixture(scope="module")
def engines(ontology_graph, shapes) -> dict[str, Validator]:
    return {name: Validator(catalogue=ontology_graph, shapes=shapes, engine=name) for name in ("pyshacl", "fast")}


def assert_same(reference, fast) -> None:
    assert raw_results(fast.results) == raw_results(reference.results)
    assert fast.findings == reference.findings
    assert fast.conforms == reference.conforms


def test_the_glob_found_every_case():
    assert len(CASES) >= 172
    assert len(SUBMISSIONS) >= 4


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name.removesuffix(".test.ttl"))
def test_both_engines_agree_on_the_shape_case(path, engines):
    data = shape_cases().read_case(path).data
    assert_same(engines["pyshacl"].validate(data), engines["fast"].validate(data))


def _files(submission: Path) -> list[Path]:
    return sorted(submission.rglob("*.ttl")) if submission.is_dir() else [submission]


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_both_engines_agree_on_the_example(submission, layout, engines):
    terms = catalogue_terms_from_files(layout.ontology_files())
    data = parse_submission(_files(submission), catalogue_terms=terms).graph
    reference, fast = engines["pyshacl"].validate(data), engines["fast"].validate(data)
    assert_same(reference, fast)


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_validating_in_the_store_gives_the_same_findings(submission, ontology_graph, shapes):
    """The fast path reads the store's graphs in place; pySHACL copies them out."""
    store = open_store("memory:")
    try:
        store.replace_graph(CATALOGUE_GRAPH, ontology_graph.serialize(format="nt", encoding="utf-8"))
        loaded = load_submission(store, _files(submission))
        reference = validate_institution(store, loaded.ubn, shapes=shapes, engine="pyshacl")
        fast = validate_institution(store, loaded.ubn, shapes=shapes)
        assert fast.graph_iri == reference.graph_iri == loaded.graph_iri
        assert_same(reference, fast)
    finally:
        store.close()


def test_a_broken_submission_gives_the_same_findings_on_both(ontology_graph, shapes):
    from test_validate import broken_text

    data = Graph().parse(data=broken_text(), format="turtle")
    reference = validate(data, catalogue=ontology_graph, shapes=shapes, engine="pyshacl")
    fast = validate(data, catalogue=ontology_graph, shapes=shapes)
    assert len(fast.findings) == 3
    assert_same(reference, fast)


ARCHITECT_SHAPES = """
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix fsc:  <https://w3id.org/fscai/def#> .
@prefix ex:   <https://example.org/shapes#> .
ex: sh:declare [ sh:prefix "fsc" ; sh:namespace "https://w3id.org/fscai/def#"^^xsd:anyURI ] .
# a property shape with $PATH: a system's purpose must not repeat its label
ex:PurposeIsNotTheName a sh:PropertyShape ; sh:targetClass fsc:AISystem ; sh:path fsc:purpose ;
    sh:severity sh:Info ; sh:message "The purpose {?value} repeats the name."@en ;
    sh:sparql [ sh:prefixes ex: ; sh:select
        "SELECT $this ?value WHERE { $this $PATH ?value . $this <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (STR(?l) = STR(?value)) }" ] .
# nested in a node shape: left to the Core engine, which evaluates it the slow way
ex:NamedSystems a sh:NodeShape ; sh:targetClass fsc:AISystem ;
    sh:property [ sh:path fsc:purpose ; sh:sparql [ sh:prefixes ex: ; sh:select
        "SELECT $this ?value WHERE { $this fsc:purpose ?value FILTER (STRLEN(STR(?value)) < 3) }" ] ] .
"""


def test_architects_sparql_shapes_agree_and_nested_ones_stay_with_the_core_engine(ontology_graph, shapes):
    extended = Graph()
    extended += shapes
    extended.parse(data=ARCHITECT_SHAPES, format="turtle")
    core, sparql = split(extended)
    assert {str(c.shape) for c in sparql} == {"https://w3id.org/fscai/shapes#Submission-noDuplicateStatements",
                                             "https://w3id.org/fscai/shapes#Institution-unifiedBusinessNumberCheckDigit",
                                             "https://w3id.org/fscai/shapes#Evidence-issuedBySubmission",
                                             "https://example.org/shapes#PurposeIsNotTheName"}
    assert len(list(core.objects(None, SH.sparql))) == 1  # the nested one
    data = Graph().parse(data="""
        @prefix fsc: <https://w3id.org/fscai/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://bank.example/s1> a fsc:AISystem ; rdfs:label "Chatbot" ; fsc:purpose "Chatbot" .
        <https://bank.example/s2> a fsc:AISystem ; rdfs:label "Scoring" ; fsc:purpose "ab" .
        [] a fsc:AISystem ; rdfs:label "Anonymous" ; fsc:purpose "Anonymous" .
        """, format="turtle")
    reference = validate(data, catalogue=ontology_graph, shapes=extended, engine="pyshacl")
    fast = validate(data, catalogue=ontology_graph, shapes=extended)
    kinds = {str(f.shape).rsplit("#", 1)[1] for f in fast.findings}
    assert {"PurposeIsNotTheName", "NamedSystems"} <= kinds
    assert_same(reference, fast)


def test_the_engine_compiles_the_shapes_once_and_is_reusable(ontology_graph, shapes):
    engine = Validator(catalogue=ontology_graph, shapes=shapes)
    assert isinstance(engine._fast, FastEngine)
    first = engine.validate(Graph().parse(data=broken_text_graph(), format="turtle"))
    second = engine.validate(Graph().parse(data=broken_text_graph(), format="turtle"))
    assert [f.shape for f in first.findings] == [f.shape for f in second.findings]
    assert engine.validate(Graph()).findings == ()


def broken_text_graph() -> str:
    from test_validate import broken_text

    return broken_text()


def test_an_unknown_engine_is_refused(ontology_graph, shapes):
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        Validator(catalogue=ontology_graph, shapes=shapes, engine="jena")


def test_blank_nodes_are_named_as_in_the_data(layout, engines):
    """The Rust engine renumbers blank nodes; the fast engine maps them back to the data's labels.

    The bank's risk-factor assessments are blank nodes; three lose their level, a system uses a
    blank-node "vendor" that is not a fsc:Vendor, and the submission node becomes a blank node
    without a date (focus nodes first seen as objects, as subjects, and a value)."""
    files = _files(EXAMPLES / "bank")
    terms = catalogue_terms_from_files(layout.ontology_files())
    data = parse_submission(files, catalogue_terms=terms).graph
    from rdflib import BNode, Literal
    from rdflib.namespace import DCTERMS, RDFS

    from mapper.namespaces import FSC

    levels = sorted(data.subject_objects(FSC.level), key=lambda so: str(so[0]))[:3]
    for node, level in levels:
        assert isinstance(node, BNode)
        data.remove((node, FSC.level, level))
    system = sorted(data.subjects(RDF.type, FSC.AISystem), key=str)[0]
    stranger = BNode()
    data.add((system, FSC.usesVendor, stranger))
    data.add((stranger, RDFS.label, Literal("某顧問公司", lang="zh-Hant")))
    [submission] = data.subjects(RDF.type, FSC.Submission)
    anonymous = BNode()
    for p, o in list(data.predicate_objects(submission)):
        data.remove((submission, p, o))
        if p != DCTERMS.issued:
            data.add((anonymous, p, o))
    reference, fast = engines["pyshacl"].validate(data), engines["fast"].validate(data)
    blank = [f for f in fast.findings if f.focus.startswith("_:") or (f.value or "").startswith("_:")]
    assert {f.focus for f in blank} >= {f"_:{node}" for node, _ in levels} | {f"_:{anonymous}"}
    assert any(f.value == f"_:{stranger}" for f in blank)
    assert_same(reference, fast)


def test_reports_of_two_validations_merge_without_sharing_nodes(ontology_graph, shapes):
    validator = Validator(catalogue=ontology_graph, shapes=shapes)
    data = Graph().parse(data=broken_text_graph(), format="turtle")
    merged = Graph()
    for _ in range(2):
        merged += validator.validate(data).results
    assert len(set(merged.subjects(RDF.type, SH.ValidationReport))) == 2
    assert len(set(merged.subjects(RDF.type, SH.ValidationResult))) == 6
