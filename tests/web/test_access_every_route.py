"""Who sees what, on every route: the app's whole URL map walked as the public, as institution A
and as the regulator, over the real examples, with the real token file.

Institution A is the bank, B the life insurer. Each rule of ``app.url_map`` is requested (every
method it takes) with B's identifiers in its path and in every query argument a route reads, and
with SPARQL queries after B's data; no response to the public or to A may carry B's UBN, its
labels or the IRIs only B's graphs hold (raw, HTML-escaped, URL-quoted or JSON-escaped), beyond
what the request itself named. A new route is walked by construction: one whose path arguments
this test cannot fill fails it.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, unquote_plus, urlencode

import pytest
from conftest import app_with_tokens, example_submissions, make_app
from sparql_support import write_tokens

from mapper.graphs import CATALOGUE_GRAPH
from web.store import owner_store

A, B = "83910461", "53728108"  # the bank, the life insurer
TOKENS = {"regulator": "regulator-token-every-route-0001", A: "bank-token-every-route-00000002",
          B: "insurer-token-every-route-000003"}
PRINCIPALS = {"public": {}, "A": {"Authorization": f"Bearer {TOKENS[A]}"},
              "regulator": {"Authorization": f"Bearer {TOKENS['regulator']}"}}
#: How to fill each path argument, by endpoint (or by argument name for every endpoint).
PATH_VALUES = {
    ("pages.principle", "notation"): ["2"], ("api.principle", "notation"): ["2"],
    ("pages.section", "notation"): ["2.1"], ("api.section", "notation"): ["2.1"],
    ("pages.measure", "notation"): ["2.1.3"], ("api.measure", "notation"): ["2.1.3"],
    ("static", "filename"): ["fscai.css", "trace.js"],
    ("assets.asset", "name"): ["cytoscape.min.js"],
    ("sparql.library_query", "name"): ["institutions"],
    # the text formats (the walk reads bodies as text); xlsx is the same lookup (tests/web/test_downloads.py)
    ("reports.institution_report", "fmt"): ["csv", "json", "html"],
    "ubn": [A, B],
}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with app_with_tokens(tmp_path_factory.mktemp("tokens"), TOKENS) as app:
        yield app


@pytest.fixture(scope="module")
def secrets_of_b(guarded) -> dict[str, set[str]]:
    """What only B's graphs hold: its UBN, IRIs and labels (none of them in A's graphs, the
    catalogue or another institution's)."""
    store = owner_store(guarded)
    graphs = store.graphs()
    own_b = [g for g in graphs if f"/{B}/" in g or g.endswith(f"/{B}")]
    others = [g for g in graphs if g not in own_b]
    assert own_b and CATALOGUE_GRAPH in others

    def terms(of: list[str]) -> tuple[set[str], set[str]]:
        rows = store.select_values("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", default_graphs=of)
        iris = {r["s"] for r in rows if r["s"].startswith("http")} | {r["o"] for r in rows if r["o"].startswith("http")}
        labels = {r["o"] for r in rows if r["p"].endswith(("#label", "/title", "#prefLabel", "/name"))}
        return iris, labels

    b_iris, b_labels = terms(own_b)
    o_iris, o_labels = terms(others)
    everything_else = " ".join(o_labels)
    fsc = "https://w3id.org/fscai/def#"

    def one(cls: str, graphs: list[str]) -> str:
        rows = store.select_values(f"SELECT ?s WHERE {{ ?s a <{fsc}{cls}> }} ORDER BY ?s LIMIT 1", default_graphs=graphs)
        assert rows, cls
        return rows[0]["s"]

    submission = [g for g in own_b if "/submission/" in g]
    derived = [g for g in own_b if "/derived/" in g]
    probes = {one("Institution", submission), one("AISystem", submission), one("Evidence", submission),
              one("Gap", derived)}
    return {"ubn": {B},
            "iris": {i for i in b_iris - o_iris if "/graph/" not in i or f"/{B}/" in i},
            "labels": {label for label in b_labels - o_labels if len(label) >= 4 and label not in everything_else},
            "probes": probes}


