"""An institution's submissions over time and what changed between two (issue 18, item 5), through
the Flask test client, on the real bank example submitted three times.

The bank's latest submission (2026-10-30) is the example as bundled; an earlier one (2026-04-30)
still had one statement planned and a system it later retired, and is analysed as ``fscai load``
analyses every submission; the oldest (2025-10-31), two statements planned, was written without
its analysis (as another tool might write it): the history lists it without counts, and the
viewer never analyses it (a request only reads). The life insurer has one submission. A token
file names the regulator, the bank (A) and the life insurer (B).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLES, make_app
from sparql_support import RETIRED_SYSTEM, earlier_bank_submission, write_tokens

from mapper.analysis import Counts, intake, read_analysis
from mapper.catalogue.install import layout_catalogue
from mapper.graphs import submission_graph_iri
from mapper.query_library import read_query
from web import close_app
from web.store import owner_store, setting_up

A, B = "83910461", "53728108"  # the bank, the life insurer
OLDEST, EARLIER, LATEST = "2025-10-31", "2026-04-30", "2026-10-30"
TOKENS = {"regulator": "regulator-token-history-000001", A: "bank-token-history-0000000002",
          B: "insurer-token-history-00000003"}
AS = {who: {"Authorization": f"Bearer {TOKENS[who]}"} for who in TOKENS}
RETIRED = RETIRED_SYSTEM  # the system the earlier submissions have and the latest retired


def history_app(directory: Path):
    """The app over the bank's three submissions and the life insurer's one, guarded by tokens."""
    tokens = write_tokens(directory / "tokens.toml", TOKENS)
    oldest = earlier_bank_submission(directory / OLDEST, OLDEST, planned=2)
    earlier = earlier_bank_submission(directory / EARLIER, EARLIER, planned=1)
    latest = sorted((EXAMPLES / "bank").glob("*.ttl"))
    app = make_app([oldest, earlier, latest, sorted((EXAMPLES / "life-insurer").glob("*.ttl"))], TOKENS=str(tokens))
    with setting_up(app) as store:  # make_app analyses each newest; `fscai load` would have analysed this one too
        intake(store, submission_graph_iri(A, dt.date.fromisoformat(EARLIER)))
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = history_app(tmp_path_factory.mktemp("history"))
    yield app
    close_app(app)


@pytest.fixture()
def client(app):
    return app.test_client()


def get(client, path: str, who: str | None = "regulator", status: int = 200):
    response = client.get(path, headers=AS.get(who, {}))
    assert response.status_code == status, (path, response.status_code, response.get_data(as_text=True)[:500])
    return response


def test_the_submissions_are_listed_oldest_first_with_the_day_each_is_counted_on(client):
    history = get(client, f"/api/institution/{A}/history").get_json()
    rows = history["submissions"]
    assert [r["date"] for r in rows] == [OLDEST, EARLIER, LATEST]
    assert [r["counted_on"] for r in rows] == [EARLIER, LATEST, AS_OF]
    assert [r["analysed"] for r in rows] == [False, True, True]
    assert [r["newest"] for r in rows] == [False, False, True]
    assert rows[0]["counts"] is None and rows[0]["systems"] is None  # listed, never analysed by a request
    assert rows[1]["changes_url"] == f"/institution/{A}/changes?from={OLDEST}&to={EARLIER}"
    assert history["label"]["en"] == "Hanhai Commercial Bank Co., Ltd."


def test_each_count_is_the_tally_of_that_submissions_stored_analysis(app, client):
    rows = get(client, f"/api/institution/{A}/history").get_json()["submissions"]
    store, catalogue = owner_store(app), layout_catalogue()
    for row in rows[1:]:
        analysis = read_analysis(store, row["graph"], as_of=dt.date.fromisoformat(row["counted_on"]), catalogue=catalogue)
        by_principle = analysis.tally(lambda m: m.chapter.notation)
        total = sum(by_principle.values(), Counts())
        assert row["counts"] == {**dataclasses.asdict(total), "by_kind": dict(total.by_kind)}
        assert row["gaps_by_principle"] == {p: n.gaps for p, n in by_principle.items()}
        assert row["systems"] == len(analysis.classification.tiers)
    # the earlier submission had one more system, and a planned statement more
    assert rows[1]["systems"] == rows[2]["systems"] + 1
    assert rows[1]["counts"]["gaps"] > rows[2]["counts"]["gaps"]
    # the newest is counted as the institution page counts it
    page = get(client, f"/api/institution/{A}").get_json()
    assert {k: rows[2]["counts"][k] for k in ("applicable", "evidenced", "gaps", "gap_records")} == \
        {k: page[k] for k in ("applicable", "evidenced", "gaps", "gap_records")}
    assert {p: rows[2]["gaps_by_principle"].get(p, 0) for p in page["gaps_by_principle"]} == page["gaps_by_principle"]


def test_the_history_page_shows_the_table_and_the_chart_with_its_numbers(client):
    history = get(client, f"/api/institution/{A}/history").get_json()
    html = get(client, f"/institution/{A}/history").get_data(as_text=True)
    assert re.findall(r'<tr class="submission" data-date="([\d-]+)"', html) == [OLDEST, EARLIER, LATEST]
    assert "未分析" in html and "not analysed" in html
    newest = history["submissions"][-1]
    assert f'<a class="count" data-count="gaps" href="{newest["links"]["gaps"]}">{newest["counts"]["gaps"]}</a>' in html
    assert html.count('class="count"') == 2 * 6  # the two analysed rows; only the newest's are links
    series = history["chart"]["series"]
    assert len(series) == 7 and all(len(s["values"]) == 3 and s["values"][0] is None for s in series)
    points = re.findall(r'<path class="point" data-date="([\d-]+)" data-value="(\d+)"', html)
    assert len(points) == 2 * len(series)
    assert sorted(points) == sorted((d, str(v)) for s in series for d, v in zip(history["chart"]["dates"], s["values"])
                                    if v is not None)
    assert max(int(v) for _, v in points) <= history["chart"]["ticks"][-1]
    for s in series:  # the numbers beside the chart
        row = re.search(rf'<tr data-principle="{re.escape(s["principle"]["notation"])}">(.*?)</tr>', html, re.S).group(1)
        assert re.findall(r'<td class="num">(?:<a href="[^"]+">)?([^<]+)(?:</a>)?</td>', row) == ["—" if v is None else str(v) for v in s["values"]]
    assert 'href="/institution/{}/changes"'.format(A) in html


def query_rows(app, **params) -> list[dict[str, str]]:
    """The regulator's query itself, over the whole store."""
    text = read_query("submission-changes").bind(params)
    return [{k: str(v) for k, v in row.items()} for row in owner_store(app).select(text)]


