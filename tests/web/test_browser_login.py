"""The browser's login (issue 14) in a real headless Chromium against the app served by waitress.

A token file names the regulator, the bank (A, 83910461) and the life insurer (B, 53728108), as
SHA-256 digests. A visitor opens the home page as nobody (no institution shown, a sign-in link),
follows the link, gives A's token and lands back where ``next`` pointed, signed in as A: the
session cookie is HttpOnly, SameSite=Lax and holds the token's digest, never the token, and the
page's scripts cannot read it. The pages show A and not B; YASGUI (on the same origin, with no
token in its own field) sees the same principal through the cookie; the header's logout button
ends the session. A wrong token shows the bilingual error and sets no session. No request may
leave 127.0.0.1. Screenshots go to ``test-output/screenshots/``.

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``); without it the
tests fail, they are never skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import test_browser
from conftest import app_with_tokens
from playwright.sync_api import BrowserContext, Page, expect
from sparql_support import serving

from web.identity import SESSION_KEY

#: Chromium launched as the viewer's own browser tests launch it (a module fixture), their watch of a page and screenshots.
browser, Watch, shot = test_browser.browser, test_browser.Watch, test_browser.shot
A, B = "83910461", "53728108"  # the bank, the life insurer
A_NAME, A_NAME_EN = "瀚海商業銀行股份有限公司", "Hanhai Commercial Bank Co., Ltd."
B_NAME, B_NAME_EN = "永信人壽保險股份有限公司", "Yongxin Life Insurance Co., Ltd."
TOKENS = {"regulator": "regulator-token-browser-login-01", A: "bank-token-browser-login-000002",
          B: "insurer-token-browser-login-0003"}
WRONG_TOKEN = "not-a-configured-token-browser-04"
UBN_QUERY = "SELECT ?u WHERE { ?i <https://w3id.org/fscai/def#unifiedBusinessNumber> ?u }"
#: The session cookie's own name (web/identity.py): not Flask's generic "session", which every other
#: Flask app on the same host also uses (cookies are not kept apart by port).
COOKIE = "fscai_session"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with app_with_tokens(tmp_path_factory.mktemp("tokens"), TOKENS) as app:
        yield app


@pytest.fixture(scope="module")
def server(guarded):
    """The app behind waitress on a free loopback port (``http://127.0.0.1:PORT``)."""
    with serving(guarded) as served:
        assert served.url.startswith("http://127.0.0.1:")
        yield served.url


@pytest.fixture()
def visit(browser, server):
    """A fresh browser context (no cookies) and its page; requests off this origin are aborted
    (and still recorded, so :meth:`Watch.check` fails on them)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server + "/")
                  else route.abort())
    page = context.new_page()
    watch = Watch(page)
    yield context, page, watch
    context.close()


def session_cookies(context: BrowserContext, app) -> list[dict]:
    """The app's session cookies, by the name the app sets (see
    :func:`test_the_session_cookie_is_named_for_the_app` for what that name should be)."""
    return [c for c in context.cookies() if c["name"] == app.config["SESSION_COOKIE_NAME"]]


def session_payload(app, cookie: dict) -> dict:
    """What the signed cookie holds, read with the app's own key (and its signature checked)."""
    return app.session_interface.get_signing_serializer(app).loads(cookie["value"])


def fetch_json(page: Page, path: str) -> tuple[int, object]:
    """``fetch`` from the page itself: same origin, the browser's own cookies, no Authorization."""
    answer = page.evaluate("""async (path) => {
        const r = await fetch(path, {headers: {Accept: "application/json, application/sparql-results+json"}});
        return [r.status, await r.text()];
    }""", path)
    return answer[0], json.loads(answer[1])


def header(page: Page):
    return page.locator("header.site .who")


def assert_public_header(page: Page) -> None:
    who = header(page)
    expect(who.locator(".principal")).to_contain_text("public")
    expect(who.locator('a[href^="/login"]')).to_contain_text("Sign in")
    expect(who.locator('a[href^="/login"]')).to_contain_text("登入")
    expect(who.locator("form.logout")).to_have_count(0)


def assert_shows_no_institution(page: Page) -> None:
    body = page.content()
    for secret in (A, B, A_NAME, A_NAME_EN, B_NAME, B_NAME_EN):
        assert secret not in body, f"the public's page shows {secret}"
    expect(page.locator("tr.institution")).to_have_count(0)


