"""OWL 2 DL consistency by HermiT: consistent on the real ontology, inconsistent on broken copies."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from mapper.catalogue.reasoner import hermit_check
from mapper.namespaces import FSC, FSCG


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def test_the_real_ontology_is_consistent(ontology_graph):
    result = hermit_check(ontology_graph)
    assert result.consistent and result.unsatisfiable == ()
    assert result.passed and "consistent" in result.explanation


def test_a_measure_that_is_also_a_main_concept_is_inconsistent(ontology_graph):
    broken = _copy(ontology_graph)
    broken.add((FSCG["measure-1.1.1"], RDF.type, FSC.MainConcept))
    result = hermit_check(broken)
    assert not result.consistent and not result.passed
    assert "inconsistent" in result.explanation


def test_a_section_in_two_principles_is_inconsistent(ontology_graph):
    broken = _copy(ontology_graph)
    broken.add((FSCG["section-2.1"], FSC.inChapter, FSCG["principle-3"]))
    assert not hermit_check(broken).consistent


def test_cli_check_reports_hermit_and_fails_on_an_inconsistent_copy(project_copy, fscai):
    ok = fscai("--root", str(project_copy), "ontology", "check")
    assert ok.exit_code == 0, ok.output
    assert "HermiT" in ok.output and "consistent" in ok.output
    path = project_copy / "ontology" / "catalogue" / "principle-1-governance.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\nfscg:measure-1.1.1 a fsc:MainConcept .\n", encoding="utf-8")
    broken = fscai("--root", str(project_copy), "ontology", "check")
    assert broken.exit_code == 1
    assert "inconsistent" in broken.output


def test_cli_says_clearly_when_java_is_missing(fscai, tmp_path):
    result = fscai("ontology", "check", env={"PATH": str(tmp_path)})
    assert result.exit_code == 3  # what the gate needs is unavailable (cli.options.ExitCode)
    assert "Java" in result.output and "HermiT" in result.output