def forms(secret: str) -> set[str]:
    return {secret, html.escape(secret), quote(secret, safe=""), quote(secret), json.dumps(secret, ensure_ascii=False)[1:-1]}


def leaks(body: str, secrets: dict[str, set[str]], request_text: str) -> list[str]:
    asked = request_text + " " + unquote_plus(request_text)
    found = []
    for kind, values in secrets.items():
        if kind == "probes":
            continue
        for secret in values:
            if secret in asked or quote(secret, safe="") in request_text:
                continue  # the request named it: echoing it teaches nothing
            if any(form in body for form in forms(secret)):
                found.append(f"{kind}: {secret}")
    return found


def attacks(secrets: dict[str, set[str]]) -> list[dict[str, str]]:
    """Query strings after B's data: every argument a route reads, and SPARQL queries."""
    label = sorted(secrets["labels"], key=len)[len(secrets["labels"]) // 2]
    queries = [
        f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER (CONTAINS(STR(?o), "{B}")) }}',
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"SELECT * FROM <https://w3id.org/fscai/graph/market/{B}> WHERE {{ ?s ?p ?o }} LIMIT 50",
        f'CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (CONTAINS(STR(?g), "{B}")) }}',
    ]
    probes = sorted(secrets["probes"])
    return ([{}] + [{"iri": iri} for iri in probes]
            + [{"institution": B, "format": "csv"}, {"format": "json"}]  # a list's download (issue 18)
            + [{"institution": B}, {"institution": B, "chapter": "2", "stage": "S1"}, {"q": label}, {"q": B},
               {"iri": probes[0], "depth": "3"}] + [{"query": q} for q in queries])


def paths(app, rule) -> list[str]:
    values: list[dict[str, str]] = [{}]
    for argument in sorted(rule.arguments):
        options = PATH_VALUES.get((rule.endpoint, argument)) or PATH_VALUES.get(argument)
        if options is None:
            pytest.fail(f"a new route {rule.rule} ({rule.endpoint}): tell this test how to fill <{argument}>")
        values = [{**v, argument: option} for v in values for option in options]
    with app.test_request_context():
        from flask import url_for

        return [url_for(rule.endpoint, **v) for v in values]


