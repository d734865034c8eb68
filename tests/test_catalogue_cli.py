"""``fscai catalogue`` in every format, and the release into dist/."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph

EXPECTED_PER_CHAPTER = {"G": 6, "1": 8, "2": 15, "3": 13, "4": 25, "5": 18, "6": 8}


@pytest.fixture(scope="module")
def catalogue_json():
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["catalogue", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    return json.loads(result.output)


def test_json_has_the_guidelines_structure(catalogue_json):
    counts = catalogue_json["counts"]
    assert (counts["principles"], counts["stages"], counts["risk_factors"], counts["oversight_modes"],
            counts["higher_risk_controls"]) == (6, 4, 6, 3, 4)
    assert len(catalogue_json["principles"]) == 6 and len(catalogue_json["stages"]) == 4
    assert len(catalogue_json["risk_factors"]) == 6 and len(catalogue_json["oversight_modes"]) == 3
    assert len(catalogue_json["higher_risk_controls"]) == 4
    assert counts["measures_by_chapter"] == EXPECTED_PER_CHAPTER
    assert counts["measures"] == len(catalogue_json["measures"]) == sum(EXPECTED_PER_CHAPTER.values())
    assert [s["label"]["zh-Hant"] for s in catalogue_json["stages"]] == [
        "系統規劃及設計", "資料蒐集及輸入", "模型建立及驗證", "系統佈署及監控"]


def test_every_measure_in_json_is_complete(catalogue_json):
    for m in catalogue_json["measures"]:
        assert m["label"]["zh-Hant"] and m["label"]["en"], m["notation"]
        assert m["notation"] and m["section"]["notation"] and m["chapter"]["notation"]
        assert m["source"]["document"].endswith("/document") and m["source"]["section"] == m["section"]["iri"]
        assert m["modality"] in {"Mandatory", "Advisory", "Permissive", "Unmarked"}
        assert (m["modality"] == "Unmarked") == (m["modal_keyword"] is None), m["notation"]
        if m["chapter"]["notation"] != "G":
            assert m["principle"] == m["chapter"]["notation"]
        if m["stage"]:
            assert m["stage_inferred"] and m["source"]["stage_column"] == m["stage"]["iri"] and m["editorial_notes"]


def test_text_tree_is_bilingual_with_counts(fscai):
    result = fscai("catalogue")
    assert result.exit_code == 0
    assert "重視公平性及以人為本的價值觀 / Upholding fairness and human-centric values" in result.output
    assert "S1 系統規劃及設計 / System planning and design" in result.output
    assert "measures=93" in result.output


def test_csv_has_one_row_per_measure(fscai):
    rows = list(csv.DictReader(io.StringIO(fscai("catalogue", "--format", "csv").output)))
    assert len(rows) == 93
    assert {r["notation"] for r in rows} >= {"G.3.1", "2.1.10", "5.1.4", "5.2.4"}


def test_markdown_and_turtle(fscai):
    md = fscai("catalogue", "--format", "md").output
    assert "## 4 確保系統穩健性與安全性 / Ensuring system robustness and security" in md
    assert md.count("\n| ") - md.count("\n| 編號") == 93
    ttl = Graph().parse(data=fscai("catalogue", "--format", "ttl").output, format="turtle")
    assert len(ttl) > 3000


def test_an_architects_new_measure_appears_with_no_code_change(project_copy, fscai):
    path = project_copy / "ontology" / "catalogue" / "principle-6-sustainability.ttl"
    path.write_text(path.read_text(encoding="utf-8") + """
fscg:measure-6.2.4 a owl:NamedIndividual , fsc:Measure ;
    skos:notation "6.2.4" ; rdfs:label "測試用措施"@zh-Hant , "A measure added by an architect"@en ;
    fsc:inChapter fscg:principle-6 ; fsc:inSection fscg:section-6.2 ; fsc:order 4 ; fsc:modality fsc:Advisory ;
    dct:source [ a fsc:SourceLocator ; fsc:document fscg:document ; fsc:chapter fscg:principle-6 ;
                 fsc:section fscg:section-6.2 ] .
""", encoding="utf-8")
    data = json.loads(fscai("--root", str(project_copy), "catalogue", "--format", "json").output)
    assert data["counts"]["measures"] == 94
    assert any(m["notation"] == "6.2.4" and m["label"]["en"] == "A measure added by an architect" for m in data["measures"])


def test_release_writes_four_serialisations_and_bilingual_html(fscai, tmp_path):
    out = tmp_path / "dist"
    result = fscai("ontology", "release", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert names == {"ontology.ttl", "ontology.nt", "ontology.jsonld", "ontology.rdf", "ontology.html",
                     "catalogue.json", "catalogue.csv", "catalogue.md"}
    sizes = set()
    for name, fmt in (("ontology.ttl", "turtle"), ("ontology.nt", "nt"), ("ontology.jsonld", "json-ld"),
                      ("ontology.rdf", "xml")):
        sizes.add(len(Graph().parse(out / name, format=fmt)))
    assert len(sizes) == 1 and sizes.pop() > 3000
    html = (out / "ontology.html").read_text(encoding="utf-8")
    assert "建議措施" in html and "measure" in html and "核心原則" in html and "core principle" in html
    assert "<script src=\"http" not in html and "<link href=\"http" not in html
