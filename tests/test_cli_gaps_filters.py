"""``fscai gaps --kind/--principle/--subject`` (issue 18): the filters narrow the gap list only;
every count stays the institution's. Kinds are the ontology's ``fsc:GapKind`` codes, read from
the store's catalogue: a kind the Turtle adds is accepted with no code change."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from mapper.catalogue.install import read_layout
from mapper.gaps import read_gap_kinds

REPO = Path(__file__).resolve().parents[1]
BANK = REPO / "data" / "examples" / "bank"
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
AS_OF = ("--as-of", "2026-11-25")
BANK_IRI = "https://bank.example.tw/fscai/bank"
NEW_KIND = """
fsc:SecondOpinionMissing a fsc:GapKind ; fsc:order 99 ;
    rdfs:label "缺第二意見"@zh-Hant , "second opinion missing"@en ;
    skos:definition "測試用之缺口類型。"@zh-Hant , "A gap kind for the test."@en .
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = f"oxigraph:{tmp_path_factory.mktemp('filters') / 'store'}"
    loaded = run("load", "--institution", "83910461", "--store", url, str(BANK))
    assert loaded.exit_code == 0, loaded.stderr
    return url


def gaps(store, *args: str, fmt: str = "csv"):
    result = run("gaps", "--store", store, *AS_OF, "--format", fmt, *args)
    assert result.exit_code == 0, result.stderr
    return result


def rows(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_each_filter_lists_only_what_it_asks(store):
    every = rows(gaps(store))
    assert len({r["gap_kind"] for r in every}) > 2 and len({r["principle_notation"] for r in every}) > 2
    for kind in {r["gap_kind"] for r in every}:
        listed = rows(gaps(store, "--kind", kind))
        assert listed == [r for r in every if r["gap_kind"] == kind]
    for principle in {r["principle_notation"] for r in every}:
        assert rows(gaps(store, "--principle", principle)) == [r for r in every if r["principle_notation"] == principle]
    assert rows(gaps(store, "--subject", BANK_IRI)) == [r for r in every if r["subject"] == BANK_IRI]
    both = rows(gaps(store, "--kind", "Partial", "--principle", "2"))
    assert both == [r for r in every if r["gap_kind"] == "Partial" and r["principle_notation"] == "2"] != []


def test_comma_lists_repeated_options_and_spellings_agree(store):
    every = rows(gaps(store))
    wanted = [r for r in every if r["gap_kind"] in ("Partial", "NoStatement")]
    assert rows(gaps(store, "--kind", "Partial,NoStatement")) == wanted
    assert rows(gaps(store, "--kind", "Partial", "--kind", "NoStatement")) == wanted
    assert rows(gaps(store, "--kind", "partial", "--kind", "fsc:NoStatement")) == wanted
    assert rows(gaps(store, "--principle", "2,G")) == [r for r in every if r["principle_notation"] in ("2", "G")]
    assert rows(gaps(store, "--principle", "g")) == [r for r in every if r["principle_notation"] == "G"]


def test_the_counts_stay_the_institutions_totals(store):
    every = gaps(store, fmt="json")
    some = gaps(store, "--kind", "Partial", fmt="json")
    [whole], [narrow] = json.loads(every.stdout)["institutions"], json.loads(some.stdout)["institutions"]
    assert narrow["totals"] == whole["totals"] and narrow["summary"] == whole["summary"]
    assert 0 < len(narrow["gaps"]) < len(whole["gaps"]) == whole["totals"]["gap_records"]
    assert {g["gap_kind"] for g in narrow["gaps"]} == {"Partial"}
    # the summary table on stderr is the same; stderr says what the filter left and that counts are totals
    text_all, text_some = gaps(store, fmt="text"), gaps(store, "--kind", "Partial", fmt="text")
    assert text_some.stderr.startswith(text_all.stderr)
    assert (f"listing {len(narrow['gaps'])} of {len(whole['gaps'])} gap records matching the filter; the summary "
            "and totals count every gap of the institution") in text_some.stderr
    count_line = [line for line in text_all.stdout.splitlines() if line.startswith("缺口：")]
    assert count_line and count_line[0] in text_some.stdout.splitlines()
    assert text_some.stdout.count("缺口 / Gap:") == len(narrow["gaps"])


def test_report_narrows_its_list_the_same_way(store):
    whole = json.loads(run("report", "--store", store, *AS_OF, "--format", "json", "--no-validate").stdout)
    narrow = json.loads(run("report", "--store", store, *AS_OF, "--format", "json", "--no-validate",
                            "--principle", "6").stdout)
    assert narrow["institutions"][0]["totals"] == whole["institutions"][0]["totals"]
    assert [g for g in whole["institutions"][0]["gaps"] if g["principle_notation"] == "6"] == \
        narrow["institutions"][0]["gaps"] != []


def test_an_unknown_kind_is_a_bilingual_usage_error_listing_the_ontologys_kinds(store, layout):
    result = run("gaps", "--store", store, "--kind", "NoEvidence,Missing")
    assert result.exit_code == 2
    assert "未知的缺口類型 / unknown gap kind 'Missing'" in result.stderr
    for kind in read_layout(read_gap_kinds, layout).values():
        assert f"{kind.code} {kind.label.zh} / {kind.label.en}" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_an_unknown_principle_or_a_subject_that_is_no_iri_is_a_usage_error(store, catalogue):
    bad = run("gaps", "--store", store, "--principle", "7")
    assert bad.exit_code == 2 and "未知的原則 / unknown principle '7'" in bad.stderr
    for chapter in catalogue.chapters:
        assert (f"{chapter.notation} {chapter.label.zh}" in bad.stderr) == (chapter.notation not in ("P",))
    subject = run("gaps", "--store", store, "--subject", "chatbot")
    assert subject.exit_code == 2 and "a subject is an IRI" in subject.stderr


def test_a_kind_the_turtle_adds_is_a_valid_filter(project_copy):
    rules = project_copy / "ontology" / "rules.ttl"
    rules.write_text(rules.read_text(encoding="utf-8") + NEW_KIND, encoding="utf-8")
    common = ("gaps", str(MINIMAL), "--store", "memory:", *AS_OF, "--kind", "SecondOpinionMissing")
    assert run(*common).exit_code == 2  # this project's ontology has no such kind
    copy = run(*common, "--root", str(project_copy))
    assert copy.exit_code == 0, copy.stderr
    assert "listing 0 of" in copy.stderr and "缺口 / Gap:" not in copy.stdout
