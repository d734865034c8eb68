"""mapper.validate and ``fscai validate`` on the hand-written example submission and broken copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from cli.validate import validate_command
from mapper.graphs import CATALOGUE_GRAPH
from mapper.layout import project_layout
from mapper.load import load_submission
from mapper.namespaces import FSC, FSCG, FSCS, SH
from mapper.store import open_store
from mapper.validate import (
    NoCatalogue,
    UnknownInstitution,
    Validator,
    load_shapes,
    render_json,
    render_text,
    render_turtle,
    validate,
    validate_graph,
    validate_institution,
)

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "minimal-submission.ttl"
EX = "https://bank.example/fscai/"
BANK = EX + "bank"
GRAPH_IRI = "https://w3id.org/fscai/graph/submission/12345675/2025-06-30"

#: Three defects, each against a different part of the guideline.
BREAKAGES = [
    # the risk-management policy loses its issue date (evidence: principle 1, main concepts)
    ('    dct:issued "2025-01-15"^^xsd:date ;\n', ""),
    # the system no longer says which lifecycle stage it reached (general chapter, G.2)
    ("    fsc:stageReached fscg:stage-deployment-monitoring ;\n", ""),
    # a measure is now "planned" but has no target date (general chapter, G.4)
    ("    fsc:status fsc:Implemented ;\n", "    fsc:status fsc:Planned ;\n"),
]
EXPECTED_BROKEN = {
    ("Violation", EX + "ai-risk-policy", str(DCTERMS.issued), str(FSCS["Evidence-issued"]), str(FSCG["principle-1"])),
    ("Violation", EX + "assistant", str(FSC.stageReached), str(FSCS["AISystem-stageReached"]), str(FSCG["section-G.2"])),
    ("Violation", EX + "statement-2.1.3", None, str(FSCS["ConformanceStatement-plannedNeedsTargetDate"]),
     str(FSCG["section-G.4"])),
}


def broken_text() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in BREAKAGES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(project_layout(REPO))


@pytest.fixture(scope="module")
def example() -> Graph:
    return Graph().parse(EXAMPLE, format="turtle")


@pytest.fixture(scope="module")
def broken() -> Graph:
    return Graph().parse(data=broken_text(), format="turtle")


@pytest.fixture()
def broken_file(tmp_path) -> Path:
    path = tmp_path / "broken-submission.ttl"
    path.write_text(broken_text(), encoding="utf-8")
    return path


# --- validate_graph ---------------------------------------------------------------------------


def test_the_example_conforms_with_no_finding_at_all(example, ontology_graph, shapes):
    assert validate_graph(example, catalogue=ontology_graph, shapes=shapes) == []


def test_the_broken_copy_gives_one_finding_per_defect(broken, ontology_graph, shapes):
    findings = validate_graph(broken, catalogue=ontology_graph, shapes=shapes)
    assert {(f.severity, f.focus, f.path, f.shape, f.section) for f in findings} == EXPECTED_BROKEN
    for f in findings:
        assert f.message_zh != f.message_en
        assert any("\u4e00" <= c <= "\u9fff" for c in f.message_zh), f.message_zh
        assert f.message_en.isascii(), f.message_en
        assert f.section_label_zh and f.section_label_en
    by_shape = {f.shape.rsplit("#", 1)[1]: f for f in findings}
    assert by_shape["AISystem-stageReached"].focus_label == "智能客服助理"
    assert by_shape["AISystem-stageReached"].section_label_zh == "總則 › G.2 AI系統生命週期"
    assert by_shape["Evidence-issued"].focus_label == "人工智慧風險管理政策"
    assert by_shape["ConformanceStatement-plannedNeedsTargetDate"].message_zh.startswith("落實狀態為規劃中")


def test_findings_are_sorted_violations_first(ontology_graph, shapes):
    data = Graph().parse(data=broken_text(), format="turtle")
    data.remove((URIRef(BANK), FSC.training, None))  # adds a warning
    findings = validate_graph(data, catalogue=ontology_graph, shapes=shapes)
    assert [f.severity for f in findings] == ["Violation"] * 3 + ["Warning"]


def test_validation_does_not_modify_its_inputs(broken, ontology_graph, shapes):
    before_data, before_catalogue = len(broken), len(ontology_graph)
    validator = Validator(catalogue=ontology_graph, shapes=shapes)
    first = validator.validate(broken)
    second = validator.validate(broken)
    assert first.findings == second.findings
    assert validator.validate(Graph()).findings == ()
    assert (len(broken), len(ontology_graph)) == (before_data, before_catalogue)


def test_the_catalogue_decides_what_a_measure_is(example, ontology_graph, shapes):
    """Without the catalogue merged in, the statements' measures are not fsc:Measure."""
    vocabulary = Graph().parse(REPO / "ontology" / "submission.ttl")
    vocabulary.parse(REPO / "ontology" / "core.ttl")
    findings = validate_graph(example, catalogue=vocabulary, shapes=shapes)
    assert {f.shape.rsplit("#", 1)[1] for f in findings} >= {"ConformanceStatement-measure", "AISystem-stageReached"}


