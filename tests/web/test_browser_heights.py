"""No page taller than 3 screens (1400 x 1000) by default (issue 18), in a real headless Chromium.

Two apps, each served by waitress on loopback: the bundled examples, and a synthetic market big
enough for the lists to fill their first pages (the examples, 16 synthetic institutions of 2 AI
systems and one of 40, ``mapper.synth``): the dashboard ranks 15 of its 21 institutions, a
measure applies to more subjects than a page holds, the large institution's systems fill a page,
a search for 公平 finds more evidence than a group shows. Every page the issue names is opened,
its height measured after its scripts ran and a screenshot saved (``test-output/screenshots/
heights-*.png``). Then the controls that keep the pages short: a search group shows its first
results and folds the rest under "more", which opens them, and "show all" lists every result of
that kind; the compact tables keep a row to one line with the whole name in the cell's tooltip;
the dashboard's charts are cards two a row on a wide screen, one a row on a narrow one and in
print, where the clipped cells show their whole text again. No console error, no request leaving
the machine.

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``); without it the
tests fail, they are never skipped.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import test_browser
from conftest import example_submissions, make_app
from playwright.sync_api import expect
from sparql_support import serving

from mapper.synth import synthesise
from web import close_app
from web.records.market import TOP_INSTITUTIONS
from web.records.search import LIMIT, SHOWN

#: Chromium, the examples' app served by waitress, a watched page and screenshots, as the viewer's own browser tests have them.
browser, server, page, shot, Watch = (test_browser.browser, test_browser.server, test_browser.page,
                                      test_browser.shot, test_browser.Watch)
SCREEN = {"width": 1400, "height": 1000}
MOST_SCREENS = 3.0
BANK = test_browser.BANK
CHATBOT = test_browser.CHATBOT
SKYDOME = "https://vendors.example.tw/id/skydome-cloud"
FAIRNESS = quote("公平")
#: The pages the issue measures at real size, with the institution, a system of it and a vendor filled in.
PAGES = ("/", "/catalogue", "/gaps", "/gaps?institution={ubn}", "/market", "/matrix", "/measure/2.1.3",
         "/measure/2.1.3?institution={ubn}", "/institution/{ubn}", "/institution/{ubn}/changes",
         "/institution/{ubn}/history", "/system?iri={system}", "/vendor?iri={vendor}",
         f"/search?q={FAIRNESS}", "/search?q=fairness")


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    """(base URL, the large institution's UBN): an app over the examples and a synthetic market."""
    directory = tmp_path_factory.mktemp("synthetic-market")
    submissions, big = [], None
    for institutions, systems, seed in ((16, 2, 0), (1, 40, 1)):
        for name, data in synthesise(institutions, systems, seed=seed):
            path = directory / name
            path.write_bytes(data)
            submissions.append([path])
            big = path.stem
    app = make_app(example_submissions() + submissions)
    try:
        with serving(app) as served:
            yield served.url, big
    finally:
        close_app(app)


@pytest.fixture()
def visit(browser):
    """A fresh 1400 x 1000 page and its watch (console errors, requests)."""
    context = browser.new_context(viewport=SCREEN, locale="zh-TW")
    page = context.new_page()
    yield page, Watch(page)
    context.close()


def screens(page, url: str) -> float:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)
    return page.evaluate("document.documentElement.scrollHeight") / SCREEN["height"]


def first_link(page, base: str, url: str, prefix: str) -> str:
    """The first link on ``url`` to a page under ``prefix`` (``/system?iri=``, say)."""
    page.goto(base + url)
    return page.locator(f'main a[href^="{prefix}"]').first.get_attribute("href")


def measure_all(page, base: str, ubn: str, system: str, vendor: str, name: str) -> dict[str, float]:
    found = {}
    for n, pattern in enumerate(PAGES):
        url = pattern.format(ubn=ubn, system=system, vendor=vendor)
        found[url] = screens(page, base + url)
        shot(page, f"heights-{name}-{n:02d}")
    return found


def assert_short(found: dict[str, float]) -> None:
    over = {url: round(h, 2) for url, h in found.items() if h > MOST_SCREENS}
    assert over == {}, f"pages over {MOST_SCREENS} screens of 1400 x 1000: {over}"
    assert min(found.values()) >= 1.0  # each page measured (at least the window's height)


def test_no_example_page_is_over_three_screens(page, server):
    page, watch = page
    found = measure_all(page, server, BANK, quote(CHATBOT, safe=""), quote(SKYDOME, safe=""), "examples")
    assert_short(found)
    watch.check(server)


def test_no_page_of_a_synthetic_market_is_over_three_screens(visit, market):
    page, watch = visit
    base, big = market
    system = first_link(page, base, f"/institution/{big}", "/system?iri=").split("iri=", 1)[1]
    vendor = first_link(page, base, f"/institution/{big}#vendors", "/vendor?iri=").split("iri=", 1)[1]
    found = measure_all(page, base, big, system, vendor, "synthetic")
    assert_short(found)
    # the lists are full: what keeps them short is their paging and compact rows, not a small market
    page.goto(base + "/market")
    expect(page.locator('table[data-chart="ranking"] tbody tr')).to_have_count(TOP_INSTITUTIONS)
    expect(page.locator("#ranking p.more")).to_be_visible()
    page.goto(base + "/measure/2.1.3")
    expect(page.locator("table.applications tbody tr")).to_have_count(25)
    expect(page.locator("#subjects ~ nav.pager a.next")).to_be_visible()
    page.goto(base + f"/institution/{big}")
    expect(page.locator("table.systems tbody tr")).to_have_count(20)
    watch.check(base)


