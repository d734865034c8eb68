"""The market index: summary records written at intake, read by the regulator's named queries.

Each named query over the summary records must answer exactly what the full computation (the
same question asked of every submission, verdict and statement, as the queries did before the
summaries: ``tests/full_computation/``) answers, on the examples and on a synthetic market; the
gap rules are written once; the newest submission is marked at intake and a resubmission
replaces only its institution's records.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mapper.analysis import analyse_files, intake
from mapper.catalogue.install import install_catalogue
from mapper.graphs import MARKET_GRAPH_PREFIX, latest_graphs, market_graph
from mapper.load import load_submission
from mapper.query_library import read_query
from mapper.store import open_store
from mapper.synth import synthesise

REPO = Path(__file__).resolve().parents[1]
FULL = REPO / "tests" / "full_computation"
AS_OF = dt.date(2026, 11, 25)
GAP_KINDS = ("NoStatement", "NoEvidence", "EvidenceReviewOverdue", "PlannedOverdue", "NotApplicableWithoutReason",
             "Partial")


def _every_rq() -> list[Path]:
    skip = {".venv", "node_modules", ".git"}
    return sorted(p for p in REPO.rglob("*.rq") if not skip & set(p.relative_to(REPO).parts))


def test_no_query_restates_the_gap_rules():
    """The gap rules live in mapper/queries/gap-records.rq only: no other .rq names a gap kind or
    compares a review or target date."""
    files = _every_rq()
    assert len(files) >= 40
    offenders = []
    for path in files:
        if path == REPO / "mapper" / "queries" / "gap-records.rq":
            continue
        text = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        if any(re.search(rf"fsc:{kind}\b", text) for kind in GAP_KINDS):
            offenders.append(f"{path}: names a gap kind")
        for variable in re.findall(r"fsc:(?:nextReviewDate|targetDate)\s+\?(\w+)", text):
            if re.search(rf"\?{variable}\s*[<>]|[<>]=?\s*\?{variable}\b", text):
                offenders.append(f"{path}: compares ?{variable} with a date")
    assert offenders == []


def test_the_rule_check_would_catch_a_copy(tmp_path):
    copy = (REPO / "mapper" / "queries" / "gap-records.rq").read_text(encoding="utf-8")
    assert re.search(r"fsc:NoEvidence\b", copy) and re.findall(r"fsc:nextReviewDate\s+\?(\w+)", copy) == ["review"]


# --- a small market ------------------------------------------------------------------------------


def _canonical(rows: list[dict]) -> list[tuple]:
    """Rows as sorted tuples of (variable, value) with numbers compared as numbers."""
    def value(term):
        text = str(term)
        try:
            return float(text)
        except ValueError:
            return text
    return sorted(tuple(sorted((k, value(v)) for k, v in row.items())) for row in rows)


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    """Six synthetic institutions of three systems, plus three examples,
    each loaded and taken in as `fscai load` does, in an on-disk store."""
    out = tmp_path_factory.mktemp("synth")
    for name, data in synthesise(6, 3, seed=5):
        (out / name).write_bytes(data)
    store = open_store(f"oxigraph:{tmp_path_factory.mktemp('store')}")
    install_catalogue(store)
    submissions = [[p] for p in sorted(out.glob("*.nt"))]
    submissions += [[REPO / "data" / "examples" / "minimal-submission.ttl"]]
    submissions += [sorted((REPO / "data" / "examples" / name).glob("*.ttl")) for name in ("bank", "securities")]
    for files in submissions:
        intake(store, load_submission(store, files).graph_iri)
    yield store
    store.close()


@pytest.mark.parametrize("name", ["institutions", "measure-adoption", "systems-by-tier-oversight", "vendor-concentration"])
def test_each_named_query_answers_as_the_full_computation(market, name):
    summarised = market.select(read_query(name).text)
    full = market.select((FULL / f"{name}.rq").read_text(encoding="utf-8"))
    assert len(summarised) >= 5
    assert _canonical(summarised) == _canonical(full)


def test_the_newest_submission_is_marked_once_per_institution(market):
    marked = market.select("PREFIX fsc: <https://w3id.org/fscai/def#> SELECT ?g ?s WHERE { GRAPH ?g { ?s a fsc:NewestSubmission } }")
    assert sorted(str(r["s"]) for r in marked) == latest_graphs(market.graphs())
    assert all(str(r["g"]) == MARKET_GRAPH_PREFIX + str(r["s"]).split("/")[-2] for r in marked)


def test_a_resubmission_replaces_only_its_institution_and_an_older_one_changes_nothing(tmp_path):
    store = open_store("memory:")
    minimal = REPO / "data" / "examples" / "minimal-submission.ttl"
    analyse_files(store, [str(minimal)], as_of=AS_OF)
    bank = analyse_files(store, [str(p) for p in sorted((REPO / "data" / "examples" / "bank").glob("*.ttl"))],
                         as_of=AS_OF)
    ubn = bank.submission_graph.split("/")[-2]
    other = market_graph("12345675")
    before = set(store.graph_triples(other))

    def entry(ubn):
        rows = store.select(f"PREFIX fsc: <https://w3id.org/fscai/def#> SELECT ?s WHERE {{ GRAPH <{market_graph(ubn)}> "
                            f"{{ ?s a fsc:NewestSubmission }} }}")
        return [str(r["s"]) for r in rows]

    def resubmit(date: str):
        text = "\n".join((REPO / "data" / "examples" / "bank" / name).read_text(encoding="utf-8")
                         for name in sorted(p.name for p in (REPO / "data" / "examples" / "bank").glob("*.ttl")))
        path = tmp_path / f"bank-{date}.ttl"
        path.write_text(re.sub(r'dct:issued "\d{4}-\d{2}-\d{2}"', f'dct:issued "{date}"', text, count=1), encoding="utf-8")
        return analyse_files(store, [str(path)], as_of=AS_OF).submission_graph

    newer = resubmit("2026-11-30")
    assert entry(ubn) == [newer]
    older = resubmit("2025-01-31")
    assert entry(ubn) == [newer]  # an older submission loaded late does not become the newest
    assert older != newer and set(store.graph_triples(other)) == before and before
    store.close()


@pytest.mark.parametrize("day", ["2000-01-01", "2026-01-01", "2028-02-29", "2026-11-25", "2027-12-31", "2028-03-01",
                                 "2099-01-01"])
def test_gaps_by_principle_reads_any_reference_date_as_the_analysis_counts_it(market, day):
    """The chapter counts' step strings give, for any reference date (before, inside and after the
    years they span, and a leap day), what Counts gives from the gap records."""
    import dataclasses

    from mapper.analysis import read_analysis
    from mapper.catalogue.install import layout_catalogue

    catalogue = layout_catalogue()
    expected = {}
    for graph in latest_graphs(market.graphs()):
        analysis = read_analysis(market, graph, as_of=AS_OF, catalogue=catalogue)
        on_day = dataclasses.replace(analysis, as_of=dt.date.fromisoformat(day))
        for chapter, counts in on_day.tally(lambda m: m.chapter.notation).items():
            expected[(graph.split("/")[-2], chapter)] = (counts.gaps, counts.applicable, counts.undetermined)
    answer = market.select(read_query("gaps-by-principle").bind({"asOf": day}))
    got = {(str(r["ubn"]), str(r["chapterNotation"])): (int(r["gaps"]), int(r["applicable"]), int(r["undetermined"]))
           for r in answer}
    assert len(got) >= 9 * 7 - 10 and got == expected
