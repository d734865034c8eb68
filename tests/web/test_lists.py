"""Lists that scale (issue 18): every list of gaps, subjects or measures is filtered, sorted and
paged on the server as its URL says, every count links to the list it counts, and every list
downloads as CSV, XLSX and JSON with the same rows; over the real examples (Flask test client)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from openpyxl import load_workbook

from mapper.catalogue.records import sort_key
from web.analyses import latest_analyses

BANK, LIFE, SECURITIES = "83910461", "53728108", "66482035"
CHATBOT = "https://bank.example.tw/fscai/chatbot"
RECOMMENDER = "https://securities.example.tw/fscai/stock-recommender"  # 64 gaps


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def twin(client, url: str) -> dict:
    """The JSON twin of a page URL (``/api`` + the same path and query)."""
    response = client.get("/api" + url)
    assert response.status_code == 200, url
    return response.get_json()


def count_links(text: str) -> list[tuple[str, int]]:
    """Every (href, number) of a count link (``<a class="count ...">N</a>``) on a page."""
    found = re.findall(r'<a class="[^"]*\bcount\b[^"]*" (?:data-[a-z]+="[^"]*" )*href="([^"]+)"[^>]*>(?:<strong>)?(\d+)', text)
    # a gap kind's badge: its labels, then its count
    found += re.findall(r'<a class="badge gap [^"]*\bcount" href="([^"]+)" data-kind="[^"]+">(?:(?!</a>).)*?(\d+)</a>', text)
    return [(html.unescape(href), int(n)) for href, n in found]


def analysis_of(app, ubn: str):
    with app.app_context():
        return next(a for a in latest_analyses() if f"/{ubn}/" in a.submission_graph)


# --- filter, sort, page, and the URL round trip ------------------------------------------------------


def test_the_gap_list_filters_sorts_and_pages_as_its_url_says(client, app):
    bank = analysis_of(app, BANK)
    listed = twin(client, f"/gaps?institution={BANK}&per=5&page=2")["list"]
    assert listed["total"] == len(bank.gaps) > 10 and listed["per"] == 5 and listed["page"] == 2
    assert (listed["first"], listed["last"], len(listed["rows"])) == (6, 10, 5)
    # the other pages' links keep the filter; the next page follows on
    assert all(f"institution={BANK}" in link["url"] for link in listed["page_links"] if "url" in link)
    after = client.get(listed["next_url"]).get_json()["list"]  # the twin's links stay on the twin
    assert after["page"] == 3 and after["first"] == 11
    # one kind, sorted by measure, descending
    wanted = sorted({g.measure.notation for g in bank.gaps if g.kind.code == "NoStatement"}, key=sort_key, reverse=True)
    rows = twin(client, f"/gaps?institution={BANK}&kind=NoStatement&sort=-measure&per=500")["list"]["rows"]
    assert {r["kind"] for r in rows} == {"NoStatement"}
    assert [r["measure"]["notation"] for r in rows] == sorted((r["measure"]["notation"] for r in rows),
                                                              key=sort_key, reverse=True)
    assert list(dict.fromkeys(r["measure"]["notation"] for r in rows)) == wanted
    # two values of one filter: either
    both = twin(client, f"/gaps?institution={BANK}&kind=NoStatement&kind=Partial")["list"]
    assert both["total"] == sum(1 for g in bank.gaps if g.kind.code in ("NoStatement", "Partial"))


def test_active_filters_are_shown_and_removable_and_choices_counted(client, app):
    text = page(client, f"/gaps?institution={BANK}&principle=2&sort=measure")
    listed = twin(client, f"/gaps?institution={BANK}&principle=2&sort=measure")["list"]
    active = {a["name"]: a for a in listed["active"]}
    assert set(active) == {"institution", "principle"} and active["principle"]["label"]["en"]
    removed = parse_qs(urlsplit(active["principle"]["remove_url"]).query)
    assert removed == {"institution": [BANK], "sort": ["measure"]}  # the rest of the view is kept
    assert html.escape(active["principle"]["remove_url"].removeprefix("/api")) in text
    # the kind choices count the gaps the other filters let through
    bank = analysis_of(app, BANK)
    kinds = {f["value"]: f["count"] for f in listed["facets"]["kind"]}
    assert sum(kinds.values()) == listed["total"] == sum(1 for g in bank.gaps if g.chapter.notation == "2")
    # the filter form sends the filters as the URL's arguments, keeping the sort as a hidden field
    assert '<select name="kind">' in text and '<input type="hidden" name="sort" value="measure">' in text


@pytest.mark.parametrize("url", ["/gaps?page=999&per=7", "/gaps?page=-3&per=abc&sort=nonsense", "/gaps?per=100000"])
def test_odd_list_arguments_give_a_page_not_an_error(client, url):
    listed = twin(client, url)["list"]
    assert 1 <= listed["page"] <= listed["pages"] and 1 <= listed["per"] <= 500 and listed["rows"]
    assert listed["sort"] == "kind" or "sort=" not in url or "nonsense" not in url


def test_the_system_page_groups_its_gaps_with_each_explanation_once(client, app):
    early = analysis_of(app, SECURITIES)
    gaps = [g for g in early.gaps if g.subject == RECOMMENDER]
    text = page(client, f"/gaps?subject={quote(RECOMMENDER, safe='')}&per=100")
    groups = re.findall(r'<tbody class="gap-group" data-kind="([A-Za-z]+)"', text)
    assert sorted(groups) == sorted({g.kind.code for g in gaps}) and len(groups) < len(gaps)
    for kind in {g.kind for g in gaps}:
        assert text.count(html.escape(kind.missing.zh)) == 1, kind.code  # once, in its group's head
    assert text.count('<details class="gap-detail">') == len(gaps)  # each gap's own details, on demand
    system = page(client, f"/system?iri={quote(RECOMMENDER, safe='')}")
    assert system.count('class="gap-row"') == 10 < len(gaps) and 'class="group-head"' in system


def test_the_institution_pages_its_systems_and_vendors(client, app):
    early = analysis_of(app, SECURITIES)
    systems = len(early.classification.tiers)
    listed = twin(client, f"/institution/{SECURITIES}?systems.per=2&systems.sort=-gaps&systems.page=2")
    assert listed["systems_list"]["total"] == systems and len(listed["system_list"]) == 2
    everything = twin(client, f"/institution/{SECURITIES}?systems.per=500&systems.sort=-gaps")["system_list"]
    assert [s["gaps"] for s in everything] == sorted((s["gaps"] for s in everything), reverse=True)
    assert listed["system_list"] == everything[2:4]
    # the vendors' list has its own page arguments
    assert listed["vendors_list"]["page"] == 1


def test_a_measure_narrows_to_one_institution(client):
    everyone = twin(client, "/measure/2.1.3?per=500")
    mine = twin(client, f"/measure/2.1.3?institution={BANK}&per=500")
    assert {a["institution"]["ubn"] for a in mine["applies_to"]} == {BANK}
    assert len({a["institution"]["ubn"] for a in everyone["applies_to"]}) > 1
    assert mine["applies"] == sum(1 for a in mine["applies_to"] if a["verdict"] == "applies") < everyone["applies"]
    assert client.get("/measure/2.1.3?institution=00000000").status_code == 404
    # filtering the list leaves the counts alone
    filtered = twin(client, f"/measure/2.1.3?institution={BANK}&verdict=undetermined")
    assert filtered["applies"] == mine["applies"] and filtered["gaps"] == mine["gaps"]


def test_the_matrix_cell_names_gap_kinds_in_both_languages(client):
    text = page(client, "/matrix/cell?chapter=2&stage=S3")
    assert not re.search(r">\s*NoStatement \d", text)  # the raw code is gone
    assert "未提出落實說明" in text and "no statement" in text


# --- counts link to the lists they count ---------------------------------------------------------------


def _listed(client, href: str) -> dict:
    return twin(client, href)["list"]


def test_every_count_of_the_home_page_opens_a_list_of_that_size(client):
    links = [(href, n) for href, n in count_links(page(client, "/")) if href.startswith("/gaps")]
    assert len(links) >= 4 * 2
    for href, n in links:  # pairs with a gap, as the regulator's query counts them
        assert _listed(client, href)["summary"] == n, href
    principle_links = [h for h, _ in links if "principle=" in h]
    assert principle_links and all("institution=" in h for h in principle_links)


def test_every_gap_count_of_an_institution_opens_a_list_of_that_size(client):
    text = page(client, f"/institution/{SECURITIES}")
    links = [(href, n) for href, n in count_links(text) if href.startswith("/gaps")]
    kinds = [(h, n) for h, n in links if "kind=" in h]
    assert kinds and any("subject_kind=system" in h for h, _ in kinds)
    for href, n in kinds:  # gap records of one kind
        assert _listed(client, href)["total"] == n, href
    whole = next(n for h, n in links if h == f"/gaps?institution={SECURITIES}")
    assert _listed(client, f"/gaps?institution={SECURITIES}")["summary"] == whole  # pairs
    for href, n in [(h, n) for h, n in links if "subject=" in h and "kind=" not in h][:5]:  # a system's gaps
        assert _listed(client, href)["total"] == n, href


def test_every_count_of_a_matrix_cell_and_a_measure_opens_a_list_of_that_size(client):
    text = page(client, "/matrix/cell?chapter=2&stage=S3")
    links = [(h, n) for h, n in count_links(text) if h.startswith("/gaps")]
    assert any("kind=" in h for h, _ in links) and any("principle=2" in h for h, _ in links)
    for href, n in links:
        listed = _listed(client, href)
        assert (listed["total"] if "kind=" in href else listed["summary"]) == n, href
    measure = page(client, f"/measure/2.1.3?institution={BANK}")
    [(href, n)] = [(h, n) for h, n in count_links(measure) if h.startswith("/gaps")]
    assert parse_qs(urlsplit(href).query) == {"measure": ["2.1.3"], "institution": [BANK]}
    assert _listed(client, href)["total"] == n
    system = page(client, f"/system?iri={quote(RECOMMENDER, safe='')}")
    links = [(h, n) for h, n in count_links(system) if h.startswith("/gaps")]
    assert len(links) >= 2  # the system's gaps, and per kind
    for href, n in links:
        assert _listed(client, href)["total"] == n, href


def test_every_gap_count_of_the_catalogue_tree_opens_a_list_of_that_size(client):
    """The catalogue, a principle and a section show each measure's gap records across the
    institutions; each count is a link to that measure's gap list."""
    for url in ("/catalogue", "/principle/2", "/section/2.1"):
        links = re.findall(r'<a class="badge gap" href="([^"]+)">(?:(?!</a>).)*?</span>\s*(\d+)</a>',
                           page(client, url))
        assert len(links) >= 3, url
        for href, n in links:
            href = html.unescape(href)
            assert list(parse_qs(urlsplit(href).query)) == ["measure"], href
            assert _listed(client, href)["total"] == int(n), href