def test_a_new_shape_file_takes_effect_with_no_code_change(tmp_path, example, ontology_graph):
    shutil.copytree(REPO / "shapes", tmp_path / "shapes")
    (tmp_path / "shapes" / "architect.shapes.ttl").write_text("""
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix fsc:  <https://w3id.org/fscai/def#> .
@prefix fscg: <https://w3id.org/fscai/guideline/draft/> .
<https://example.org/shapes#Vendor-exitPlanIsAssessed> a sh:PropertyShape ;
    sh:targetClass fsc:Vendor ; sh:path fsc:exitPlan ; sh:class fsc:VendorAssessment ;
    sh:severity sh:Info ;
    sh:message "退出或轉換機制宜經評估。"@zh-Hant , "The exit plan should be assessed."@en ;
    dct:source [ a fsc:SourceLocator ; fsc:document fscg:document ; fsc:chapter fscg:chapter-general ;
                 fsc:section fscg:section-G.5 ] .
""", encoding="utf-8")
    validation = validate(example, catalogue=ontology_graph, shapes=load_shapes(tmp_path))
    assert validation.conforms  # an Info does not make a submission non-conforming
    [finding] = validation.findings
    assert (finding.severity, finding.focus, finding.section) == ("Info", EX + "cloud-vendor", str(FSCG["section-G.5"]))
    assert finding.message_zh == "退出或轉換機制宜經評估。"


# --- reports ------------------------------------------------------------------------------------


def test_text_report_is_bilingual_zh_first_and_cites_sections(broken, ontology_graph, shapes):
    text = render_text(validate(broken, catalogue=ontology_graph, shapes=shapes, graph_iri=GRAPH_IRI))
    lines = text.splitlines()
    assert lines[0] == "驗證結果：不符合（3 項違規、0 項警告、0 項資訊）"
    assert lines[1] == "Result: does not conform (3 violations, 0 warnings, 0 infos)"
    assert f"<{GRAPH_IRI}>" in lines[2]
    assert "[違規 Violation] 「智能客服助理」 <https://bank.example/fscai/assistant>" in text
    zh = text.index("AI系統須恰有一個已達生命週期階段")
    en = text.index("An AI system must have exactly one lifecycle stage reached")
    assert zh < en
    assert "依據 / Guideline: 總則 › G.2 AI系統生命週期 / General provisions › G.2 AI-system lifecycle" in text
    assert "依據 / Guideline: 建立治理及問責機制（主要概念） / Establishing governance" in text


