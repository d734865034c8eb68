"""The supervisor's market dashboard (``/market`` and ``/api/market``) over the real examples.

Its numbers are the rows of the regulator's named queries: the test runs the same ``.rq`` files
through ``/sparql`` with a real SPARQL client (SPARQLWrapper, against the app served by waitress)
and finds the same numbers; the most-missing measures agree with the analyses' own counts
(``Analysis.tally``), the HHI with a hand computation from the vendor rows. Only the regulator
sees the page: the public and an institution get a bilingual 403 that names no institution.
"""

from __future__ import annotations

import collections
import re
from urllib.request import urlopen

import pytest
from conftest import AS_OF, app_with_tokens
from sparql_support import serving
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from mapper.labels import local_name
from web.access import REGULATOR, Principal
from web.analyses import latest_analyses
from web.identity import acting_as
from web.records.market import TOP_MEASURES

BANK, INSURER = "83910461", "53728108"  # institution A and B of the token tests
INSURER_NAMES = ("永信人壽保險股份有限公司", "Yongxin Life Insurance Co., Ltd.")
TOKENS = {"regulator": "regulator-token-market-test-0001", BANK: "bank-token-market-test-00000002",
          INSURER: "insurer-token-market-test-000003"}


@pytest.fixture(scope="module")
def served(app):
    with serving(app) as served:
        yield served


def sparql_rows(served, name: str) -> list[dict[str, str]]:
    """The library query ``name`` as the server offers it (its reference date bound), run through
    ``/sparql`` by SPARQLWrapper: each row's values as strings."""
    text = urlopen(f"{served.url}/sparql/queries/{name}").read().decode("utf-8")
    assert "VALUES ?asOf" not in text  # a reference date it takes is the server's, as the dashboard's
    assert ("?asOf" in text) == (f'"{AS_OF}"' in text)
    client = SPARQLWrapper(served.sparql)
    client.setQuery(text)
    client.queryType = "SELECT"
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert bindings, f"{name} found nothing in the examples"
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


@pytest.fixture(scope="module")
def dashboard(app) -> dict:
    response = app.test_client().get("/api/market")
    assert response.status_code == 200
    return response.get_json()


def test_the_regulator_sees_every_example_institution_ranked(app, dashboard):
    with acting_as(app, Principal(REGULATOR)):
        everyone = {a.submission_graph.split("/")[-2] for a in latest_analyses()}
    assert len(everyone) == 4
    assert {i["ubn"] for i in dashboard["ranking"]} == everyone
    gaps = [i["gaps"] for i in dashboard["ranking"]]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0
    page = app.test_client().get("/market").get_data(as_text=True)
    for institution in dashboard["ranking"]:
        assert institution["label"]["zh"] in page and f'href="/institution/{institution["ubn"]}"' in page


def test_the_ranking_per_principle_is_the_querys(app, served, dashboard):
    rows = sparql_rows(served, "gaps-by-principle")
    chapters = {p["notation"] for p in dashboard["principles"]}
    assert chapters == {r["chapterNotation"] for r in rows} and "2" in chapters
    client = app.test_client()
    for chapter in sorted(chapters):
        ranked = client.get("/api/market", query_string={"principle": chapter}).get_json()["ranking"]
        expected = [r for r in rows if r["chapterNotation"] == chapter]
        assert [(i["ubn"], i["gaps"], i["applicable"], i["undetermined"]) for i in ranked] == \
            [(r["ubn"], int(r["gaps"]), int(r["applicable"]), int(r["undetermined"])) for r in expected]
        assert [i["percent"] for i in ranked] == [float(r["gapPercent"]) for r in expected]
    totals = collections.Counter()
    for r in rows:
        totals[r["ubn"]] += int(r["gaps"])
    assert {i["ubn"]: i["gaps"] for i in dashboard["ranking"]} == dict(totals)


def test_the_most_missing_measures_are_the_querys_and_the_analyses(app, served, dashboard):
    rows = sparql_rows(served, "most-missing-measures")
    per_measure: dict[str, dict[str, int]] = collections.defaultdict(dict)
    totals = {}
    for r in rows:
        per_measure[r["notation"]][local_name(r["kind"])] = int(r["gaps"])
        totals[r["notation"]] = int(r["measureGaps"])
    assert all(sum(kinds.values()) == totals[m] for m, kinds in per_measure.items())
    # the analyses' own counts (Counts.by_kind, the one definition every face uses) on the same date
    with acting_as(app, Principal(REGULATOR)):
        counted: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for analysis in latest_analyses():
            assert analysis.as_of.isoformat() == AS_OF
            for notation, counts in analysis.tally(lambda m: m.notation).items():
                counted[notation].update(dict(counts.by_kind))
    assert {m: dict(c) for m, c in counted.items() if sum(c.values())} == dict(per_measure)
    # the dashboard: the first ten of the query's order, with the same numbers
    shown = dashboard["missing"]
    assert len(shown) == TOP_MEASURES
    assert [m["notation"] for m in shown] == list(dict.fromkeys(r["notation"] for r in rows))[:TOP_MEASURES]
    for m in shown:
        assert m["gaps"] == totals[m["notation"]]
        assert {k: v["gaps"] for k, v in m["by_kind"].items()} == per_measure[m["notation"]]
    assert [k["code"] for k in dashboard["kinds"]][:2] == ["NoStatement", "NoEvidence"]


