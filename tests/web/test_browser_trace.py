"""The layered trace (issue 18, item 3) in a real headless Chromium against the app served by waitress.

On the bank's chatbot (a system: 115 nodes with the guideline's context, so it starts with every
principle collapsed and says what is hidden) and on the bank itself (an institution: 62 nodes, drawn
whole): nodes lie in layers by kind (principle above section above measure above subject above
evidence and gap, every measure above the subjects it applies to); collapsing and expanding a
principle changes what is drawn by its group's size; "gaps only" leaves the gaps and their paths;
a kind filter hides its kind; a hover shows the tooltip; a click highlights the node's neighbours and
stays on the page, the panel's link opens the node's page; the zoom buttons zoom; PNG and SVG
downloads are real images. No console error or warning, no request leaving the machine.
Screenshots: ``trace-layered-system``, ``trace-layered-institution``, ``trace-collapsed-large``.

Needs Debian's Chromium at /usr/bin/chromium; without it the tests fail, they are never skipped.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
import test_browser
from playwright.sync_api import Page, expect

#: Chromium and the served app as the viewer's own browser tests have them, their watch of a page and screenshots.
browser, server, Watch, shot = test_browser.browser, test_browser.server, test_browser.Watch, test_browser.shot
CHATBOT, BANK_IRI = test_browser.CHATBOT, "https://bank.example.tw/fscai/bank"
MEASURE = "https://w3id.org/fscai/guideline/draft/measure-2.1.3"
DRAWN = test_browser.DRAWN
LAYER = {"principle": 0, "chapter": 0, "section": 1, "measure": 2, "institution": 3, "system": 3, "vendor": 3,
         "evidence": 4, "gap": 4}
VISIBLE = "cy.nodes().not('.hidden')"


class TraceWatch(Watch):
    """:class:`test_browser.Watch`, and console warnings too (Cytoscape warned on every trace page)."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.warnings: list[str] = []
        page.on("console", lambda m: self.warnings.append(m.text) if m.type == "warning" else None)

    def check(self, base: str, statuses: tuple[int, ...] = (), local: tuple[str, ...] = ("blob:",)) -> None:
        assert self.warnings == [], self.warnings
        super().check(base, statuses, local)


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW", accept_downloads=True)
    page = context.new_page()
    watch = TraceWatch(page)
    yield page, watch
    watch.check(server)
    context.close()


def open_trace(page: Page, server: str, iri: str, depth: int = 1) -> dict:
    """Open the trace page, wait for the drawing; the page's data from /api/trace (the JSON twin)."""
    page.goto(f"{server}/trace?iri={quote(iri)}&depth={depth}")
    page.wait_for_function(DRAWN)
    return page.evaluate("fetch(document.getElementById('cy').dataset.src).then(r => r.json())")


def act(page: Page, locator) -> None:
    """Click a control that changes the drawing and wait for the new layout."""
    locator.click()
    page.wait_for_function(DRAWN)


def visible(page: Page) -> list[dict]:
    return page.evaluate(f"{VISIBLE}.map(n => ({{id: n.id(), kind: n.data('kind'), y: n.position('y'),"
                         " group: n.data('group') || null}))")


def assert_layered(page: Page) -> None:
    """Every visible node's layer by kind: each layer wholly above the next, and every measure above
    the subjects it applies to (and every subject above its gaps and evidence)."""
    nodes = visible(page)
    by_layer: dict[int, list[float]] = {}
    for n in nodes:
        by_layer.setdefault(LAYER[n["kind"]], []).append(n["y"])
    layers = sorted(by_layer)
    assert len(layers) >= 3, by_layer.keys()
    for upper, lower in zip(layers, layers[1:]):
        assert max(by_layer[upper]) < min(by_layer[lower]), (upper, lower)
    edges = page.evaluate("cy.edges().not('.hidden').filter(e => ['appliesTo', 'hasGap', 'evidencedBy',"
                          " 'hasMeasure', 'hasSection'].includes(e.data('rel')))"
                          ".map(e => [e.source().position('y'), e.target().position('y')])")
    assert edges and all(above < below for above, below in edges)


