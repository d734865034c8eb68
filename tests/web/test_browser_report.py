"""The institution's downloads and the HTML report in a real headless Chromium (issue 18, item 2).

An analyst on the bank's page downloads its whole analysis (HTML and XLSX, by clicking the links);
the downloaded HTML report, opened from disk, makes no request at all, folds its long sections,
opens a folded one from its contents, stays under three screen heights with everything folded,
and prints (print media) with every folded part shown. A viewer page printed hides the site's
navigation and forms and shows its folded details. Screenshots go to ``test-output/screenshots/``.

Needs Debian's Chromium at /usr/bin/chromium; without it the tests fail, they are never skipped.
"""

from __future__ import annotations

import io
import re

import test_browser
from openpyxl import load_workbook
from playwright.sync_api import expect

browser, server, page, Watch, shot = (test_browser.browser, test_browser.server, test_browser.page,
                                      test_browser.Watch, test_browser.shot)
BANK = test_browser.BANK
SCREEN = 1000  # the viewport's height: 1400 × 1000
FOLD_ALL = "document.querySelectorAll('details').forEach(d => d.open = false)"
HEIGHT = "document.documentElement.scrollHeight"


def test_download_the_report_and_read_it_folded_and_printed(page, server, browser, tmp_path):
    page, watch = page
    page.goto(f"{server}/institution/{BANK}")
    links = page.locator("dd.report-downloads a.report-download")
    expect(links).to_have_count(4)
    with page.expect_download() as download:
        page.locator("a.report-html").click()
    assert download.value.suggested_filename == f"fscai-report-{BANK}-2026-11-25.html"
    report = tmp_path / download.value.suggested_filename
    download.value.save_as(report)
    with page.expect_download() as workbook:
        page.locator("a.report-xlsx").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(workbook.value.path(), "rb").read()), read_only=True)
    assert "缺口 Gaps" in book.sheetnames
    shot(page, "report-01-institution-downloads", full_page=False)

    context = browser.new_context(viewport={"width": 1400, "height": SCREEN}, locale="zh-TW")
    reader = context.new_page()
    offline = Watch(reader)
    reader.goto(report.as_uri())
    expect(reader.locator("h2").first).to_contain_text("瀚海商業銀行股份有限公司")
    tiers = reader.locator(f"#i{BANK}-tiers")
    expect(tiers).to_be_hidden()  # ten AI systems: folded
    default_height = reader.evaluate(HEIGHT)
    shot(reader, "report-02-html-default")

    # the contents open a folded section and scroll to it
    reader.locator(f'nav.toc a[href="#i{BANK}-tiers"]').click()
    expect(tiers).to_be_visible()
    expect(tiers).to_be_in_viewport()
    expect(tiers.locator("tbody tr")).to_have_count(10)
    assert reader.evaluate(f"document.getElementById('i{BANK}-tiers').parentElement.open") is True
    shot(reader, "report-03-html-contents-opened", full_page=False)

    # everything folded: the whole report in under three screens
    reader.evaluate(FOLD_ALL)
    folded_height = reader.evaluate(HEIGHT)
    assert folded_height < 3 * SCREEN, folded_height
    assert folded_height < default_height
    gap_rows = reader.locator("tr.gap-row")
    assert gap_rows.count() > 0
    expect(gap_rows.first).to_be_hidden()
    shot(reader, "report-04-html-folded")

    # print: every folded part shown, each kind's explanation once
    reader.emulate_media(media="print")
    expect(gap_rows.first).to_be_visible()
    expect(gap_rows.last).to_be_visible()
    expect(tiers).to_be_visible()
    assert reader.evaluate(HEIGHT) > default_height
    pdf = reader.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    context.close()
    offline.check("file://")  # no http request at all: the report is self-contained
    assert all(url == report.as_uri() for url in offline.requests), offline.requests


def test_a_viewer_page_prints_without_navigation_and_unfolded(page, server):
    page, watch = page
    page.goto(f"{server}/gaps?institution={BANK}")
    detail = page.locator("details.gap-detail").first
    expect(detail).to_be_visible()
    inside = detail.locator(":scope > :not(summary)").first
    expect(inside).to_be_hidden()
    nav = page.locator("header.site nav")
    expect(nav).to_be_visible()
    page.emulate_media(media="print")
    expect(nav).to_be_hidden()
    expect(page.locator("header.site form.search")).to_be_hidden()
    expect(inside).to_be_visible()
    expect(page.locator("h1")).to_be_visible()
    assert re.search(r"\S", page.locator("main").inner_text())
    shot(page, "report-05-viewer-print")
