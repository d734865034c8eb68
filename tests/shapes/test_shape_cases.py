"""Self-describing test cases for the submission shapes in ``shapes/``.

As in pySHACL's own suite (which follows the W3C SHACL test suite), each
``cases/*.test.ttl`` file holds one case: a manifest node (``mf:Manifest`` -> one
``sht:Validate`` entry) stating the expected validation report, and the data graph, which
is everything else in the file. Unlike those suites the shapes are not in the file: every
case is validated with the project's real shapes (``shapes/*.ttl``) and the real catalogue
(``ontology/**/*.ttl``), so a case breaks when a shape or the catalogue changes behaviour;
``sht:shapesGraph fsct:ProjectShapes`` in the manifest says so.

The expected report is matched exactly: every expected ``sh:result`` (focus node, result
path, source shape, severity, and ``sh:value`` and ``sh:sourceConstraintComponent`` where
given) must be reported, and nothing else may be. ``sh:conforms`` means "no sh:Violation" (warnings and infos are allowed), the
project's reading of a conforming submission. A positive case (no expected result) names
the shapes it exercises with ``fsct:exercises``; each must have a focus node in the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from mapper.namespaces import FSC, FSCG, SH
from mapper.validate import Validator, load_shapes

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
FSCT = Namespace("https://w3id.org/fscai/test#")

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.test.ttl"))
#: The glob must find at least this many cases (raise it when adding cases).
MIN_CASES = 172


@dataclass(frozen=True)
class Expected:
    focus: Node
    path: Node | None
    shape: Node
    severity: Node
    value: Node | None
    component: Node | None = None

    def show(self) -> str:
        value = f" value={self.value.n3()}" if self.value is not None else ""
        path = self.path.n3() if self.path is not None else "-"
        component = f" component={self.component.n3()}" if self.component is not None else ""
        return f"{self.severity.n3()} {self.shape.n3()} focus={self.focus.n3()} path={path}{value}{component}"

    def matches(self, actual: "Expected") -> bool:
        """Same focus, path, shape and severity; same value and component where expected."""
        return ((actual.focus, actual.path, actual.shape, actual.severity)
                == (self.focus, self.path, self.shape, self.severity)
                and (self.value is None or actual.value == self.value)
                and (self.component is None or actual.component == self.component))


@dataclass(frozen=True)
class Case:
    name: str
    data: Graph
    conforms: bool
    results: tuple[Expected, ...]
    exercises: frozenset[Node]


def _subgraph(graph: Graph, roots: list[Node]) -> set[tuple[Node, Node, Node]]:
    """The triples about ``roots`` and the blank nodes they reach (the manifest part)."""
    seen: set[Node] = set()
    todo = list(roots)
    triples = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            triples.add(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return triples


@lru_cache(maxsize=None)
def read_case(path: Path) -> Case:
    graph = Graph().parse(path, format="turtle")
    manifests = list(graph.subjects(RDF.type, MF.Manifest))
    assert len(manifests) == 1, f"{path.name}: expected one mf:Manifest, found {len(manifests)}"
    entries = list(Collection(graph, graph.value(manifests[0], MF.entries)))
    assert len(entries) == 1, f"{path.name}: expected one manifest entry, found {len(entries)}"
    entry = entries[0]
    assert (entry, RDF.type, SHT.Validate) in graph, f"{path.name}: the entry is not a sht:Validate"
    report = graph.value(entry, MF.result)
    conforms = graph.value(report, SH.conforms)
    assert isinstance(conforms, Literal), f"{path.name}: the report has no sh:conforms"
    results = tuple(
        Expected(graph.value(r, SH.focusNode), graph.value(r, SH.resultPath), graph.value(r, SH.sourceShape),
                 graph.value(r, SH.resultSeverity) or SH.Violation, graph.value(r, SH.value),
                 graph.value(r, SH.sourceConstraintComponent))
        for r in graph.objects(report, SH.result))
    manifest_triples = _subgraph(graph, [manifests[0], entry])
    data = Graph()
    for triple in graph:
        if triple not in manifest_triples:
            data.add(triple)
    return Case(name=str(graph.value(entry, MF.name)), data=data, conforms=bool(conforms.toPython()),
                results=results, exercises=frozenset(graph.objects(entry, FSCT.exercises)))


@pytest.fixture(scope="module")
def shapes(layout) -> Graph:
    return load_shapes(layout)


@pytest.fixture(scope="module")
def validator(ontology_graph, shapes) -> Validator:
    return Validator(catalogue=ontology_graph, shapes=shapes)


def named_shapes(shapes: Graph) -> set[Node]:
    """Every shape with an IRI: the units that carry a message, a severity and a source."""
    found = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        found |= {s for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    for target in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf):
        found |= {s for s in shapes.subjects(target, None) if isinstance(s, URIRef)}
    return found


def focus_nodes(shapes: Graph, shape: Node, data: Graph, ontology: Graph) -> set[Node]:
    """The focus nodes of ``shape``'s own targets in ``data`` (classes by rdfs:subClassOf*)."""
    nodes: set[Node] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in set(ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}:
            nodes |= set(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes |= set(data.objects(None, prop))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes |= set(data.subjects(prop, None))
    nodes |= set(shapes.objects(shape, SH.targetNode))
    return nodes


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name.removesuffix(".test.ttl"))
def test_case(path: Path, validator: Validator, shapes: Graph, ontology_graph: Graph) -> None:
    case = read_case(path)
    assert case.name == path.name.removesuffix(".test.ttl"), "mf:name must match the file name"
    validation = validator.validate(case.data)
    report = validation.results
    actual = [Expected(report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.sourceShape),
                       report.value(r, SH.resultSeverity), report.value(r, SH.value),
                       report.value(r, SH.sourceConstraintComponent))
              for r in report.subjects(RDF.type, SH.ValidationResult)]
    remaining = list(actual)
    missing = []
    for expected in case.results:
        match = next((a for a in remaining if expected.matches(a)), None)
        if match is None:
            missing.append(expected)
        else:
            remaining.remove(match)
    assert not missing and not remaining, (
        "expected but not reported:\n  " + ("\n  ".join(e.show() for e in missing) or "(none)")
        + "\nreported but not expected:\n  " + ("\n  ".join(a.show() for a in remaining) or "(none)"))
    assert validation.conforms == case.conforms
    for shape in case.exercises:
        assert (shape, None, None) in shapes, f"{shape} is not a shape in shapes/"
        assert focus_nodes(shapes, shape, case.data, ontology_graph), (
            f"the positive case exercises {shape.n3()} but its data has no focus node for it")