def test_system_trace_starts_collapsed_and_expands_into_layers(page, server):
    page, watch = page
    data = open_trace(page, server, CHATBOT)
    assert data["collapsed"] and data["node_count"] > data["collapse_above"] == 80
    hidden, groups = data["hidden"], data["hidden_groups"]
    assert hidden == sum(g["size"] for g in data["groups"]) and groups == len(data["groups"]) >= 5
    note = page.locator("#trace-hidden")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"已隱藏 {hidden} 個節點，收合於 {groups} 個原則群組")
    expect(note).to_contain_text(f"{hidden} nodes hidden in {groups} collapsed groups")
    assert len(visible(page)) == data["node_count"] - hidden
    assert page.evaluate(f"{VISIBLE}.filter('[kind = \"measure\"]').length") == 0
    assert_layered(page)

    # one principle expanded: its sections, measures and gaps come back, the message counts the rest
    fairness = next(g for g in data["groups"] if g["notation"] == "2")
    act(page, page.locator(f'button.group-toggle[data-group="{fairness["id"]}"]'))
    assert len(visible(page)) == data["node_count"] - hidden + fairness["size"]
    expect(note).to_contain_text(f"{hidden - fairness['size']} nodes hidden in {groups - 1} collapsed groups")
    assert_layered(page)
    assert page.evaluate(f"{VISIBLE}.filter('[kind = \"measure\"]').every(n => n.data('group') === '{fairness['id']}')")
    page.locator("#cy").scroll_into_view_if_needed()
    shot(page, "trace-layered-system", full_page=False)

    # everything expanded: the whole drawing in layers, the message gone; collapsed again: as at first
    act(page, note.locator("button[data-collapse=none]"))
    expect(note).to_be_hidden()
    assert len(visible(page)) == data["node_count"]
    assert_layered(page)
    act(page, page.locator("button[data-collapse=all]").first)
    assert len(visible(page)) == data["node_count"] - hidden
    watch.check(server)


def test_institution_trace_is_layered_with_gaps_only_and_kind_filters(page, server):
    page, watch = page
    data = open_trace(page, server, BANK_IRI)
    assert not data["collapsed"] and data["hidden"] == 0 and data["node_count"] <= 80
    expect(page.locator("#trace-hidden")).to_be_hidden()
    assert len(visible(page)) == data["node_count"]
    assert_layered(page)
    page.locator("#cy").scroll_into_view_if_needed()
    shot(page, "trace-layered-institution", full_page=False)

    # gaps only: every gap and what explains it (subject, measure, section, principle), nothing else
    nodes = {e["data"]["id"]: e["data"] for e in data["elements"] if e["group"] == "nodes"}
    gaps = [n for n in nodes.values() if n["kind"] == "gap"]
    expected = {BANK_IRI} | {g["id"] for g in gaps} | {g["subject"] for g in gaps} | {g["group"] for g in gaps}
    for g in gaps:
        if g["measure"] in nodes:
            expected |= {g["measure"], nodes[g["measure"]].get("section")}
    act(page, page.locator("#gaps-only"))
    shown = {n["id"] for n in visible(page)}
    assert shown == {n for n in expected if n in nodes} and len(gaps) >= 1
    assert not any(nodes[n]["kind"] == "evidence" for n in shown)
    act(page, page.locator("#gaps-only"))
    assert len(visible(page)) == data["node_count"]

    # a kind filter hides its kind (and the edges to it), and shows it again
    vendors = sum(1 for n in nodes.values() if n["kind"] == "vendor")
    assert vendors >= 1
    act(page, page.locator("input.kind-filter[value=vendor]"))
    assert page.evaluate(f"{VISIBLE}.filter('[kind = \"vendor\"]').length") == 0
    assert len(visible(page)) == data["node_count"] - vendors
    assert page.evaluate("cy.edges().not('.hidden').filter(e => e.target().data('kind') === 'vendor').length") == 0
    act(page, page.locator("input.kind-filter[value=vendor]"))
    assert len(visible(page)) == data["node_count"]
    watch.check(server)


def rendered(page: Page, selector: str) -> dict:
    return page.evaluate(f"""(() => {{
        const node = cy.nodes({json.dumps(selector)}).not('.hidden')[0];
        const box = document.getElementById('cy').getBoundingClientRect();
        const at = node.renderedPosition();
        return {{x: box.left + at.x, y: box.top + at.y, id: node.id(), url: node.data('url'),
                 zh: node.data('label_zh'), en: node.data('label_en')}};
    }})()""")