# --- downloads ---------------------------------------------------------------------------------------------


def test_a_filtered_gap_list_downloads_the_same_rows_in_three_formats(client, app):
    query = f"institution={BANK}&kind=NoStatement&kind=Partial&sort=-measure"
    listed = _listed(client, f"/gaps?{query}&per=500")
    ids = [r["id"] for r in listed["rows"]]
    got = client.get(f"/gaps?{query}&format=csv&page=3")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert got.headers["Content-Disposition"] == f'attachment; filename="gaps-{BANK}-NoStatement-Partial.csv"'
    assert got.data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with its mark
    rows = list(csv.DictReader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ids  # every page's rows, in the list's order
    assert {"measure_zh", "measure_en", "gap_kind_zh", "gap_kind_en", "why_zh", "why_en"} <= set(rows[0])
    assert any(re.search("[\u4e00-\u9fff]", r["measure_zh"]) for r in rows)
    book = load_workbook(io.BytesIO(client.get(f"/gaps?{query}&format=xlsx").data), read_only=True)
    sheet = list(book.active.iter_rows(values_only=True))
    assert [r[0] for r in sheet[1:]] == ids and sheet[0][0] == "id"
    document = json.loads(client.get(f"/api/gaps?{query}&format=json").data)
    assert [r["id"] for r in document] == ids and document[0]["gap_kind"] in ("NoStatement", "Partial")


@pytest.mark.parametrize("url, prefix", [
    (f"/institution/{SECURITIES}", "systems."), (f"/institution/{SECURITIES}", "vendors."),
    ("/measure/2.1.3", ""), ("/matrix/cell?chapter=2&stage=S3", ""),
])
def test_every_list_downloads(client, url, prefix):
    sep = "&" if "?" in url else "?"
    listed = twin(client, url)
    name = {"systems.": "systems_list", "vendors.": "vendors_list"}.get(prefix) or (
        "applies_to_list" if "/measure/" in url else "measures_list")
    total = listed[name]["total"]
    got = client.get(f"{url}{sep}{prefix}format=csv")
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert len(rows) == total + 1 and any(h.endswith("_zh") for h in rows[0]) and any(h.endswith("_en") for h in rows[0])
    document = client.get(f"{url}{sep}{prefix}format=json").get_json()
    assert len(document) == total
    book = load_workbook(io.BytesIO(client.get(f"{url}{sep}{prefix}format=xlsx").data), read_only=True)
    assert sum(1 for _ in book.active.iter_rows()) == total + 1


def test_a_download_shows_only_what_the_principal_may_read(app_over, examples):
    """A list's download reads through the same restricted store as its page: a 404 for what the
    store does not hold, never an empty file that pretends otherwise."""
    from conftest import example_submissions

    app = app_over(example_submissions()[:1])
    try:
        client = app.test_client()
        assert client.get(f"/gaps?institution={BANK}&format=csv").status_code == 404
        rows = list(csv.reader(io.StringIO(client.get("/gaps?format=csv").data.decode("utf-8-sig"))))
        assert len(rows) > 1 and {r[4] for r in rows[1:]} == {"12345675"}
    finally:
        from web import close_app

        close_app(app)