def test_a_browser_signs_in_sees_its_own_through_pages_and_yasgui_and_signs_out(visit, server, guarded):
    context, page, watch = visit

    # 1. the home page as nobody: no institution, a sign-in link
    response = page.goto(server + "/")
    assert response.status == 200
    assert_shows_no_institution(page)
    assert_public_header(page)
    assert session_cookies(context, guarded) == []

    # 2. follow the sign-in link, give A's token: back where next pointed, signed in as A
    link = header(page).locator('a[href^="/login"]')
    href = link.get_attribute("href")
    next_path = parse_qs(urlsplit(href).query)["next"][0]
    assert urlsplit(next_path).path == "/"
    link.click()
    page.wait_for_url(re.compile(r"/login\?"))
    expect(page.locator("h1")).to_contain_text("Sign in")
    expect(page.locator("form.login input[name=next]")).to_have_value(next_path)
    expect(page.locator("#token")).to_have_attribute("type", "password")
    page.fill("#token", TOKENS[A])
    shot(page, "10-login-form")
    with page.expect_navigation():
        page.locator("form.login button[type=submit]").click()
    landed = urlsplit(page.url)
    assert landed.path + ("?" + landed.query if landed.query else "") in (next_path, next_path.rstrip("?"))
    assert TOKENS[A] not in page.url
    who = header(page)
    expect(who.locator(".principal")).to_have_text("金融機構 / institution 83910461")
    expect(who.locator("form.logout button")).to_contain_text("Sign out")
    expect(who.locator('a[href^="/login"]')).to_have_count(0)
    rows = page.locator("tr.institution")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(A_NAME)
    expect(rows).to_contain_text(A)
    assert B not in page.content() and B_NAME not in page.content()
    shot(page, "11-login-signed-in-home")

    cookies = session_cookies(context, guarded)
    assert len(cookies) == 1, context.cookies()
    cookie = cookies[0]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["domain"] == "127.0.0.1"
    assert TOKENS[A] not in cookie["value"] and quote(TOKENS[A], safe="") not in cookie["value"]
    held = session_payload(guarded, cookie)
    assert held[SESSION_KEY] == hashlib.sha256(TOKENS[A].encode()).hexdigest()
    assert TOKENS[A] not in json.dumps(held)
    assert page.evaluate("document.cookie") == ""  # HttpOnly: the page's scripts cannot read it
    assert all(TOKENS[A] not in c["value"] for c in context.cookies())

    # 3. A's own institution page; B's is a 404
    response = page.goto(f"{server}/institution/{A}")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text(A_NAME)
    expect(page.locator("dl.facts")).to_contain_text(A)
    response = page.goto(f"{server}/institution/{B}")
    assert response.status == 404
    expect(page.locator("h1.error")).to_contain_text("404")
    expect(page.locator("h1.error")).to_contain_text("Not found")
    assert B_NAME not in page.content() and B_NAME_EN not in page.content()
    expect(header(page).locator(".principal")).to_have_text("金融機構 / institution 83910461")
    status, listed = fetch_json(page, "/api/institutions")
    assert status == 200 and [i["ubn"] for i in listed] == [A]

    # 4. YASGUI, its token field left empty: the endpoint sees the cookie's principal
    page.goto(f"{server}/sparql/ui", wait_until="networkidle")
    expect(page.locator("#fscai-token")).to_have_value("")
    assert page.evaluate("window.sessionStorage.getItem('fscai-sparql-token')") is None
    page.wait_for_function("() => window.fscaiYasgui && window.fscaiYasgui.getTab()")
    page.evaluate("(q) => window.fscaiYasgui.getTab().getYasqe().setValue(q)", UBN_QUERY)
    with page.expect_request(lambda r: urlsplit(r.url).path == "/sparql" and r.method == "POST") as sent:
        page.locator(".tabPanel.active .yasqe_queryButton").click()
    request = sent.value
    assert "authorization" not in {name.lower() for name in request.all_headers()}
    assert "UNIFIEDBUSINESSNUMBER" in (request.post_data or "").upper().replace("%23", "#")
    response = request.response()
    assert response.status == 200
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr")
    cells = page.locator(".tabPanel.active .yasr table tbody").inner_text()
    assert A in cells
    assert B not in cells
    shot(page, "12-login-yasgui-result")
    # the same query by the page's own fetch (GET, same origin, no Authorization header)
    status, results = fetch_json(page, "/sparql?query=" + quote(UBN_QUERY, safe=""))
    assert status == 200
    ubns = {row["u"]["value"] for row in results["results"]["bindings"]}
    assert A in ubns and B not in ubns
    assert ubns <= {A}

    # 5. the header's logout button: home again, sign-in offered, nothing of A's readable
    with page.expect_navigation():
        header(page).locator("form.logout button").click()
    assert urlsplit(page.url).path == "/"
    assert_public_header(page)
    assert_shows_no_institution(page)
    status, listed = fetch_json(page, "/api/institutions")
    assert status == 200 and listed == []
    for cookie in session_cookies(context, guarded):
        assert SESSION_KEY not in session_payload(guarded, cookie)
    status, results = fetch_json(page, "/sparql?query=" + quote(UBN_QUERY, safe=""))
    assert status == 200
    assert not {row["u"]["value"] for row in results["results"]["bindings"]} & {A, B}
    watch.check(server, statuses=(404,), local=("data:", "blob:"))


