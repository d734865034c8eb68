"""The OSCAL export on the real catalogue and the bundled examples, checked by compliance-trestle.

Every file written is read by trestle's pydantic models and passes ``trestle validate`` (all its
validators, duplicate UUIDs among them) in a trestle workspace; the catalog has a control per
measure with both languages; the assessment results have a finding per gap fscai counts, the
POA&M an item per planned item the market summary counts; the same input writes the same bytes,
and ``fscai export oscal`` over a store writes what the library writes in-process (but for the
order of a rule's conditions in a finding's why, which a store's GROUP_CONCAT decides).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from example_ubns import ubn_of
from rdflib import DCTERMS, URIRef
from test_trace import AS_OF, example_analyses, example_submissions
from trestle.oscal import OSCAL_VERSION as TRESTLE_OSCAL_VERSION
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.poam import PlanOfActionAndMilestones

from cli.export import export
from mapper.export.oscal import CATALOG_FILE, OSCAL_VERSION, file_names, planned_items, write_oscal
from mapper.export.oscal_base import in_order
from mapper.export.oscal_catalog import CATALOGUE_ISSUED
from mapper.graphs import institution_of, market_graph
from mapper.namespaces import FSC

#: File name prefix -> (trestle model, where a trestle workspace keeps a model of that type: its
#: directory, and the model's file name in its own directory there).
MODELS = {"catalog": (Catalog, "catalogs", "catalog.json"),
          "assessment-results": (AssessmentResults, "assessment-results", "assessment-results.json"),
          "poam": (PlanOfActionAndMilestones, "plan-of-action-and-milestones", "plan-of-action-and-milestones.json")}


def model_of(path: Path):
    return next(v for k, v in MODELS.items() if path.name.startswith(k))


@pytest.fixture(scope="module")
def examples():
    """(store, analyses) of the minimal submission and the bank, life-insurer and securities examples."""
    return example_analyses()


@pytest.fixture(scope="module")
def analyses(examples):
    return examples[1]


@pytest.fixture(scope="module")
def written(catalogue, analyses, tmp_path_factory):
    return write_oscal(catalogue, analyses, tmp_path_factory.mktemp("oscal") / "out")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def named(written, name: str) -> Path:
    return next(p for p in written if p.name == name)


def walk_groups(groups):
    for group in groups:
        yield group
        yield from walk_groups(group.get("groups", []))


def walk_parts(parts):
    for part in parts:
        yield part
        yield from walk_parts(part.get("parts", []))


def catalog_of(written) -> dict:
    return read(named(written, CATALOG_FILE))["catalog"]


def controls_of(catalog: dict) -> list[dict]:
    return [c for g in walk_groups(catalog["groups"]) for c in g.get("controls", [])]


def props(obj: dict, name: str) -> list[str]:
    return [p["value"] for p in obj.get("props", []) if p["name"] == name]


def planned_in_market(store, analysis) -> int:
    """The institution's planned (measure, subject) pairs as fscai's market summary counts them."""
    rows = store.select(f"SELECT (SUM(?n) AS ?planned) WHERE {{ GRAPH <{market_graph(institution_of(analysis.submission_graph))}> "
                        f"{{ ?record a <{FSC.MeasureAdoption}> ; <{FSC.plannedCount}> ?n }} }}")
    return int(rows[0]["planned"].toPython()) if rows and rows[0].get("planned") is not None else 0


# --- every file is OSCAL as trestle reads it ----------------------------------------------------


def test_the_oscal_version_is_the_one_trestle_reads():
    assert OSCAL_VERSION == TRESTLE_OSCAL_VERSION


def test_the_files_written_are_the_catalog_and_each_institutions(written, analyses, examples):
    expected = {CATALOG_FILE}
    for analysis in analyses:
        results, poam = file_names(analysis)
        expected.add(results)
        if planned_in_market(examples[0], analysis):
            expected.add(poam)
    assert {p.name for p in written} == expected and len(written) == len(expected)
    assert any(p.name.startswith("poam-") for p in written)
    assert all(p.exists() for p in written)


def test_every_file_reads_as_its_trestle_model(written):
    for path in written:
        model, _, _ = model_of(path)
        assert isinstance(model.oscal_read(path), model), path
        metadata = next(iter(read(path).values()))["metadata"]
        assert metadata["oscal-version"] == TRESTLE_OSCAL_VERSION


def test_trestle_validate_passes_every_file_in_a_workspace(written, tmp_path):
    trestle = Path(sys.executable).with_name("trestle")
    init = subprocess.run([str(trestle), "init"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert init.returncode == 0, init.stdout + init.stderr
    for path in written:
        _, directory, name = model_of(path)
        target = tmp_path / directory / path.stem / name
        target.parent.mkdir(parents=True)
        shutil.copyfile(path, target)
    result = subprocess.run([str(trestle), "validate", "-a"], cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert output.count("VALID: Model") == len(written) and "INVALID" not in output, output


# --- the catalog ----------------------------------------------------------------------------


def test_the_catalog_has_one_control_per_measure_and_assessable_main_concept(written, catalogue):
    controls = controls_of(catalog_of(written))
    assert len(catalogue.measures) == catalogue.counts()["measures"] == 93
    assert len(controls) == len(catalogue.assessables) == 97  # 93 measures, 4 main concepts assessed on their own
    labels = Counter(props(c, "label")[0] for c in controls)
    assert labels == Counter(m.notation for m in catalogue.assessables)
    assert all(n == 1 for n in labels.values())
    assert {c["id"] for c in controls} == {f"fsc-{m.notation}" for m in catalogue.assessables}
    concept = next(c for c in controls if c["id"] == "fsc-3.C.4")
    assert concept["class"] == "MainConcept" and props(concept, "modalKeyword") == ["宜"]


def test_the_catalog_is_dated_the_catalogues_issue_and_titled_its_source(written, ontology_graph, catalogue):
    issued = ontology_graph.value(URIRef(str(FSC).rstrip("#")), DCTERMS.issued)
    assert issued is not None and CATALOGUE_ISSUED == issued.toPython()
    metadata = catalog_of(written)["metadata"]
    assert metadata["last-modified"] == f"{issued}T00:00:00Z"
    source = catalogue.vocabulary.label(catalogue.measures[0].source.document)
    assert metadata["title"] == f"{source.zh} / {source.en}"
    assert "OSCAL has no language tag" in metadata["remarks"] and "OSCAL 無語言標記" in metadata["remarks"]


def test_a_measure_keeps_both_languages_and_its_judgements(written, catalogue):
    measure = catalogue.measure("2.1.3")
    control = next(c for c in controls_of(catalog_of(written)) if c["id"] == "fsc-2.1.3")
    statement = next(p for p in control["parts"] if p["name"] == "statement")
    translation = statement["parts"][0]
    assert (statement["id"], statement["class"], statement["prose"]) == ("fsc-2.1.3_smt", "zh-Hant", measure.label.zh)
    assert (translation["name"], translation["class"], translation["prose"]) == ("translation", "en", measure.label.en)
    assert control["title"] == f"{measure.label.zh} / {measure.label.en}"
    assert {"href": measure.iri, "rel": "canonical"} in control["links"]
    assert props(control, "stage") == [measure.stage.iri] and props(control, "stageInferred") == ["true"]
    assert props(control, "modality") == [str(FSC.Unmarked)]  # 2.1.3 has no modal word
    assert props(control, "section") == [measure.source.section]
    notes = [p["prose"] for p in control["parts"] if p["name"] == "note"]
    assert notes == list(measure.notes) and any(n.startswith("Judgement") for n in notes)
    mandatory = next(m for m in catalogue.measures if m.modal_keyword == "應")
    control = next(c for c in controls_of(catalog_of(written)) if c["id"] == f"fsc-{mandatory.notation}")
    assert props(control, "modalKeyword") == ["應"] and props(control, "modality") == [str(FSC.Mandatory)]


def test_chapters_and_sections_are_groups_and_other_statements_their_parts(written, catalogue):
    catalog = catalog_of(written)
    assert [g["id"] for g in catalog["groups"]] == [f"fsc-{c.notation}" for c in catalogue.chapters]
    sections = [g for g in walk_groups(catalog["groups"]) if g["class"] == "Section"]
    assert [g["id"] for g in sections] == [f"fsc-{s.notation}" for c in catalogue.chapters for s in c.sections]
    parts = [p for g in walk_groups(catalog["groups"]) for p in g.get("parts", [])]
    others = [s for s in catalogue.statements if not s.assessable]
    assert sorted(p["id"] for p in parts) == sorted(f"fsc-{s.notation}" for s in others)
    concept = next(s for s in others if s.kind == "MainConcept")
    part = next(p for p in parts if p["id"] == f"fsc-{concept.notation}")
    assert (part["name"], part["prose"], part["parts"][0]["prose"]) == ("MainConcept", concept.label.zh, concept.label.en)


def test_ids_are_unique_and_every_reference_resolves(written):
    catalog = catalog_of(written)
    groups = list(walk_groups(catalog["groups"]))
    controls = controls_of(catalog)
    parts = list(walk_parts([p for x in groups + controls for p in x.get("parts", [])]))
    ids = [x["id"] for x in groups + controls + parts]
    assert len(ids) == len(set(ids))
    statements = {p["id"] for p in parts if p["name"] == "statement"}
    for path in written:
        if path.name.startswith("assessment-results"):
            result = read(path)["assessment-results"]["results"][0]
            observations = {o["uuid"] for o in result.get("observations", [])}
            for finding in result.get("findings", []):
                assert finding["target"]["target-id"] in statements
                assert {r["observation-uuid"] for r in finding.get("related-observations", [])} <= observations
        elif path.name.startswith("poam"):
            poam = read(path)["plan-of-action-and-milestones"]
            risks = {r["uuid"] for r in poam["risks"]}
            assert all(r["risk-uuid"] in risks for item in poam["poam-items"] for r in item["related-risks"])


# --- assessment results and POA&M ------------------------------------------------------------


def test_a_finding_per_gap_fscai_counts(written, analyses):
    assert sum(len(a.gaps) for a in analyses) > 0
    for analysis in analyses:
        document = read(named(written, file_names(analysis)[0]))["assessment-results"]
        assert document["metadata"]["last-modified"] == f"{AS_OF.isoformat()}T00:00:00Z"
        assert document["import-ap"]["href"] and "No assessment plan" in document["import-ap"]["remarks"]
        findings = document["results"][0].get("findings", [])
        assert len(findings) == len(analysis.gaps)
        assert Counter(f["links"][0]["href"] for f in findings) == Counter(g.id for g in analysis.gaps)
        assert Counter(props(f, "gapKind")[0] for f in findings) == Counter(g.kind.iri for g in analysis.gaps)
        assert {f["target"]["status"]["state"] for f in findings} <= {"not-satisfied"}
        for finding, gap in zip(findings, in_order(analysis.gaps)):
            assert finding["target"]["target-id"] == f"fsc-{gap.measure.notation}_smt"
            assert props(finding, "subject") == [gap.subject]
            assert gap.measure.label.zh in finding["target"]["description"]
            assert gap.measure.label.en in finding["target"]["description"]
            assert gap.kind.label.zh in finding["title"] and gap.kind.label.en in finding["title"]


def test_evidence_a_gap_names_is_an_observation(written, analyses):
    bank = next(a for a in analyses if institution_of(a.submission_graph) == "83910461")
    evidence = {g.evidence for g in bank.gaps if g.evidence}
    assert evidence
    result = read(named(written, file_names(bank)[0]))["assessment-results"]["results"][0]
    observed = {e["href"] for o in result["observations"] for e in o["relevant-evidence"]}
    assert observed == evidence
    linked = [f for f in result["findings"] if f.get("related-observations")]
    assert len(linked) == sum(1 for g in bank.gaps if g.evidence)


def test_a_poam_item_per_planned_item_fscai_counts(written, analyses, examples):
    store = examples[0]
    assert sum(planned_in_market(store, a) for a in analyses) > 0
    for analysis in analyses:
        expected = planned_in_market(store, analysis)
        assert len(planned_items(analysis)) == expected
        path = next((p for p in written if p.name == file_names(analysis)[1]), None)
        if not expected:
            assert path is None
            continue
        poam = read(path)["plan-of-action-and-milestones"]
        items = poam["poam-items"]
        assert len(items) == expected
        assert "No system security plan" in poam["import-ssp"]["remarks"]
        assert sorted(props(i, "targetDate")[0] for i in items) == sorted(g.date for g in planned_items(analysis))
        assert {r["status"] for r in poam["risks"]} == {"open"}
        assert {m["lifecycle"] for r in poam["risks"] for m in r["remediations"]} == {"planned"}
        overdue = sum(1 for g in analysis.gaps if g.kind.iri == str(FSC.PlannedOverdue))
        assert sum(1 for i in items if "remarks" in i) == overdue


def test_exporting_twice_writes_the_same_bytes(written, catalogue, analyses, tmp_path):
    again = write_oscal(catalogue, analyses, tmp_path / "again")
    assert [p.name for p in again] == [p.name for p in written]
    for first, second in zip(written, again):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_one_institution_twice_is_refused(catalogue, analyses, tmp_path):
    with pytest.raises(ValueError, match="more than one analysis"):
        write_oscal(catalogue, [analyses[0], analyses[0]], tmp_path / "twice")
    assert not (tmp_path / "twice").exists()


# --- fscai export oscal -----------------------------------------------------------------------


def without_why(document: dict) -> dict:
    """An assessment results document without what depends on the order a store concatenates a
    rule's conditions in (``mapper/queries/applicability.rq``): each finding's why (its remarks),
    and the version and UUID digested from the content."""
    results = document["assessment-results"]
    for finding in results["results"][0].get("findings", []):
        finding.pop("remarks")
    results.pop("uuid"), results["metadata"].pop("version")
    return document


def test_fscai_export_oscal_from_a_store_writes_what_the_library_writes(fscai, written, tmp_path):
    url = f"oxigraph:{tmp_path / 'db'}"
    for files in example_submissions():
        loaded = fscai("load", "--institution", ubn_of(files), "--store", url, *map(str, files))
        assert loaded.exit_code == 0, loaded.output
    outs = [tmp_path / "oscal", tmp_path / "again"]
    for out in outs:
        result = CliRunner().invoke(export, ["oscal", "--out", str(out), "--store", url, "--as-of", AS_OF.isoformat()],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert result.stderr.count("已寫入 / wrote") == len(written)
    for path in written:
        first, second = (out / path.name for out in outs)
        assert first.read_bytes() == second.read_bytes(), path.name
        if path.name.startswith("assessment-results"):
            assert without_why(read(first)) == without_why(read(path)), path.name
        else:
            assert first.read_bytes() == path.read_bytes(), path.name
    assert sorted(p.name for p in outs[0].iterdir()) == sorted(p.name for p in written)


def test_fscai_export_oscal_catalogue_only(written, tmp_path):
    out = tmp_path / "catalogue-only"
    result = CliRunner().invoke(export, ["oscal", "--out", str(out), "--catalogue-only"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [CATALOG_FILE]
    assert (out / CATALOG_FILE).read_bytes() == named(written, CATALOG_FILE).read_bytes()
