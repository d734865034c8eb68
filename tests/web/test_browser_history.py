"""An institution's history and what changed between two submissions, in a real headless Chromium
against the app served by waitress on loopback (issue 18, items 5 and 8).

The app is :func:`test_history.history_app`: the bank submitted three times (the oldest never
analysed) and the life insurer once, behind a token file; the browser sends the regulator's token.
The chart must be drawn with one point per analysed date per principle, each principle in its own
colour and shape, dates left to right; the date selector must change the comparison. No console
error, no request leaving the machine; screenshots go to ``test-output/screenshots/``.

Needs Debian's Chromium at /usr/bin/chromium; without it the tests fail, they are never skipped.
"""

from __future__ import annotations

import re

import pytest
import test_browser
import test_history
from playwright.sync_api import expect
from test_history import AS, EARLIER, LATEST, OLDEST, A

browser, server, Watch, shot = test_browser.browser, test_browser.server, test_browser.Watch, test_browser.shot
app = test_history.app  # what ``server`` serves: the bank's three submissions (overrides the examples' app)
PRINCIPLES = 7  # the general chapter and principles 1-6


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW",
                                  extra_http_headers=AS["regulator"])
    page = context.new_page()
    watch = Watch(page)
    yield page, watch
    watch.check(server)
    context.close()


def test_the_history_chart_has_one_point_per_date_and_principle(page, server):
    page, _ = page
    page.goto(f"{server}/institution/{A}")
    page.locator("a.history-link").click()
    page.wait_for_url(re.compile(rf"/institution/{A}/history$"))
    expect(page.locator("h1")).to_contain_text("申報歷程")
    expect(page.locator("h1")).to_contain_text("Submission history")
    expect(page.locator("tr.submission")).to_have_count(3)
    assert page.locator("tr.submission").evaluate_all("rows => rows.map(r => r.dataset.date)") == [OLDEST, EARLIER, LATEST]
    expect(page.locator("tr.submission").first).to_contain_text("not analysed")

    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.series")).to_have_count(PRINCIPLES)
    expect(chart.locator("path.point")).to_have_count(2 * PRINCIPLES)  # the oldest has no analysis: no point
    series = chart.locator("g.series").evaluate_all("""groups => groups.map(g => {
        const points = [...g.querySelectorAll('path.point')];
        return {principle: g.dataset.principle,
                fill: getComputedStyle(points[0]).fill, stroke: getComputedStyle(g.querySelector('path.line')).stroke,
                dates: points.map(p => p.dataset.date), values: points.map(p => Number(p.dataset.value)),
                boxes: points.map(p => { const b = p.getBBox(); return [b.x + b.width / 2, b.y + b.height / 2, b.width]; })};
    })""")
    assert len({s["fill"] for s in series}) == PRINCIPLES  # a colour of its own per principle
    assert all(s["fill"] == s["stroke"] and s["fill"].startswith("rgb(") for s in series)
    height = chart.evaluate("svg => svg.viewBox.baseVal.height")
    for s in series:
        assert s["dates"] == [EARLIER, LATEST]
        (x1, y1, w1), (x2, y2, w2) = s["boxes"]
        assert x1 < x2 and w1 > 0 and w2 > 0  # dates left to right, each point drawn
        assert (y1 > y2) == (s["values"][0] < s["values"][1]) or s["values"][0] == s["values"][1]
        assert 0 < y1 < height and 0 < y2 < height
    # the numbers beside the chart are the points' values
    numbers = page.locator("table.chart-numbers tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent.trim()))")
    assert numbers == [["—", *(str(v) for v in s["values"])] for s in series]
    page.locator("figure.history-chart").scroll_into_view_if_needed()
    shot(page, "history-chart")


def test_the_date_selector_changes_the_comparison(page, server):
    page, _ = page
    page.goto(f"{server}/institution/{A}/history")
    page.locator(f'tr.submission[data-date="{LATEST}"] a.changes-link').click()
    page.wait_for_url(re.compile(rf"/institution/{A}/changes\?from={EARLIER}&to={LATEST}$"))
    expect(page.locator("h1")).to_contain_text("What changed between two submissions")
    expect(page.locator("select[name=from]")).to_have_value(EARLIER)
    expect(page.locator("select[name=to]")).to_have_value(LATEST)
    default = page.locator("tr.change").count()
    assert default == 2  # a system retired, a statement implemented
    expect(page.locator("tr.change[data-aspect=system]")).to_contain_text("Legacy scoring model")
    expect(page.locator("h3.gaps-closed")).to_be_visible()
    shot(page, "history-changes")

    page.locator("select[name=from]").select_option(OLDEST)
    page.locator("form.compare button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/institution/{A}/changes\?from={OLDEST}&to={LATEST}$"))
    expect(page.locator("select[name=from]")).to_have_value(OLDEST)
    expect(page.locator("tr.change")).to_have_count(default + 1)  # one more statement was planned then
    expect(page.locator("main")).to_contain_text("Gaps are compared only when both submissions have been analysed")
    expect(page.locator("table.compare-counts tr[data-count=gaps] td").first).to_have_text("—")
    shot(page, "history-changes-oldest")

    page.locator("select[name=from]").select_option(LATEST)  # not earlier than "to": a bilingual 400
    page.locator("form.compare button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("請求不完整")
    assert f"from={LATEST}&to={LATEST}" in page.url
    _.check(server, statuses=(400,))
    _.errors.clear()