def test_one_gap_kind_ranks_the_measures_by_it(app, dashboard):
    partial = app.test_client().get("/api/market?kind=Partial").get_json()["missing"]
    assert partial and all("Partial" in m["by_kind"] for m in partial)
    assert [m["gaps"] for m in partial] == [m["by_kind"]["Partial"]["gaps"] for m in partial]
    assert [m["gaps"] for m in partial] == sorted((m["gaps"] for m in partial), reverse=True)
    assert app.test_client().get("/market?kind=NoSuchKind").status_code == 404
    assert app.test_client().get("/market?principle=9").status_code == 404


def test_vendor_concentration_and_the_hhi_by_hand(served, dashboard):
    rows = sparql_rows(served, "vendor-concentration")
    systems = [int(r["systems"]) for r in rows]
    total = sum(systems)
    by_hand = round(sum((100 * n / total) ** 2 for n in systems))
    assert dashboard["vendors"]["hhi"] == by_hand == int(rows[0]["hhi"])
    assert 0 < by_hand <= 10_000
    shown = dashboard["vendors"]["vendors"]
    assert [(v["iri"], v["systems"], v["institutions"], v["share"]) for v in shown] == \
        [(r["vendor"], int(r["systems"]), int(r["institutions"]), float(r["sharePercent"])) for r in rows]
    assert [v["share"] for v in shown] == [round(1000 * n / total) / 10 for n in systems]


def test_tiers_by_oversight_are_the_querys(served, dashboard):
    rows = sparql_rows(served, "systems-by-tier-oversight")
    assert [(t["tier"]["iri"], t["oversight"]["iri"], t["systems"], t["institutions"]) for t in dashboard["tiers"]] == \
        [(r["tier"], r["oversight"], int(r["systems"]), int(r["institutions"])) for r in rows]
    assert dashboard["tiers"][0]["tier"]["label"] == {"zh": rows[0]["tierZh"], "en": rows[0]["tierEn"]}


def test_the_page_draws_each_chart_with_its_numbers_and_its_query(app, dashboard):
    page = app.test_client().get("/market").get_data(as_text=True)
    for chart, count in (("ranking", len(dashboard["ranking"])), ("missing", len(dashboard["missing"])),
                         ("vendors", len(dashboard["vendors"]["vendors"])), ("tiers", len(dashboard["tiers"]))):
        svg = re.search(rf'<svg class="bars" data-chart="{chart}".*?</svg>', page, re.S).group(0)
        table = re.search(rf'<table class="chart-table" data-chart="{chart}".*?</table>', page, re.S).group(0)
        assert svg.count('<g class="bar"') == count == table.count("<tr") - 1 > 0
    for name in ("gaps-by-principle", "most-missing-measures", "vendor-concentration", "systems-by-tier-oversight"):
        assert f'href="/sparql/ui?query={name}"' in page and f'href="/sparql/queries/{name}"' in page
    assert f'<strong class="hhi-value">{dashboard["vendors"]["hhi"]}</strong>' in page
    assert not re.search(r'(src|href)="https?://', page)  # drawn here: no chart library, nothing from elsewhere


def test_the_matrix_uses_the_colour_blind_safe_scale(client):
    page = client.get("/matrix").get_data(as_text=True)
    assert "hsl(" not in page
    steps = set(re.findall(r"background: var\(--seq-([0-5])\); color: var\(--seq-ink-\1\)", page))
    assert len(steps) >= 2
    css = client.get("/static/fscai.css").get_data(as_text=True)
    assert all(f"--seq-{n}:" in css and f"--seq-ink-{n}:" in css for n in range(6))
    assert "--cb-vermillion: #d55e00" in css  # Okabe & Ito


def test_only_the_regulator_sees_the_dashboard(tmp_path):
    with app_with_tokens(tmp_path, TOKENS) as app:
        client = app.test_client()
        bank = {"Authorization": f"Bearer {TOKENS[BANK]}"}
        regulator = {"Authorization": f"Bearer {TOKENS['regulator']}"}
        for headers in ({}, bank):
            page = client.get("/market", headers=headers)
            assert page.status_code == 403
            body = page.get_data(as_text=True)
            assert "無權檢視" in body and "Forbidden" in body
            others = (INSURER, *INSURER_NAMES) + (() if headers else (BANK, "瀚海商業銀行"))  # (the bank's header names it)
            assert not any(s in body for s in others)
            assert "<svg" not in body and "hhi" not in body.lower()
            api = client.get("/api/market", query_string={"principle": "2"}, headers=headers)
            assert api.status_code == 403 and api.get_json()["error"]["en"] == "Forbidden"
            assert INSURER not in api.get_data(as_text=True)
            assert 'href="/market"' not in client.get("/", headers=headers).get_data(as_text=True)
        seen = client.get("/market", headers=regulator)
        assert seen.status_code == 200 and INSURER_NAMES[0] in seen.get_data(as_text=True)
        assert 'href="/market"' in client.get("/", headers=regulator).get_data(as_text=True)