def as_rows(changes: list[dict]) -> list[tuple]:
    return [(c["aspect"], c["change"], c["subject"]["iri"], c["measure"]["notation"] if c["measure"] else None,
             *(None if v is None else "none" if v["none"] else v["iri"] for v in (c["before"], c["after"])))
            for c in changes]


def expected(rows: list[dict[str, str]]) -> list[tuple]:
    return [(r["aspect"], r["change"], r["subject"], r.get("measureNotation"), r.get("before"), r.get("after"))
            for r in rows]


def test_the_changes_page_is_the_regulators_query_row_for_row(app, client):
    default = get(client, f"/api/institution/{A}/changes").get_json()
    assert (default["from"], default["to"], default["dates"]) == (EARLIER, LATEST, [OLDEST, EARLIER, LATEST])
    assert as_rows(default["changes"]) == expected(query_rows(app, ubn=A)) == expected(
        query_rows(app, ubn=A, **{"from": EARLIER, "to": LATEST}))
    assert {(c["aspect"], c["change"], c["subject"]["iri"]) for c in default["changes"]} == {
        ("system", "removed", RETIRED), ("status", "changed", "https://bank.example.tw/fscai/credit-scoring")}
    status = next(c for c in default["changes"] if c["aspect"] == "status")
    assert (status["before"]["label"]["en"], status["after"]["label"]["en"]) != (None, None)
    assert status["measure"]["url"] == f"/measure/{status['measure']['notation']}"
    wide = get(client, f"/api/institution/{A}/changes?from={OLDEST}&to={LATEST}").get_json()
    assert as_rows(wide["changes"]) == expected(query_rows(app, ubn=A, **{"from": OLDEST, "to": LATEST}))
    assert len(wide["changes"]) > len(default["changes"])  # two statements planned then
    assert wide["gaps"] is None  # the oldest was never analysed: no gap records to compare
    assert wide["before"]["counts"] is None and wide["after"]["counts"] == default["after"]["counts"]


