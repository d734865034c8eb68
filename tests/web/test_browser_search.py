"""Search across everything in a real headless Chromium against the examples' app served by
waitress on loopback (issue 18, items 6 and 8): typing 公平 in the header's search box lists the
results grouped by kind, each group with its count, the words highlighted; a group's "show all"
narrows to that kind; a click opens the result's page. No console error, no request leaving the
machine; screenshots go to ``test-output/screenshots/``.

Needs Debian's Chromium at /usr/bin/chromium; without it the tests fail, they are never skipped.
"""

from __future__ import annotations

import re

import test_browser
from playwright.sync_api import expect

browser, server, page, Watch, shot = (test_browser.browser, test_browser.server, test_browser.page,
                                      test_browser.Watch, test_browser.shot)


def test_search_from_the_header_groups_results_and_opens_one(page, server):
    page, watch = page
    page.goto(server + "/catalogue")
    box = page.locator("header form.search input[name=q]")
    box.fill("公平")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=%E5%85%AC%E5%B9%B3$"))
    groups = page.locator("section.search-group")
    kinds = groups.evaluate_all("sections => sections.map(s => s.dataset.kind)")
    assert kinds[:4] == ["principle", "section", "MainConcept", "measure"] and "DefinedTerm" in kinds
    principle = page.locator("#kind-principle")
    expect(principle.locator("h2")).to_contain_text("核心原則")
    expect(principle.locator("h2 .count")).to_have_text("(1)")
    expect(page.locator("#kind-section li")).to_have_count(1)
    expect(page.locator("#kind-DefinedTerm")).to_contain_text("公平性")
    counts = page.locator("nav.search-kinds .count").all_inner_texts()
    assert len(counts) == len(kinds) and all(c.isdigit() and int(c) >= 1 for c in counts)
    assert page.locator("#kind-principle mark").first.inner_text() == "公平"
    expect(page.locator("#kind-measure li")).to_have_count(10)  # the best ten, then "show all"
    shot(page, "search-groups", full_page=False)

    page.locator("#kind-measure p.more a").click()
    page.wait_for_url(re.compile(r"kind=measure"))
    expect(page.locator("section.search-group")).to_have_count(1)
    total = int(page.locator("#kind-measure h2 .count").inner_text().strip("()"))
    assert page.locator("#kind-measure li").count() == total > 10

    page.go_back()
    page.locator('#kind-section a[href="/section/2.1"]').click()
    page.wait_for_url(re.compile(r"/section/2\.1$"))
    expect(page.locator("h1")).to_contain_text("落實公平性")
    watch.check(server)


def test_a_defined_term_leads_to_its_measures_and_a_system_to_its_page(page, server):
    page, watch = page
    page.goto(server + "/search?q=" + "公平性")
    first = page.locator("#kind-measure li a").first
    expect(first).to_have_attribute("href", re.compile(r"/measure/2\.1\.(6|9)$"))
    expect(page.locator("#kind-measure .snippet").first).to_contain_text("公平性")
    box = page.locator("form.search-page input[name=q]")
    box.fill("小瀚")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=%E5%B0%8F%E7%80%9A"))
    page.locator("#kind-system li a").first.click()
    page.wait_for_url(re.compile(r"/system\?iri="))
    expect(page.locator("h1")).to_contain_text("小瀚")
    watch.check(server)
