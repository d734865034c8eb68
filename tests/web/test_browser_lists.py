"""Lists that scale (issue 18) in a real headless Chromium against the app served by waitress:
an analyst filters the gap list with its form, goes to page 2, sorts by a column, follows a count
from the home page to the list it counts, and downloads the filtered list as CSV. No console
error, no request leaving the machine; screenshots go to ``test-output/screenshots/``.

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``); without it the
tests fail, they are never skipped.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import test_browser
from playwright.sync_api import expect

#: Chromium, the page and its watch, the server and screenshots, as the viewer's own browser tests make them.
browser, server, page, shot = test_browser.browser, test_browser.server, test_browser.page, test_browser.shot
SECURITIES = "66482035"
#: A viewport's height: no list page may be over about three of them by default.
SCREEN = 1000


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_an_analyst_filters_pages_sorts_and_downloads_the_gap_list(page, server):
    page, watch = page
    page.goto(f"{server}/gaps?institution={SECURITIES}")
    expect(page.locator("h1")).to_contain_text("缺口清單")
    total = int(page.locator(".list-count .total").inner_text())
    assert total > 50  # more than a page
    assert page.evaluate("document.documentElement.scrollHeight") < 3 * SCREEN
    shot(page, "lists-01-gaps")

    # filter with the form: one principle
    page.locator('select[name="principle"]').select_option("2")
    page.locator("form.filters button.apply").click()
    page.wait_for_url(re.compile(r"principle=2"))
    assert _query(page.url)["institution"] == [SECURITIES]
    expect(page.locator(".active-filters")).to_contain_text("核心原則")
    filtered = int(page.locator(".list-count .total").inner_text())
    assert 0 < filtered < total

    # page 2 keeps the filter
    page.locator("nav.pager a.next").first.click()
    page.wait_for_url(re.compile(r"page=2"))
    assert _query(page.url)["principle"] == ["2"]
    expect(page.locator(".list-count .first")).to_have_text("51")

    # sort by measure, descending on the second click; back to page 1
    page.locator('th a.sort[data-sort="measure"]').click()
    page.wait_for_url(re.compile(r"sort=measure"))
    page.locator('th a.sort[data-sort="measure"]').click()
    page.wait_for_url(re.compile(r"sort=-measure"))
    assert "page" not in _query(page.url)
    expect(page.locator("th.sorted-desc")).to_contain_text("措施")
    first = page.locator("tr.gap-row").first
    first.locator("details.gap-detail summary").click()  # one gap's details, on demand
    expect(first.locator("details.gap-detail")).to_contain_text("適用理由")
    shot(page, "lists-02-gaps-filtered-sorted")

    # download what is shown, every page of it
    with page.expect_download() as info:
        page.locator("a.download-csv").first.click()
    download = info.value
    assert download.suggested_filename == f"gaps-{SECURITIES}-2.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert len(rows) == filtered and {r["principle_notation"] for r in rows} == {"2"}
    assert all(r["measure_zh"] and r["measure_en"] for r in rows)
    watch.check(server)


def test_a_count_on_the_home_page_opens_the_list_it_counts(page, server):
    page, watch = page
    page.goto(server + "/")
    row = page.locator("tr.institution", has=page.locator(f'a[href="/institution/{SECURITIES}"]'))
    link = row.locator('a.count[data-principle="2"]')
    count = int(link.inner_text())
    link.click()
    page.wait_for_url(re.compile(rf"/gaps\?institution={SECURITIES}&principle=2$"))
    expect(page.locator(".gap-totals .pairs")).to_have_text(str(count))
    shot(page, "lists-03-count-to-list")

    # the institution's page stays short however many systems it has: its lists are paged
    page.goto(f"{server}/institution/{SECURITIES}?systems.per=2")
    expect(page.locator("table.systems tr.system")).to_have_count(2)
    page.locator("#systems ~ nav.pager a.next").first.click()
    page.wait_for_url(re.compile(r"systems\.page=2"))
    expect(page.locator("table.systems tr.system")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollHeight") < 3 * SCREEN
    shot(page, "lists-04-institution-paged")
    watch.check(server)
