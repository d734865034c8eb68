"""The supervisor's market dashboard, the coverage matrix's palette and YASGUI's results in a real
headless Chromium against the app served by waitress (the local user: the regulator's view).

The dashboard's four charts are drawn (one SVG bar per table row, each bar as long as its number
says), a chart's query link opens ``/sparql`` on that query and runs it (the same numbers), the
selectors narrow the charts through the URL; the matrix is coloured from the colour-blind-safe
scale; YASGUI's results scroll inside their box and its row numbers (three digits and more) stay
in their column. No console error, no request leaving the machine. Screenshots go to
``test-output/screenshots/`` (``market-dashboard`` is the README's).

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``); without it the
tests fail, they are never skipped.
"""

from __future__ import annotations

import re

import test_browser
from playwright.sync_api import expect

#: Chromium, the app served by waitress, a watched page and screenshots, as the viewer's own browser tests have them.
browser, server, page, shot = test_browser.browser, test_browser.server, test_browser.page, test_browser.shot
CHARTS = ("ranking", "missing", "vendors", "tiers")
RESULTS = ".tabPanel.active .yasr table tbody tr"


def bars_and_rows(page, chart: str) -> tuple[list[float], list[float], list[str]]:
    """The chart's bar lengths (SVG user units, stacked segments summed), their values, and the
    numbers its table prints in the same column."""
    widths = page.eval_on_selector_all(
        f'svg[data-chart="{chart}"] g.bar',
        "gs => gs.map(g => [...g.querySelectorAll('rect')].reduce((w, r) => w + r.width.baseVal.value, 0))")
    values = page.eval_on_selector_all(f'svg[data-chart="{chart}"] g.bar', "gs => gs.map(g => +g.dataset.value)")
    column = {"ranking": "td.gaps", "missing": "td.gaps", "vendors": "td.systems", "tiers": "td.systems"}[chart]
    printed = page.eval_on_selector_all(f'table[data-chart="{chart}"] tbody tr {column}', "tds => tds.map(t => t.textContent.trim())")
    return widths, values, printed


def test_the_dashboard_draws_each_chart_with_its_numbers(page, server):
    page, watch = page
    page.goto(server + "/")
    page.locator("header.site a.nav-market").click()  # the regulator's nav link
    page.wait_for_url(re.compile(r"/market$"))
    expect(page.locator("h1")).to_contain_text("市場概況")
    expect(page.locator("h1")).to_contain_text("Market dashboard")
    for chart in CHARTS:
        widths, values, printed = bars_and_rows(page, chart)
        assert len(widths) == len(printed) > 0, chart
        assert [str(int(v)) for v in values] == printed, chart  # the bars are the table's numbers
        top = max(values)
        for width, value in zip(widths, values):  # each bar as long as its number (one scale per chart)
            assert abs(width - value / top * max(widths)) < 0.6, (chart, width, value)
        expect(page.locator(f'section#{chart} a.query-link')).to_be_visible()
    expect(page.locator('table[data-chart="ranking"] tbody tr')).to_have_count(4)  # every example institution
    hhi = page.locator("strong.hhi-value").inner_text()
    assert 0 < int(hhi) <= 10_000
    # the most-missing bars are stacked per gap kind, coloured from the palette, each with its kind as a tooltip
    fills = page.eval_on_selector_all('svg[data-chart="missing"] rect.segment', "rs => rs.map(r => getComputedStyle(r).fill)")
    palette = page.evaluate("""() => [1, 2, 3, 4, 5, 6].map(n => {
        const probe = document.createElement('span'); probe.style.color = `var(--kind-${n})`;
        document.body.appendChild(probe); const c = getComputedStyle(probe).color; probe.remove(); return c; })""")
    assert fills and set(fills) <= set(palette) and len(set(palette)) == 6
    shot(page, "market-dashboard")

    # the principle selector narrows the ranking through the URL
    page.select_option('select[name="principle"]', "2")
    page.wait_for_url(re.compile(r"/market\?principle=2#ranking$"))
    widths, values, printed = bars_and_rows(page, "ranking")
    assert len(widths) == 4 and values == sorted(values, reverse=True)
    expect(page.locator("section#ranking .chart-tools")).to_contain_text("重視公平性及以人為本的價值觀")
    # and the kind selector the most-missing measures, keeping the principle
    page.select_option('select[name="kind"]', "Partial")
    page.wait_for_url(re.compile(r"/market\?principle=2&kind=Partial#missing$"))
    expect(page.locator('table[data-chart="missing"] thead th[title]')).to_have_count(1)
    widths, values, printed = bars_and_rows(page, "missing")
    assert 0 < len(widths) <= 10 and values == sorted(values, reverse=True)
    watch.check(server)