def test_the_glob_found_the_cases(shapes: Graph) -> None:
    everything = named_shapes(shapes)
    assert len(CASE_FILES) >= MIN_CASES
    assert len(CASE_FILES) >= 2 * len(everything), "at least a positive and a negative case per shape"


def test_every_shape_has_a_negative_and_a_positive_case(shapes: Graph) -> None:
    everything = named_shapes(shapes)
    cases = [read_case(p) for p in CASE_FILES]
    negative = {r.shape for c in cases for r in c.results}
    positive = {s for c in cases if not c.results for s in c.exercises}
    assert not everything - negative, f"shapes no negative case reaches: {sorted(everything - negative)}"
    assert not everything - positive, f"shapes no positive case exercises: {sorted(everything - positive)}"
    assert not (negative | positive) - everything, "cases cite shapes that do not exist"


def test_every_shape_is_documented(shapes: Graph, ontology_graph: Graph) -> None:
    """Each shape: a severity, sh:message in zh-Hant and en, and a dct:source locator
    citing the guideline (document, a chapter of the catalogue, and a section if any)."""
    problems = []
    for shape in sorted(named_shapes(shapes)):
        if shapes.value(shape, SH.severity) not in (SH.Violation, SH.Warning, SH.Info):
            problems.append(f"{shape}: no sh:severity")
        languages = {(m.language or "").lower() for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)}
        if not {"zh-hant", "en"} <= languages:
            problems.append(f"{shape}: sh:message languages {sorted(map(str, languages))}")
        locators = list(shapes.objects(shape, DCTERMS.source))
        own = shapes.value(shape, FSC.origin) in (FSC.OriginProjectDefinition, FSC.OriginProjectDefault)
        if not locators and not own:
            problems.append(f"{shape}: no dct:source (nor fsc:origin saying the check is fscai's own)")
        for locator in locators:
            chapter, section = shapes.value(locator, FSC.chapter), shapes.value(locator, FSC.section)
            if (locator, RDF.type, FSC.SourceLocator) not in shapes or shapes.value(locator, FSC.document) != FSCG.document:
                problems.append(f"{shape}: dct:source is not a fsc:SourceLocator of fscg:document")
            if chapter is None or (chapter, RDF.type, None) not in ontology_graph:
                problems.append(f"{shape}: cites no chapter of the catalogue ({chapter})")
            if section is not None and (section, FSC.inChapter, chapter) not in ontology_graph:
                problems.append(f"{shape}: section {section} is not in chapter {chapter}")
    assert not problems, "\n".join(problems)