def test_a_wrong_token_shows_the_bilingual_error_and_sets_no_session(visit, server, guarded):
    context, page, watch = visit
    page.goto(f"{server}/login?next=/institution/{A}")
    expect(page.locator("p.error")).to_have_count(0)
    page.fill("#token", WRONG_TOKEN)
    with page.expect_navigation() as answered:
        page.locator("form.login button[type=submit]").click()
    assert answered.value.status == 401
    assert urlsplit(page.url).path == "/login"
    error = page.locator("p.error[role=alert]")
    expect(error).to_contain_text("權杖無效。")
    expect(error).to_contain_text("That token is not valid.")
    expect(page.locator("#token")).to_have_value("")  # the form does not echo what was typed
    assert WRONG_TOKEN not in page.content()
    expect(page.locator("form.login input[name=next]")).to_have_value(f"/institution/{A}")
    expect(header(page).locator(".principal")).to_contain_text("public")
    expect(header(page).locator("form.logout")).to_have_count(0)
    shot(page, "13-login-wrong-token")
    for cookie in session_cookies(context, guarded):  # at most the form's one-time value, never a principal
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
        held = session_payload(guarded, cookie)
        assert SESSION_KEY not in held and WRONG_TOKEN not in json.dumps(held)
    assert page.evaluate("document.cookie") == ""
    status, listed = fetch_json(page, "/api/institutions")
    assert status == 200 and listed == []
    response = page.goto(f"{server}/institution/{A}")
    assert response.status == 404
    assert A_NAME not in page.content()
    page.goto(server + "/")
    assert_shows_no_institution(page)
    assert_public_header(page)
    watch.check(server, statuses=(401, 404), local=("data:", "blob:"))


def sign_in_as_a(page: Page, server: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#token", TOKENS[A])
    with page.expect_navigation():
        page.locator("form.login button[type=submit]").click()
    expect(header(page).locator(".principal")).to_have_text("金融機構 / institution 83910461")


def test_the_session_cookie_is_named_for_the_app(visit, server, guarded):
    """The cookie a signed-in browser holds is ``fscai_session``, as web/identity.py means it to be:
    under Flask's generic ``session`` it would be sent to, and overwritten by, any other Flask app
    on the same host (a browser keeps cookies per host, not per port), signing the visitor out."""
    context, page, watch = visit
    sign_in_as_a(page, server)
    signed = [c for c in context.cookies() if SESSION_KEY in _payload_or_empty(guarded, c)]
    assert len(signed) == 1, context.cookies()
    assert signed[0]["name"] == COOKIE, f"the session cookie is named {signed[0]['name']!r}, not {COOKIE!r}"
    watch.check(server, local=("data:", "blob:"))


def _payload_or_empty(app, cookie: dict) -> dict:
    from itsdangerous import BadSignature

    try:
        return session_payload(app, cookie)
    except BadSignature:
        return {}


def test_yasgui_does_not_tell_a_signed_in_browser_it_reads_the_catalogue_only(visit, server):
    """With its own token field empty, YASGUI's queries carry the session cookie and read A's
    graphs (see the walk above): its state line must not say "catalogue only" then."""
    _, page, watch = visit
    sign_in_as_a(page, server)
    page.goto(f"{server}/sparql/ui", wait_until="networkidle")
    state = page.locator("#fscai-token-state")
    expect(state).not_to_have_text("")
    text = state.inner_text()
    assert "僅目錄" not in text and "catalogue only" not in text, (
        f"a browser signed in as institution {A} is told {text!r}, yet its queries read its own graphs")
    watch.check(server, local=("data:", "blob:"))


CONTRAST = """(button) => {
    const rgb = (c) => c.match(/[0-9.]+/g).slice(0, 3).map(Number);
    const lum = (c) => { const v = rgb(c).map((x) => { x /= 255;
        return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
    const back = lum(getComputedStyle(button).backgroundColor);
    const parts = [button, ...button.querySelectorAll("span")];
    return parts.map((el) => { const fore = lum(getComputedStyle(el).color);
        return [el === button ? "button" : el.className, (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05)]; });
}"""


def test_the_sign_out_button_is_legible(visit, server):
    """Both words of the header's 登出 Sign out button stand out from the button (WCAG AA, 4.5:1
    for small text), as the search button's do."""
    _, page, watch = visit
    sign_in_as_a(page, server)
    search = dict(page.locator("header.site form.search button").evaluate(CONTRAST))
    assert min(search.values()) >= 4.5, search  # the header's other button: the bar to meet
    ratios = dict(header(page).locator("form.logout button").evaluate(CONTRAST))
    assert set(ratios) == {"button", "en"}
    assert min(ratios.values()) >= 4.5, f"the sign-out button's contrast ratios: {ratios}"
    watch.check(server, local=("data:", "blob:"))
