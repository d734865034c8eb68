"""The viewer in a real headless Chromium against the app served by waitress on loopback.

An analyst's walk: home → the bank's coverage matrix → a cell → a measure → an AI system → the
trace of one of its gaps (drawn by Cytoscape.js; a click on the evidence node) → the evidence
page. Every page is asserted on what it shows; no console error may appear and no request may
leave the machine. Screenshots go to ``test-output/screenshots/``.

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``); without it the
tests fail, they are never skipped.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from waitress import create_server

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "test-output" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
BANK = "83910461"
AML = "https://bank.example.tw/fscai/aml-monitoring"
AML_VALIDATION = "https://bank.example.tw/fscai/ev-aml-validation"
CHATBOT = "https://bank.example.tw/fscai/chatbot"
DRAWN = "() => window.cy && document.getElementById('cy').getAttribute('data-ready') === '1'"


@pytest.fixture(scope="module")
def server(app):
    """The app behind waitress on a free loopback port, in a background thread."""
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4, ident="fscai-test")
    thread = threading.Thread(target=wsgi.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()
    wsgi.task_dispatcher.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with `apt-get install chromium`", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watch:
    """Console errors, uncaught page errors and every request URL of one page. A page answered
    with an error status (a 404 asked for, a wrong token's 401) makes Chromium log "Failed to
    load resource"; those are allowed only for the ``statuses`` a test names, and URLs of the
    ``local`` schemes (``data:``, ``blob:``: made in the page) only where a test names them."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def check(self, base: str, statuses: tuple[int, ...] = (), local: tuple[str, ...] = ()) -> None:
        allowed = tuple(f"the server responded with a status of {code}" for code in statuses)
        unexpected = [e for e in self.errors
                      if not (allowed and "Failed to load resource" in e and any(a in e for a in allowed))]
        assert unexpected == [], unexpected
        outside = [url for url in self.requests if not url.startswith(base + "/") and not (local and url.startswith(local))]
        assert outside == [], f"requests left the machine: {outside}"
        assert self.requests, "no request was seen at all"
        assert all(urlsplit(url).hostname == "127.0.0.1" for url in self.requests if url.startswith("http"))


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
    page = context.new_page()
    watch = Watch(page)
    yield page, watch
    watch.check(server)
    context.close()


def shot(page: Page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    return path


def test_analyst_walks_from_home_to_a_gaps_evidence(page, server):
    page, watch = page
    # home: the institutions, their submission dates and gaps per principle
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("已申報之金融機構")
    expect(page.locator("h1")).to_contain_text("Institutions loaded")
    expect(page.locator("tr.institution")).to_have_count(4)
    bank_row = page.locator("tr.institution", has=page.locator(f'a[href="/institution/{BANK}"]'))
    expect(bank_row).to_contain_text("瀚海商業銀行股份有限公司")
    expect(bank_row).to_contain_text("2026-10-30")
    shot(page, "01-home")

    # the bank's coverage matrix
    bank_row.locator("a.matrix-link").click()
    page.wait_for_url(re.compile(rf"/matrix\?institution={BANK}$"))
    expect(page.locator("table.matrix tbody tr")).to_have_count(7)
    expect(page.locator("table.matrix thead")).to_contain_text("模型建立及驗證")
    expect(page.locator("table.matrix thead")).to_contain_text("Model building and validation")
    cell = page.locator('td[data-chapter="2"][data-stage="S3"]')
    expect(cell).to_contain_text("%")
    background = cell.evaluate("td => getComputedStyle(td).backgroundColor")
    assert background.startswith("rgb(") and background != "rgba(0, 0, 0, 0)"  # coloured by its share
    shot(page, "02-matrix")

    # one cell: principle 2 × model building and validation
    cell.locator("a").click()
    page.wait_for_url(re.compile(r"/matrix/cell\?chapter=2&stage=S3&institution=" + BANK))
    expect(page.locator("h1")).to_contain_text("重視公平性及以人為本的價值觀")
    measure_link = page.locator('a[href="/measure/2.1.6"]')
    expect(measure_link).to_be_visible()
    shot(page, "03-matrix-cell")

    # the measure: the guideline's text, its stage and where it applies
    measure_link.click()
    page.wait_for_url(re.compile(r"/measure/2\.1\.6$"))
    expect(page.locator("blockquote.guideline")).to_contain_text("自行檢驗模型對不同群體之產出結果")
    expect(page.locator("blockquote.guideline")).to_contain_text(
        "Test in-house the model's outputs for different groups")
    expect(page.locator("dl.facts")).to_contain_text("依欄位順序推定")
    system_link = page.locator(f'tr.application a[href="/system?iri={AML}"]')
    expect(system_link).to_be_visible()
    shot(page, "04-measure")

    # the AI system: factors, tiers, gaps with why and what is missing
    system_link.click()
    page.wait_for_url(re.compile(r"/system\?iri=.*aml-monitoring$"))
    expect(page.locator("h1")).to_contain_text("交易監控可疑交易預警模型")
    expect(page.locator("tr.factor")).to_have_count(6)
    expect(page.locator("dl.tier")).to_contain_text("高風險")
    gap_row = page.locator("tr.gap-row", has=page.locator(".gap-EvidenceReviewOverdue")).filter(
        has=page.locator('a[href="/measure/2.1.6"]'))
    expect(gap_row).to_contain_text("佐證已逾下次檢視日")  # the kind's short name; what it lacks, with its group:
    expect(page.locator("text=佐證資料已逾其下次檢視日").first).to_be_visible()
    shot(page, "05-system", full_page=False)

    # the gap's trace: the path principle → section → measure → system → gap, and the drawing (no console warning)
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    gap_row.locator("summary").click()  # its details open on demand
    gap_row.locator("a.trace-link").click()
    page.wait_for_url(re.compile(r"/trace\?iri=urn(:|%3A)fscai(:|%3A)gap(:|%3A)EvidenceReviewOverdue(:|%3A)2\.1\.6"))
    expect(page.locator("ol.path li")).to_have_count(5)
    expect(page.locator("ol.path")).to_contain_text("交易監控可疑交易預警模型")
    expect(page.locator("h2").first).to_contain_text("Why this gap")
    page.wait_for_function(DRAWN)
    drawn = page.evaluate("cy.nodes().length")
    expected = page.evaluate("fetch(document.getElementById('cy').dataset.src).then(r => r.json())"
                             ".then(d => d.elements.filter(e => e.group === 'nodes').length)")
    assert drawn == expected == 6  # principle, section, measure, system, gap, its overdue evidence
    gap_style = page.evaluate("(() => { const g = cy.nodes('[kind = \"gap\"]'); "
                              "return [g.length, g.style('shape'), g.style('background-color')]; })()")
    assert gap_style == [1, "diamond", "rgb(213,94,0)"]  # gaps drawn distinctly: Okabe–Ito vermillion diamonds
    expect(page.locator("#cy-status")).to_contain_text("drew 6 nodes")
    page.locator("#cy").scroll_into_view_if_needed()
    shot(page, "06-trace-gap", full_page=False)

    # a click on the evidence node highlights it; its panel's link opens its page
    target = page.evaluate("""(() => {
        const node = cy.nodes('[kind = "evidence"]')[0];
        const box = document.getElementById('cy').getBoundingClientRect();
        const at = node.renderedPosition();
        return {x: box.left + at.x, y: box.top + at.y, id: node.id()};
    })()""")
    assert target["id"] == AML_VALIDATION
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function(f"document.getElementById('cy').dataset.picked === {AML_VALIDATION!r}")
    assert "/trace?" in page.url and warnings == []
    page.locator("#trace-open").click()
    page.wait_for_url(re.compile(r"/evidence\?iri=.*ev-aml-validation$"))
    expect(page.locator("h1")).to_contain_text("佐證資料")
    expect(page.locator("dl.facts")).to_contain_text("已逾檢視日")
    expect(page.locator("dl.facts")).to_contain_text("review overdue")
    expect(page.locator("table.citations")).to_contain_text("2.1.6")
    shot(page, "07-evidence")
    watch.check(server)


def test_trace_of_a_system_draws_every_node_and_clicking_a_measure_opens_it(page, server):
    page, watch = page
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(f"{server}/trace?iri={quote(CHATBOT)}")
    page.wait_for_function(DRAWN)
    page.locator("button[data-collapse=none]").first.click()  # it starts collapsed: 115 nodes
    page.wait_for_function(DRAWN)
    counts = page.evaluate("[cy.nodes().not('.hidden').length, cy.edges().not('.meta').length,"
                           " cy.nodes('[kind = \"gap\"]').length, cy.nodes('[?focus]').id()]")
    expected = page.evaluate("fetch(document.getElementById('cy').dataset.src).then(r => r.json())"
                             ".then(d => [d.node_count, d.edge_count])")
    assert counts[:2] == expected and counts[0] > 50 and counts[2] >= 1  # the mature bank's chatbot: one gap (2.3.1)
    assert counts[3] == CHATBOT
    page.locator("#cy").scroll_into_view_if_needed()
    shot(page, "08-trace-system", full_page=False)
    target = page.evaluate("""(() => {
        cy.fit(cy.nodes('[notation = "2.1.3"]'), 200);
        const node = cy.nodes('[notation = "2.1.3"][kind = "measure"]')[0];
        const box = document.getElementById('cy').getBoundingClientRect();
        const at = node.renderedPosition();
        return {x: box.left + at.x, y: box.top + at.y};
    })()""")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function("(document.getElementById('cy').dataset.picked || '').endsWith('measure-2.1.3')")
    page.locator("#trace-open").click()
    page.wait_for_url(re.compile(r"/measure/2\.1\.3$"))
    assert warnings == []
    expect(page.locator("blockquote.guideline")).to_contain_text("提供救濟管道")
    watch.check(server)


def test_search_and_a_bilingual_catalogue_in_the_browser(page, server):
    page, watch = page
    page.goto(server + "/")
    page.fill("header form.search input[name=q]", "救濟")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.locator('ul.results-measure a[href="/measure/2.1.3"]').click()
    page.wait_for_url(re.compile(r"/measure/2\.1\.3$"))
    page.locator("nav a[href='/catalogue']").click()
    page.wait_for_url(re.compile(r"/catalogue$"))
    expect(page.locator("ul.tree")).to_contain_text("落實公平性")
    expect(page.locator("ul.tree")).to_contain_text("Implementing fairness")
    assert page.locator('ul.tree a[href^="/measure/"]').count() == 97  # 93 measures and the 4 main concepts assessed on their own have pages
    shot(page, "09-catalogue", full_page=False)
    watch.check(server)