def test_gaps_opened_and_closed_compare_the_two_stored_analyses(app, client):
    changes = get(client, f"/api/institution/{A}/changes").get_json()
    rows = {r["date"]: r for r in get(client, f"/api/institution/{A}/history").get_json()["submissions"]}
    store, catalogue = owner_store(app), layout_catalogue()

    def gaps(date):
        analysis = read_analysis(store, submission_graph_iri(A, dt.date.fromisoformat(date)),
                                 as_of=dt.date.fromisoformat(rows[date]["counted_on"]), catalogue=catalogue)
        return {(g.kind.code, g.measure.notation, g.subject) for g in analysis.gaps}

    before, after = gaps(EARLIER), gaps(LATEST)

    def flat(groups):
        return [(g["kind"], m["notation"], g["subject"]["iri"]) for g in groups for m in g["measures"]]

    opened, closed = flat(changes["gaps"]["opened"]), flat(changes["gaps"]["closed"])
    assert len(set(opened)) == len(opened) == changes["gaps"]["opened_count"] and set(opened) == after - before
    assert len(set(closed)) == len(closed) == changes["gaps"]["closed_count"] and set(closed) == before - after
    retired = [g for g in changes["gaps"]["closed"] if g["subject"]["iri"] == RETIRED]
    assert retired and sum(g["count"] for g in retired) > 10  # its gaps went with it, one row per kind
    html = get(client, f"/institution/{A}/changes").get_data(as_text=True)
    groups = len(changes["gaps"]["opened"]) + len(changes["gaps"]["closed"])
    assert html.count('<tr class="gap-group"') == groups < len(opened) + len(closed)
    assert re.findall(r'<tr class="change change-(\w+)" data-aspect="(\w+)"', html) == [
        (c["change"], c["aspect"]) for c in changes["changes"]]
    assert f'<option value="{EARLIER}" selected>' in html and f'<option value="{LATEST}" selected>' in html


@pytest.mark.parametrize(("query", "status"), [
    ("from=yesterday", 400), ("to=2026-02-30", 400), (f"from={LATEST}&to={EARLIER}", 400), (f"from={LATEST}", 400),
    ("from=2020-01-01", 404), (f"from={OLDEST}&to=2027-01-01", 404)])
def test_a_bad_date_is_refused(client, query, status):
    api = get(client, f"/api/institution/{A}/changes?{query}", status=status).get_json()
    assert api["error"]["code"] == status
    page = get(client, f"/institution/{A}/changes?{query}", status=status).get_data(as_text=True)
    assert ("請求不完整" if status == 400 else "找不到") in page


def test_one_submission_has_nothing_to_compare(client):
    history = get(client, f"/api/institution/{B}/history").get_json()
    assert [r["date"] for r in history["submissions"]] == ["2026-09-30"] and history["changes_url"] is None
    changes = get(client, f"/api/institution/{B}/changes").get_json()
    assert (changes["from"], changes["to"], changes["changes"]) == (None, None, [])
    assert "無可比較" in get(client, f"/institution/{B}/changes").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/institution/{}/history", "/institution/{}/changes",
                                  "/api/institution/{}/history", "/api/institution/{}/changes"])
def test_an_institution_sees_only_its_own_history(client, path):
    mine = get(client, path.format(A), who=A).get_data(as_text=True)
    assert A in mine and B not in mine and "永信人壽" not in mine
    if path.startswith("/api"):  # the same data as the regulator sees of A (a page also shows who is signed in)
        assert get(client, path.format(A), who=A).get_json() == get(client, path.format(A)).get_json()
    get(client, path.format(B), who=A, status=404)
    get(client, path.format(A), who=None, status=404)  # the public sees no institution
    get(client, path.format(B), who=B)


def test_the_history_links_from_the_institution_page(client):
    html = get(client, f"/institution/{A}").get_data(as_text=True)
    assert f'href="/institution/{A}/history"' in html