def test_json_and_turtle_reports(broken, ontology_graph, shapes):
    validation = validate(broken, catalogue=ontology_graph, shapes=shapes, graph_iri=GRAPH_IRI)
    document = json.loads(render_json(validation))
    assert document["conforms"] is False and document["graph"] == GRAPH_IRI
    assert document["counts"] == {"Violation": 3, "Warning": 0, "Info": 0}
    assert {f["section"] for f in document["findings"]} == {s for *_, s in EXPECTED_BROKEN}
    report = Graph().parse(data=render_turtle(validation), format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    assert len(set(report.subjects(RDF.type, SH.ValidationResult))) == 3


# --- the store ------------------------------------------------------------------------------


def _store_with_example(url: str, ontology_graph, extra: list[Path] = ()):
    store = open_store(url)
    store.replace_graph(CATALOGUE_GRAPH, ontology_graph.serialize(format="nt", encoding="utf-8"))
    load_submission(store, [EXAMPLE])
    for path in extra:
        load_submission(store, [path])
    return store


def test_validate_institution_takes_the_newest_submission(tmp_path, ontology_graph, shapes):
    newer = tmp_path / "newer.ttl"
    newer.write_text(broken_text().replace('"2025-06-30"^^xsd:date', '"2025-09-30"^^xsd:date'), encoding="utf-8")
    store = _store_with_example("memory:", ontology_graph, [newer])
    try:
        by_iri = validate_institution(store, BANK, shapes=shapes)
        by_ubn = validate_institution(store, "12345675", shapes=shapes)
        assert by_iri.graph_iri == by_ubn.graph_iri == "https://w3id.org/fscai/graph/submission/12345675/2025-09-30"
        assert not by_iri.conforms and by_iri.findings == by_ubn.findings
        store.drop_graph(by_iri.graph_iri)
        older = validate_institution(store, BANK, shapes=shapes)
        assert older.graph_iri == GRAPH_IRI and older.conforms and older.findings == ()
        with pytest.raises(UnknownInstitution):
            validate_institution(store, "https://bank.example/other", shapes=shapes)
        with pytest.raises(UnknownInstitution):
            validate_institution(store, "87654321", shapes=shapes)
        store.drop_graph(CATALOGUE_GRAPH)
        with pytest.raises(NoCatalogue):
            validate_institution(store, BANK, shapes=shapes)
    finally:
        store.close()


# --- the CLI ----------------------------------------------------------------------------------


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    ctx.obj = project_layout(REPO)


cli.add_command(validate_command)


@pytest.fixture()
def invoke():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["validate", *args], catch_exceptions=False)

    return run


def test_cli_exit_0_when_the_files_conform(invoke):
    result = invoke(str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("驗證結果：符合（0 項違規、0 項警告、0 項資訊）\nResult: conforms")
    assert GRAPH_IRI in result.stdout


def test_cli_exit_1_with_bilingual_findings_citing_sections(invoke, broken_file):
    result = invoke(str(broken_file))
    assert result.exit_code == 1
    out = result.stdout
    assert "[違規 Violation] 「智能客服助理」 <https://bank.example/fscai/assistant>" in out  # zh-Hant name first
    assert "落實狀態為規劃中（fsc:Planned）者，須以 fsc:targetDate 載明目標日期。" in out
    assert "A statement whose status is planned (fsc:Planned) must give its target date (fsc:targetDate)." in out
    assert "總則 › G.4 以風險為基礎落實核心原則 / General provisions › G.4" in out
    assert "規則 / Shape: fscs:ConformanceStatement-plannedNeedsTargetDate" in out


def test_cli_json_and_ttl_formats(invoke, broken_file):
    result = invoke(str(broken_file), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert {(f["severity"], f["focus"], f["path"], f["shape"], f["section"]) for f in document["findings"]} == EXPECTED_BROKEN
    result = invoke(str(broken_file), "--format", "ttl")
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    assert len(set(report.subjects(RDF.type, SH.ValidationResult))) == 3


def test_cli_exit_2_on_a_file_the_loader_refuses(invoke, tmp_path):
    bad = tmp_path / "bad.ttl"
    text = EXAMPLE.read_text(encoding="utf-8").replace('dct:issued "2025-06-30"', 'dct:issued "2025-02-30"', 1)
    bad.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "2025-02-30" in row)
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{bad}:{line}:"), result.stderr


def test_cli_exit_2_on_bad_usage(invoke):
    assert invoke().exit_code == 2
    assert invoke(str(EXAMPLE), "--institution", BANK).exit_code == 2


def test_cli_institution_in_the_store(invoke, tmp_path, ontology_graph):
    url = f"oxigraph:{tmp_path / 'store'}"
    _store_with_example(url, ontology_graph).close()
    result = invoke("--institution", BANK, "--store", url)
    assert result.exit_code == 0, result.output
    assert GRAPH_IRI in result.stdout
    result = invoke("--institution", "https://bank.example/nobody", "--store", url, "--format", "json")
    assert result.exit_code == 2
    assert "https://bank.example/nobody" in result.stderr and result.stdout == ""