def test_a_charts_query_link_opens_sparql_with_that_query(page, server):
    page, watch = page
    page.goto(server + "/market")
    hhi = page.locator("strong.hhi-value").inner_text()
    systems = page.eval_on_selector_all('table[data-chart="vendors"] tbody td.systems', "tds => tds.map(t => t.textContent)")
    page.locator("section#vendors a.query-link").click()
    page.wait_for_url(re.compile(r"/sparql/ui\?query=vendor-concentration$"))
    expect(page.locator("body")).to_have_attribute("data-opened-query", "vendor-concentration")
    expect(page.locator(".yasgui .tabsList .tab.active")).to_contain_text("第三方業者集中度")
    page.wait_for_selector(RESULTS, timeout=60_000)  # run at once: the first query starts the endpoint's workers
    rows = page.locator(RESULTS)
    expect(rows).to_have_count(len(systems))
    header = page.eval_on_selector_all(".tabPanel.active .yasr table thead th", "ths => ths.map(t => t.textContent.trim())")
    cells = [[re.sub(r'^"(.*)"\^\^xsd:\w+$', r"\1", text) for text in rows.nth(i).locator("td").all_inner_texts()]
             for i in range(len(systems))]  # YASR prints typed literals as "7"^^xsd:integer
    assert [row[header.index("systems")] for row in cells] == systems  # the numbers beside the chart
    assert {row[header.index("hhi")] for row in cells} == {hhi}
    watch.check(server)


def test_the_matrix_is_coloured_from_the_colour_blind_safe_scale(page, server):
    page, watch = page
    page.goto(server + "/matrix")
    scale = page.evaluate("""() => [0, 1, 2, 3, 4, 5].map(n => {
        const probe = document.createElement('span'); probe.style.backgroundColor = `var(--seq-${n})`;
        document.body.appendChild(probe); const c = getComputedStyle(probe).backgroundColor; probe.remove(); return c; })""")
    assert len(set(scale)) == 6
    cells = page.eval_on_selector_all("table.matrix td.cell:not(.empty)", """tds => tds.map(td => [
        getComputedStyle(td).backgroundColor, td.querySelector('.share').textContent.trim(),
        td.querySelector('.counts').textContent.trim()])""")
    shown = [(colour, share, counts) for colour, share, counts in cells if share.endswith("%")]
    assert len(shown) >= 10
    for colour, share, counts in shown:  # each cell's colour is the step of its printed share
        evidenced, applicable = map(int, re.match(r"(\d+)/(\d+)", counts).groups())
        assert round(100 * evidenced / applicable) == int(share[:-1])
        assert colour == scale[round(round(evidenced / applicable, 4) * 5)], (colour, share)
    assert len({colour for colour, _, _ in shown}) >= 2
    legend = page.eval_on_selector_all(".legend .scale .swatch", "ss => ss.map(s => getComputedStyle(s).backgroundColor)")
    assert legend == scale
    shot(page, "market-matrix-palette")
    watch.check(server)


def test_yasgui_results_stay_in_their_box_and_row_numbers_in_their_column(page, server):
    page, watch = page
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(server + "/sparql/ui?query=most-missing-measures")  # 130 rows, 13 columns
    page.wait_for_selector(RESULTS, timeout=60_000)
    page.locator(".tabPanel.active .dt-paging-button.last").click()  # the page of rows 101-130
    expect(page.locator(RESULTS).first.locator(".rowNumber")).to_have_text("101")
    # the row number's text and the first column's text, as drawn (it read "1015.C.4": row 101, measure 5.C.4)
    overlaps = page.evaluate("""() => [...document.querySelectorAll('.tabPanel.active .yasr table tbody tr')].map(tr => {
        const box = node => { const range = document.createRange(); range.selectNodeContents(node);
                              return range.getBoundingClientRect(); };
        const number = box(tr.querySelector('.rowNumber')), first = box(tr.children[1]);
        return [tr.querySelector('.rowNumber').textContent, number.right, first.left,
                tr.children[0].getBoundingClientRect().right]; })""")
    assert len(overlaps) == 30
    for number, number_right, first_left, cell_right in overlaps:
        assert number_right <= cell_right and first_left - number_right >= 6, (number, number_right, first_left)
    widths = page.evaluate("""() => { const box = document.querySelector('.tabPanel.active .yasr');
        return [document.documentElement.scrollWidth, window.innerWidth, box.getBoundingClientRect().right,
                document.querySelector('.tabPanel.active .yasr table').getBoundingClientRect().width]; }""")
    page_width, viewport, box_right, _ = widths
    assert page_width <= viewport and box_right <= viewport  # the results scroll inside their box, not the page
    shot(page, "market-yasgui-row-numbers", full_page=False)
    watch.check(server)
