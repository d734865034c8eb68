"""``fscai catalogue diff``: what changed between two revisions of the guideline catalogue.

tests/fixtures/revisions/r1.ttl and r2.ttl are two small made-up revisions (TEST FIXTURES, not the
FSC's text), each in its own namespace; between them one measure is added, one removed, one
reworded, one moved and one has its modal keyword changed. The diff must find exactly those.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from mapper.catalogue.diff import Changes, SourceError, compare, diff_sources, read_revision
from mapper.catalogue.render import render_json, render_text

REVISIONS = Path(__file__).resolve().parent / "fixtures" / "revisions"
R1, R2 = str(REVISIONS / "r1.ttl"), str(REVISIONS / "r2.ttl")
REPO = Path(__file__).resolve().parents[1]

ADDED = ("2.1.3", "測試措施庚：應於上線前通知客戶")
REMOVED = ("1.1.3", "測試措施丙：可保存處理紀錄")
REWORDED = ("1.1.2", "測試措施乙：宜定期檢視模型", "測試措施乙：宜每季檢視模型")
MOVED = ("1.2.2", "1.2", "2.1.2", "2.1", "測試措施戊：宜向使用者說明系統用途")
MODAL = "測試措施丁：應建立應變程序，並宜定期演練"


@pytest.fixture(scope="module")
def r1_r2(layout):
    return diff_sources(R1, R2, layout)


def test_r1_to_r2_finds_exactly_the_planned_changes(r1_r2):
    changes = r1_r2.changes
    assert [(m.notation, m.label.zh) for m in changes.added] == [ADDED]
    assert [(m.notation, m.label.zh) for m in changes.removed] == [REMOVED]
    assert [(p.new.notation, p.old.label.zh, p.new.label.zh) for p in changes.reworded] == [REWORDED]
    assert [(p.old.notation, p.old.section.notation, p.new.notation, p.new.section.notation, p.new.label.zh)
            for p in changes.moved] == [MOVED]
    assert [(c.pair.old.notation, c.pair.new.notation, c.pair.new.label.zh, c.aspect, c.before, c.after)
            for c in changes.changed] == [("1.2.1", "1.2.1", MODAL, "modality", "Advisory", "Mandatory"),
                                          ("1.2.1", "1.2.1", MODAL, "modal_keyword", "宜", "應")]
    assert (r1_r2.old_measures, r1_r2.new_measures) == (6, 6)


def test_measures_are_matched_across_namespaces(r1_r2):
    """The revisions mint their IRIs in different namespaces; matching is by notation and text."""
    moved = r1_r2.changes.moved[0]
    assert moved.old.iri.startswith("https://w3id.org/fscai/guideline/fixture-r1/")
    assert moved.new.iri.startswith("https://w3id.org/fscai/guideline/fixture-r2/")
    assert r1_r2.changes.reworded[0].old.iri != r1_r2.changes.reworded[0].new.iri


def test_both_identities_are_reported(r1_r2):
    old, new = r1_r2.old, r1_r2.new
    assert (old.source, new.source) == (R1, R2)
    assert old.title.en == "TEST FIXTURE document r1 (not the FSC's text)" and "r2" in new.title.zh
    assert old.document == "https://w3id.org/fscai/guideline/fixture-r1/document"
    assert (old.version_iri, new.version_iri) == ("https://w3id.org/fscai/guideline/fixture-r1/1.0.0",
                                                  "https://w3id.org/fscai/guideline/fixture-r2/2.0.0")
    assert (old.issued, new.issued) == ("2026-01-15", "2026-03-01")


def test_a_revision_against_itself_finds_nothing(layout):
    same = diff_sources(R1, R1, layout)
    assert same.changes.empty and same.changes == Changes() and same.old_measures == 6


def test_the_projects_catalogue_against_itself_finds_nothing(layout):
    for old, new in (("installed", "installed"), ("installed", str(REPO / "ontology" / "catalogue"))):
        same = diff_sources(old, new, layout)
        assert same.changes == Changes(), (old, new)
        assert same.old_measures == same.new_measures > 80
    assert same.old.version_iri and same.new.version_iri is None  # the header is in ontology/header.ttl


def test_a_directory_holding_only_the_catalogue_is_read_whole(layout):
    """ontology/catalogue/ alone names its sections' classes; the project's vocabulary says they are sections."""
    alone = read_revision(str(REPO / "ontology" / "catalogue"), layout).catalogue
    installed = read_revision("installed", layout).catalogue
    assert all(m.section for m in alone.measures)
    assert alone.measures == installed.measures


def test_compare_reports_a_stage_and_a_translation_changed(layout):
    old = read_revision(R1, layout).catalogue
    m = old.measure("2.1.1")
    edited = replace(m, stage=None, label=replace(m.label, en="Test measure F, translated anew"))
    new = replace(old, statements=tuple(edited if s is m else s for s in old.statements))
    changes = compare(old, new)
    assert [(c.pair.new.notation, c.aspect, c.before, c.after) for c in changes.changed] == [
        ("2.1.1", "stage", "S1", None),
        ("2.1.1", "translation", "Test measure F: the sources of data should be examined",
         "Test measure F, translated anew")]
    assert not (changes.added or changes.removed or changes.reworded or changes.moved)


def test_two_measures_that_swap_numbers_are_both_moved(layout):
    old = read_revision(R1, layout).catalogue
    a, b = old.measure("1.1.1"), old.measure("1.1.2")
    swapped = {a.notation: replace(a, notation=b.notation), b.notation: replace(b, notation=a.notation)}
    new = replace(old, statements=tuple(swapped.get(s.notation, s) for s in old.statements))
    changes = compare(old, new)
    assert sorted((p.old.notation, p.new.notation) for p in changes.moved) == [("1.1.1", "1.1.2"), ("1.1.2", "1.1.1")]
    assert not (changes.added or changes.removed or changes.reworded)


# The command ---------------------------------------------------------------------------------------


def test_cli_text(fscai):
    result = fscai("catalogue", "diff", R1, R2)
    assert result.exit_code == 0
    out = result.output
    assert "舊版 / old: 測試用夾具文件 r1（非金管會指引文字） / TEST FIXTURE document r1 (not the FSC's text)" in out
    assert "https://w3id.org/fscai/guideline/fixture-r2/2.0.0" in out and "2026-03-01" in out
    assert "新增 / added (1)\n  2.1.3 [應] 測試措施庚：應於上線前通知客戶" in out
    assert "刪除 / removed (1)\n  1.1.3 [可] 測試措施丙：可保存處理紀錄" in out
    assert "舊 / old: 測試措施乙：宜定期檢視模型" in out and "新 / new: 測試措施乙：宜每季檢視模型" in out
    assert "1.2.2 → 2.1.2 (節 / section 1.2 → 2.1) 測試措施戊：宜向使用者說明系統用途" in out
    assert "1.2.1 規範用語 / modal keyword: 宜 → 應" in out
    assert "無差異" not in out


def test_cli_json(fscai):
    result = fscai("catalogue", "diff", R1, R2, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["counts"] == {"added": 1, "removed": 1, "reworded": 1, "moved": 1, "changed": 2}
    assert (data["old"]["version_iri"], data["new"]["issued"]) == (
        "https://w3id.org/fscai/guideline/fixture-r1/1.0.0", "2026-03-01")
    assert data["new"]["title"]["en"] == "TEST FIXTURE document r2 (not the FSC's text)"
    assert [(m["notation"], m["label"]["zh-Hant"]) for m in data["added"]] == [ADDED]
    assert [(m["notation"], m["label"]["zh-Hant"]) for m in data["removed"]] == [REMOVED]
    assert [(p["new"]["notation"], p["old"]["label"]["zh-Hant"], p["new"]["label"]["zh-Hant"])
            for p in data["reworded"]] == [REWORDED]
    assert [(p["old"]["notation"], p["old"]["section"], p["new"]["notation"], p["new"]["section"],
             p["new"]["label"]["zh-Hant"]) for p in data["moved"]] == [MOVED]
    assert [(c["new"]["notation"], c["aspect"], c["before"], c["after"]) for c in data["changed"]] == [
        ("1.2.1", "modality", "Advisory", "Mandatory"), ("1.2.1", "modal_keyword", "宜", "應")]


def test_cli_csv(fscai):
    result = fscai("catalogue", "diff", R1, R2, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["change"], r["old_notation"], r["new_notation"], r["aspect"], r["before"], r["after"])
            for r in rows] == [
        ("removed", "1.1.3", "", "", "", ""),
        ("added", "", "2.1.3", "", "", ""),
        ("reworded", "1.1.2", "1.1.2", "text", REWORDED[1], REWORDED[2]),
        ("moved", "1.2.2", "2.1.2", "", "", ""),
        ("changed", "1.2.1", "1.2.1", "modality", "Advisory", "Mandatory"),
        ("changed", "1.2.1", "1.2.1", "modal_keyword", "宜", "應")]
    assert rows[3]["old_section"] == "1.2" and rows[3]["new_section"] == "2.1" and rows[3]["label_zh"] == MOVED[-1]


def test_cli_markdown(fscai):
    result = fscai("catalogue", "diff", R1, R2, "--format", "md")
    assert result.exit_code == 0
    md = result.output
    assert md.startswith("# 指引目錄差異 / Catalogue diff\n")
    assert "| 版本 IRI version IRI | https://w3id.org/fscai/guideline/fixture-r1/1.0.0 | " \
           "https://w3id.org/fscai/guideline/fixture-r2/2.0.0 |" in md
    assert "## 新增 / Added (1)" in md and "| 2.1.3 | 應 | 測試措施庚：應於上線前通知客戶 |" in md
    assert "## 刪除 / Removed (1)" in md and "| 1.1.3 | 可 | 測試措施丙：可保存處理紀錄 |" in md
    assert "| 1.2.2 | 2.1.2 | 1.2 | 2.1 | 測試措施戊：宜向使用者說明系統用途 / " in md
    assert "| 1.2.1 | 規範用語 / modal keyword | 宜 | 應 |" in md


def test_cli_no_differences_still_exits_zero(fscai):
    text = fscai("catalogue", "diff", R1, R1)
    assert text.exit_code == 0 and "無差異 / no differences" in text.output and "新增" not in text.output
    data = json.loads(fscai("catalogue", "diff", R1, R1, "--format", "json").output)
    assert set(data["counts"].values()) == {0} and data["old"]["version_iri"] == data["new"]["version_iri"]
    assert fscai("catalogue", "diff", R1, R1, "--format", "csv").output.splitlines() == [
        "change,old_notation,new_notation,old_section,new_section,aspect,before,after,label_zh,label_en"]


def test_a_missing_source_is_a_bilingual_error_naming_it(fscai, tmp_path):
    missing = tmp_path / "no-such-revision.ttl"
    result = fscai("catalogue", "diff", R1, str(missing))
    assert result.exit_code == 2
    assert f"error: 找不到目錄來源 / catalogue source not found: {missing}" in result.stderr
    assert "新增" not in result.stdout


def test_an_unparseable_source_is_an_error_naming_the_file_and_line(fscai, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix fsc: <https://w3id.org/fscai/def#> .\nfsc:a fsc:b .\n", encoding="utf-8")
    result = fscai("catalogue", "diff", str(bad), R2)
    assert result.exit_code == 2
    assert f"{bad}:2: 不是有效的 Turtle / not valid Turtle" in result.stderr


def test_a_source_without_measures_is_refused(layout, tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("@prefix fsc: <https://w3id.org/fscai/def#> .\nfsc:a fsc:b fsc:c .\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no fsc:Measure"):
        read_revision(str(empty), layout)
    folder = tmp_path / "no-turtle-here"
    folder.mkdir()
    with pytest.raises(SourceError, match=r"no Turtle file \(\*\.ttl\)"):
        read_revision(str(folder), layout)


def test_catalogue_without_a_subcommand_is_unchanged(fscai, layout):
    from mapper.catalogue.ontology import catalogue_graph
    from mapper.catalogue.records import read_catalogue

    cat = read_catalogue(catalogue_graph(layout))
    assert fscai("catalogue").output == render_text(cat)
    assert fscai("catalogue", "--format", "json").output == render_json(cat)
    assert fscai("catalogue", "--format", "md").output.startswith("# 金融業運用人工智慧(AI)指引草案：建議措施目錄")