def test_a_search_group_folds_its_rest_under_more_and_lists_all_of_its_kind(visit, market):
    page, watch = visit
    base, _ = market
    page.goto(base + f"/search?q={FAIRNESS}")
    group = page.locator("#kind-evidence")
    total = int(group.locator("h2 .count").inner_text().strip("()"))
    assert total > LIMIT
    shown, folded = group.locator("ul.results:not(.folded) > li"), group.locator("ul.results.folded > li")
    expect(shown).to_have_count(SHOWN)
    expect(folded).to_have_count(LIMIT - SHOWN)
    for n in range(SHOWN):
        expect(shown.nth(n)).to_be_visible()
    expect(folded.first).to_be_hidden()
    more = group.locator("details.more-hits > summary")
    expect(more).to_contain_text(f"再顯示 {LIMIT - SHOWN} 筆")
    expect(more).to_contain_text(f"{LIMIT - SHOWN} more")
    more.click()
    for n in range(LIMIT - SHOWN):
        expect(folded.nth(n)).to_be_visible()
    first_ten = group.locator("ul.results > li > a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    shot(page, "heights-search-more", full_page=False)

    group.locator("p.more a").click()
    page.wait_for_url(re.compile(r"kind=evidence"))
    expect(page.locator("section.search-group")).to_have_count(1)
    every = page.locator("#kind-evidence ul.results > li")
    expect(every).to_have_count(total)
    expect(page.locator("details.more-hits")).to_have_count(0)  # one kind's list folds nothing
    listed = every.locator("> a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(first_ten) == LIMIT and set(first_ten) <= set(listed)  # the ten shown or folded are among them
    watch.check(base)


def test_compact_rows_stay_one_line_with_the_whole_name_in_the_tooltip(visit, market):
    page, watch = visit
    base, big = market
    page.goto(base + f"/institution/{big}")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.systems td')).lineHeight)")
    rows = page.locator("table.systems tbody tr").evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)")
    assert len(rows) == 20 and max(rows) < 2 * line, rows  # one line a row
    first = page.locator("table.systems tbody tr td.clip").first
    label = first.locator("a").inner_text()
    assert first.get_attribute("title").split() == label.split()  # the whole bilingual name, whatever is clipped

    page.goto(base + "/measure/2.1.3")
    cell = page.locator("table.applications tbody tr td.clip").first
    name = cell.get_attribute("title")
    assert re.search(r"[\u4e00-\u9fff]", name) and re.search(r"[A-Za-z]", name)  # zh and en, both
    clipped = page.locator("table.applications td.clip").evaluate_all(
        "tds => tds.filter(td => td.scrollWidth > td.clientWidth).length")
    assert clipped > 0  # long names are clipped, not wrapped
    # in print, every clipped cell shows its whole text again
    page.emulate_media(media="print")
    assert page.locator("table.applications td.clip").first.evaluate("td => getComputedStyle(td).whiteSpace") == "normal"
    assert page.locator("table.applications td.clip").evaluate_all(
        "tds => tds.filter(td => td.scrollWidth > td.clientWidth + 1).length") == 0
    watch.check(base)


def test_the_dashboards_charts_are_cards_two_a_row_on_a_wide_screen(visit, market):
    page, watch = visit
    base, _ = market
    page.goto(base + "/market")

    def boxes():
        return {c: page.locator(f"section#{c}").bounding_box() for c in ("ranking", "missing", "vendors", "tiers")}

    wide = boxes()
    assert abs(wide["ranking"]["y"] - wide["vendors"]["y"]) < 1 and wide["vendors"]["x"] > wide["ranking"]["x"] + 400
    assert wide["missing"]["y"] > wide["ranking"]["y"] + wide["ranking"]["height"] - 1  # the wide tables under them
    assert wide["tiers"]["y"] > wide["missing"]["y"] + wide["missing"]["height"] - 1
    for chart in ("ranking", "vendors"):  # in a card: the chart, then its numbers right under it
        svg = page.locator(f'svg[data-chart="{chart}"]').bounding_box()
        table = page.locator(f'table[data-chart="{chart}"]').bounding_box()
        assert table["y"] >= svg["y"] + svg["height"] - 1 and abs(table["x"] - svg["x"]) < 50
    for chart in ("missing", "tiers"):  # across the page: the chart with its numbers beside it
        svg = page.locator(f'svg[data-chart="{chart}"]').bounding_box()
        table = page.locator(f'table[data-chart="{chart}"]').bounding_box()
        assert table["x"] >= svg["x"] + svg["width"] - 1 and abs(table["y"] - svg["y"]) < 100
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]  # nothing sticks out sideways
    shot(page, "heights-market-wide")

    page.set_viewport_size({"width": 1000, "height": 1000})  # a narrow screen: one card a row
    narrow = boxes()
    assert [round(b["x"]) for b in narrow.values()] == [round(narrow["ranking"]["x"])] * 4
    assert narrow["ranking"]["y"] < narrow["missing"]["y"] < narrow["vendors"]["y"] < narrow["tiers"]["y"]
    page.set_viewport_size(SCREEN)
    page.emulate_media(media="print")  # and in print
    printed = boxes()
    assert printed["ranking"]["y"] < printed["missing"]["y"] < printed["vendors"]["y"] < printed["tiers"]["y"]
    watch.check(base)