def walk(app, secrets, who: str) -> tuple[int, dict[str, list[str]], str]:
    """Every rule, method and attack as ``who``: (requests made, leaks by URL, all bodies)."""
    client = app.test_client()
    headers = PRINCIPALS[who]
    made, found, seen = 0, {}, []
    rules = list(app.url_map.iter_rules())
    for rule in rules:
        for path in paths(app, rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for attack in attacks(secrets):
                    url = path + ("?" + urlencode(attack) if attack and method != "POST" else "")
                    data = attack if method == "POST" else None
                    response = client.open(url, method=method, headers=headers, data=data)
                    made += 1
                    body = response.get_data(as_text=True)
                    seen.append(body)
                    request_text = url + " " + urlencode(data or {})
                    if who != "regulator" and (leaked := leaks(body, secrets, request_text)):
                        found[f"{method} {url} → {response.status_code}"] = leaked[:3]
    return made, found, "\n".join(seen)


def test_the_walk_covers_every_rule_of_the_url_map(guarded):
    rules = list(guarded.url_map.iter_rules())
    endpoints = {rule.endpoint for rule in rules}
    assert len(rules) >= 36
    assert {"pages.institution", "api.gaps", "api.system", "pages.trace", "sparql.endpoint", "session.login"} <= endpoints
    for rule in rules:
        assert paths(guarded, rule)


def test_b_has_secrets_to_keep(secrets_of_b):
    assert len(secrets_of_b["iris"]) >= 20 and len(secrets_of_b["labels"]) >= 5, secrets_of_b


@pytest.mark.parametrize("who", ["public", "A"])
def test_no_route_shows_b_to_the_public_or_to_a(guarded, secrets_of_b, who):
    made, found, _ = walk(guarded, secrets_of_b, who)
    assert made >= 36 * 10
    assert not found, f"{len(found)} responses leak B's data to {who}: {dict(list(found.items())[:5])}"


def test_the_regulator_sees_b_on_the_same_routes(guarded, secrets_of_b):
    made, _, bodies = walk(guarded, secrets_of_b, "regulator")
    assert made >= 36 * 10
    assert B in bodies
    seen = [label for label in secrets_of_b["labels"] if label in bodies or html.escape(label) in bodies]
    assert len(seen) >= 3, "the regulator should see B's labels: the walk would not catch a leak otherwise"


def test_an_institution_sees_its_own_data(guarded):
    client = guarded.test_client()
    mine = client.get(f"/api/institution/{A}", headers=PRINCIPALS["A"])
    assert mine.status_code == 200 and mine.get_json()["ubn"] == A
    assert client.get(f"/api/institution/{B}", headers=PRINCIPALS["A"]).status_code == 404
    listed = client.get("/api/institutions", headers=PRINCIPALS["A"]).get_json()
    assert [i["ubn"] for i in listed] == [A]
    assert client.get("/api/institutions").get_json() == []


@pytest.mark.parametrize("path", ["/api/institutions", "/", f"/institution/{B}", "/sparql?query=ASK%7B%7D"])
def test_an_invalid_token_is_401_everywhere(guarded, path):
    response = guarded.test_client().get(path, headers={"Authorization": "Bearer not-a-configured-token-000000"})
    assert response.status_code == 401
    assert re.search("權杖無效|invalid token", response.get_data(as_text=True))


def test_a_browser_logs_in_with_a_token_and_out(guarded):
    client = guarded.test_client()
    form = client.get(f"/login?next=/institution/{A}").get_data(as_text=True)
    nonce = re.search(r'name="nonce" value="([^"]+)"', form).group(1)
    refused = client.post("/login", data={"nonce": nonce, "token": "wrong-token-of-twenty-chars", "next": "/"})
    assert refused.status_code == 401
    signed_in = client.post("/login", data={"nonce": nonce, "token": TOKENS[A], "next": f"/institution/{A}"})
    assert signed_in.status_code == 303 and signed_in.headers["Location"].endswith(f"/institution/{A}")
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and TOKENS[A] not in cookie
    assert client.get(f"/institution/{A}").status_code == 200
    assert client.get(f"/institution/{B}").status_code == 404
    assert [i["ubn"] for i in client.get("/api/institutions").get_json()] == [A]
    rows = client.get("/sparql", query_string={"query": f'SELECT ?s WHERE {{ ?s ?p "{B}" }}'},
                      headers={"Accept": "application/sparql-results+json"}).get_json()
    assert rows["results"]["bindings"] == []
    page = client.get("/").get_data(as_text=True)
    logout_nonce = re.search(r'class="logout">\s*<input type="hidden" name="nonce" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"nonce": logout_nonce}).status_code == 303
    assert client.get("/api/institutions").get_json() == []


def test_login_and_logout_refuse_a_form_from_elsewhere(guarded):
    client = guarded.test_client()
    assert client.post("/login", data={"token": TOKENS[A]}).status_code == 400  # no nonce: another site's form
    assert client.get("/api/institutions").get_json() == []


def test_a_revoked_token_ends_the_session(tmp_path):
    tokens = write_tokens(tmp_path / "tokens.toml", TOKENS)
    app = make_app(example_submissions()[:1], TOKENS=str(tokens))
    try:
        client = app.test_client()
        nonce = re.search(r'name="nonce" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"nonce": nonce, "token": TOKENS["regulator"]})
        assert len(client.get("/api/institutions").get_json()) == 1
        tokens.write_text("[tokens]\n", encoding="utf-8")
        from web.identity import tokens as token_source

        token_source(app).RECHECK_S = 0  # read the file at once (instance attribute)
        assert client.get("/api/institutions").get_json() == []
    finally:
        from web import close_app

        close_app(app)