def test_hover_tooltip_click_highlights_and_the_panel_opens_the_page(page, server):
    page, watch = page
    open_trace(page, server, BANK_IRI)
    page.locator("#cy").scroll_into_view_if_needed()
    vendor = rendered(page, "[kind = 'vendor']")
    page.mouse.move(vendor["x"] - 30, vendor["y"] - 30)
    page.mouse.move(vendor["x"], vendor["y"], steps=5)
    tip = page.locator("#cy-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(vendor["zh"])
    expect(tip).to_contain_text(vendor["en"])
    expect(tip).to_contain_text("第三方業者")

    url = page.url
    page.mouse.click(vendor["x"], vendor["y"])
    page.wait_for_function(f"document.getElementById('cy').dataset.picked === {vendor['id']!r}")
    assert page.url == url  # a click highlights; it does not navigate
    neighbours = page.evaluate(f"cy.getElementById({vendor['id']!r}).closedNeighborhood().nodes().map(n => n.id())")
    assert page.evaluate("cy.nodes('.faded').length") == page.evaluate("cy.nodes().length") - len(neighbours)
    assert page.evaluate(f"cy.getElementById({vendor['id']!r}).closedNeighborhood().nodes('.faded').length") == 0
    panel = page.locator("#trace-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(vendor["zh"])
    expect(panel.locator(".panel-near")).to_have_text(str(len(neighbours) - 1))
    shot(page, "trace-picked", full_page=False)

    # a click on the background clears it; the panel's link opens the page
    page.mouse.click(vendor["x"] + 3, vendor["y"] - 40)
    expect(panel).to_be_hidden()
    assert page.evaluate("cy.elements('.faded').length") == 0
    page.mouse.click(vendor["x"], vendor["y"])
    page.locator("#trace-open").click()
    page.wait_for_url(re.compile(r"/vendor\?iri="))
    assert page.url.endswith(vendor["url"])
    watch.check(server)


def test_zoom_buttons_and_png_and_svg_downloads(page, server, tmp_path: Path):
    page, watch = page
    open_trace(page, server, BANK_IRI)
    before = page.evaluate("cy.zoom()")
    page.locator("button[data-zoom=in]").click()
    assert page.evaluate("cy.zoom()") == pytest.approx(before * 1.25)
    page.locator("button[data-zoom=out]").click()
    page.locator("button[data-zoom=out]").click()
    assert page.evaluate("cy.zoom()") == pytest.approx(before * 0.8)
    page.locator("button[data-zoom=fit]").click()
    assert page.evaluate("cy.zoom()") == pytest.approx(before, rel=0.02)

    with page.expect_download() as png:
        page.locator("#export-png").click()
    assert png.value.suggested_filename == "fscai-trace-institution.png"
    png_path = tmp_path / "trace.png"
    png.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png_path.stat().st_size > 10_000

    with page.expect_download() as svg:
        page.locator("#export-svg").click()
    assert svg.value.suggested_filename == "fscai-trace-institution.svg"
    svg_path = tmp_path / "trace.svg"
    svg.value.save_as(svg_path)
    root = ET.parse(svg_path).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    groups = root.findall(".//s:g[@class='nodes']/s:g", ns)
    assert len(groups) == page.evaluate(f"{VISIBLE}.length")
    assert any("瀚海商業銀行" in "".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert root.findall(".//s:polygon", ns) and root.findall(".//s:path", ns)  # gaps' diamonds, edges
    watch.check(server)


def test_a_large_trace_starts_collapsed_and_says_what_is_hidden(page, server):
    page, watch = page
    data = open_trace(page, server, MEASURE, depth=2)
    assert data["node_count"] > 250 and data["left_out"] > 0 and data["collapsed"]
    hidden, groups = data["hidden"], data["hidden_groups"]
    note = page.locator("#trace-hidden")
    expect(note).to_contain_text(f"{hidden} nodes hidden in {groups} collapsed groups")
    assert hidden > 200  # the gaps of the systems the measure applies to, under their principles
    assert len(visible(page)) == data["node_count"] - hidden <= 40
    assert page.evaluate(f"{VISIBLE}.filter('[kind = \"gap\"]').length") == 0
    assert page.evaluate("cy.edges('.meta').not('.hidden').length") >= groups  # each collapsed principle linked
    assert_layered(page)
    page.locator("#cy").scroll_into_view_if_needed()
    shot(page, "trace-collapsed-large", full_page=False)
    act(page, note.locator("button[data-collapse=none]"))
    assert len(visible(page)) == data["node_count"]
    watch.check(server)
