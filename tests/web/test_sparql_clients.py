"""The clients regulators use, against the app served by waitress on loopback.

SPARQLWrapper, rdflib's SPARQLStore, curl and YASGUI (in headless Chromium) each run queries and
get the answers the embedded store gives; the endpoint in front of a real ``oxigraph serve`` answers
the same. No request leaves the machine: the browser's requests are all recorded and checked.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from oxigraph_server import running_oxigraph
from sparql_support import BANK_UBN, TOKENS, examples_nquads, make_store, served_sparql, write_tokens
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from mapper.query_library import list_queries, read_query
from web.sparql.results import _json_results

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REGULATOR = f"Bearer {TOKENS['regulator']}"
LIBRARY = list_queries()


@pytest.fixture(scope="module")
def reference():
    """The embedded store the answers are compared with (same data, queried directly)."""
    store = ox.Store()
    store.bulk_load(examples_nquads(), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-clients")
    store = make_store(root / "store", examples_nquads())
    with served_sparql(f"oxigraph:{store}", write_tokens(root / "tokens.toml")) as served:
        yield served


def expected_json(reference, query: str) -> list[dict]:
    """What the embedded store answers, as SPARQL JSON bindings (the union default graph)."""
    results = reference.query(query, use_default_graph_as_union=True)
    document = _json_results([v.value for v in results.variables], list(results))
    return document["results"]["bindings"]


def _normalise(bindings: list[dict]) -> list[dict]:
    """Language tags compare case-insensitively (BCP 47)."""
    out = []
    for row in bindings:
        out.append({k: {**v, **({"xml:lang": v["xml:lang"].lower()} if "xml:lang" in v else {})} for k, v in row.items()})
    return out


# --- SPARQLWrapper ----------------------------------------------------------------------------


def wrapper(server, query: str, fmt=JSON, method=None, query_type: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.addCustomHttpHeader("Authorization", REGULATOR)
    client.setQuery(query)
    if query_type:
        # SPARQLWrapper guesses the type with a regular expression that keeps every other line of a
        # comment block, so a header mentioning "added" reads as an ADD update: say it (as the
        # store seam does).
        client.queryType = query_type
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("named", LIBRARY, ids=lambda q: q.name)
def test_sparqlwrapper_runs_the_library(server, reference, named):
    result = wrapper(server, named.text, method=POST, query_type="SELECT").queryAndConvert()
    assert _normalise(result["results"]["bindings"]) == _normalise(expected_json(reference, named.text))
    assert result["results"]["bindings"], f"{named.name} found nothing in the examples"


def test_sparqlwrapper_get_xml_csv_ask_construct(server):
    query = read_query("institutions").text
    xml = wrapper(server, query, XML).queryAndConvert()  # a DOM document
    assert len(xml.getElementsByTagName("result")) == 3
    rows = list(csv.DictReader(io.StringIO(wrapper(server, query, CSV).queryAndConvert().decode())))
    assert sorted(row["ubn"] for row in rows) == sorted([BANK_UBN, "53728108", "66482035"])
    assert wrapper(server, "ASK { GRAPH ?g { ?s a <https://w3id.org/fscai/def#AISystem> } }").queryAndConvert()["boolean"]
    graph = wrapper(server, "PREFIX fsc: <https://w3id.org/fscai/def#> CONSTRUCT { ?s a fsc:AISystem } "
                            "WHERE { GRAPH ?g { ?s a fsc:AISystem } }", TURTLE).queryAndConvert()
    assert len(rdflib.Graph().parse(data=graph, format="turtle")) == 25  # 24 systems and the retired one


def test_sparqlwrapper_reads_every_named_query_as_a_select():
    """SPARQLWrapper guesses a query's form from its text and keeps every other line of a comment
    block, so a header word such as "loaded" or "added" would make it send the query as an update
    (403). Every library query must read as the SELECT it is."""
    queries = list_queries()
    assert len(queries) == 7
    assert {q.name: SPARQLWrapper("http://127.0.0.1/")._parseQueryType(q.text) for q in queries} == {
        q.name: "SELECT" for q in queries}


def test_sparqlwrapper_sees_the_errors(server):
    with pytest.raises(QueryBadFormed):
        wrapper(server, "SELECT ?s WHERE { ?s ?p }").query()
    refused = wrapper(server, "CLEAR ALL", method=POST)  # SPARQLWrapper sends it as an update
    with pytest.raises((SPARQLWrapperException, Exception)) as error:
        refused.query()
    assert "403" in str(error.value) or "read-only" in str(error.value)


def test_sparqlwrapper_without_a_token_reads_the_catalogue_only(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    client.setReturnFormat(JSON)
    graphs = [b["g"]["value"] for b in client.queryAndConvert()["results"]["bindings"]]
    assert graphs == ["https://w3id.org/fscai/graph/catalogue"]


# --- rdflib's SPARQLStore ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(server, reference, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.sparql, method=method, returnFormat="json", headers={"Authorization": REGULATOR})
    graph = rdflib.Graph(store=store)
    query = read_query("vendor-concentration").text
    rows = list(graph.query(query))
    expected = expected_json(reference, query)
    assert [str(row.vendor) for row in rows] == [b["vendor"]["value"] for b in expected]
    assert {int(row.hhi) for row in rows} == {2664}
    triples = list(graph.triples((rdflib.URIRef("https://w3id.org/fscai/guideline/draft/measure-2.1.3"), None, None)))
    assert len(triples) > 5
    store.close()


# --- curl -------------------------------------------------------------------------------------


def curl(*args: str) -> subprocess.CompletedProcess:
    assert shutil.which("curl"), "curl is needed (apt-get install curl)"
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "30", *args],
                          capture_output=True, check=False, timeout=60)


def test_curl_get_csv(server):
    done = curl("--get", server.sparql, "--data-urlencode", f"query={read_query('systems-by-tier-oversight').text}",
                "-H", f"Authorization: {REGULATOR}", "-H", "Accept: text/csv", "--write-out", "\n%{http_code}")
    body, status = done.stdout.decode().rsplit("\n", 1)
    assert status == "200", body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["tierEn"] == "high risk" and sum(int(r["systems"]) for r in rows) >= 24


def test_curl_post_direct_and_form(server, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(read_query("measure-adoption").text, encoding="utf-8")
    direct = curl(server.sparql, "--data-binary", f"@{path}", "-H", "Content-Type: application/sparql-query",
                  "-H", f"Authorization: {REGULATOR}", "-H", "Accept: application/sparql-results+json")
    assert len(json.loads(direct.stdout)["results"]["bindings"]) == 97  # measure-adoption: 93 measures, 4 assessable main concepts
    form = curl(server.sparql, "--data-urlencode", f"query@{path}", "--data-urlencode", f"access_token={TOKENS['regulator']}",
                "-H", "Accept: text/tab-separated-values")
    assert len(form.stdout.decode().strip().splitlines()) == 98  # a header and 97 rows


def test_curl_service_description_and_refusals(server):
    description = curl(server.sparql)
    assert b"sd:Service" in description.stdout
    update = curl(server.sparql, "--data", "update=DROP ALL", "--write-out", "%{http_code}", "-o", "/dev/null")
    assert update.stdout == b"403"
    preflight = curl("-X", "OPTIONS", server.sparql, "-H", "Origin: https://analyst.example",
                     "-H", "Access-Control-Request-Method: POST", "-D", "-", "-o", "/dev/null")
    assert b"access-control-allow-origin: *" in preflight.stdout.lower()


# --- YASGUI in headless Chromium --------------------------------------------------------------


def test_yasgui_runs_a_library_query_air_gapped(server):
    from playwright.sync_api import sync_playwright

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(server.url))
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                       or route.request.url.startswith(("data:", "blob:")) else route.abort())
            page.goto(f"{server.url}/sparql", wait_until="networkidle")
            assert page.locator(".yasgui .tabsList a", has_text="各金融機構最新申報概況").count() == 1
            page.fill("#fscai-token", TOKENS["regulator"])
            page.click("#fscai-token-use")
            page.click("button[data-query='institutions']")
            page.locator(".tabPanel.active .yasqe_queryButton").click()
            page.wait_for_selector(".tabPanel.active .yasr table tbody tr", timeout=30_000)
            cells = page.locator(".tabPanel.active .yasr table tbody").inner_text()
            assert BANK_UBN in cells and "瀚海商業銀行" in cells
        finally:
            browser.close()
    outside = [url for url in requests if not url.startswith((origin, "data:", "blob:"))]
    assert outside == [], f"requests left the machine: {outside}"
    assert any(url.startswith(f"{server.sparql}") for url in requests)


# --- the endpoint in front of a remote SPARQL server ---------------------------------------------


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    from urllib.request import Request, urlopen

    root = tmp_path_factory.mktemp("sparql-remote")
    with running_oxigraph(root / "store") as oxigraph:
        request = Request(f"{oxigraph.http_url}/store", data=examples_nquads(), method="POST",
                          headers={"Content-Type": "application/n-quads"})
        with urlopen(request, timeout=60) as response:
            response.read()
        with served_sparql(oxigraph.store_url, write_tokens(root / "tokens.toml")) as served:
            yield served


@pytest.mark.parametrize("named", LIBRARY, ids=lambda q: q.name)
def test_the_library_through_the_endpoint_on_a_remote_server(remote, reference, named):
    result = wrapper(remote, named.text, method=POST, query_type="SELECT").queryAndConvert()
    assert _normalise(result["results"]["bindings"]) == _normalise(expected_json(reference, named.text))


def test_an_institution_through_the_endpoint_on_a_remote_server(remote):
    client = SPARQLWrapper(remote.sparql)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKENS[BANK_UBN]}")
    client.setQuery(read_query("institutions").text)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [row["ubn"]["value"] for row in rows] == [BANK_UBN]
