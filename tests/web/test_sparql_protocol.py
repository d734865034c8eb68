"""``/sparql`` speaks the SPARQL 1.1 Protocol: the W3C test cases, negotiation, description, CORS.

The W3C SPARQL 1.1 Protocol test suite (``sparql11/protocol/manifest.ttl``) has 34 cases; they are
written here as our own table from the manifest's descriptions and sent as raw HTTP to the app
served by waitress. A read-only endpoint must pass every ``query_*`` and ``bad_*`` case; the seven
``update_*`` cases (which expect an update to succeed) must be refused, leaving the store as it was.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from sparql_support import CATALOGUE, bearer, examples_nquads, load_remote, make_store, served_sparql, write_tokens

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"


def _kasei_nquads() -> bytes:
    """data0..data3.rdf as named graphs: each describes itself as a foaf:Document."""
    quads = [ox.Quad(ox.NamedNode(f"{KASEI}data{i}.rdf"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(FOAF_DOCUMENT), ox.NamedNode(f"{KASEI}data{i}.rdf")) for i in range(4)]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def server(request, tmp_path_factory):
    """The endpoint over the embedded store, then over Virtuoso holding the same data: the protocol's
    behaviour may not depend on the engine behind the seam."""
    root = tmp_path_factory.mktemp("sparql-protocol")
    data = examples_nquads() + _kasei_nquads()
    if request.param == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso_server")
        virtuoso.clear()
        load_remote(virtuoso.store_url, data)
        url = virtuoso.store_url
    else:
        url = f"oxigraph:{make_store(root / 'store', data)}"
    with served_sparql(url, write_tokens(root / "tokens.toml")) as served:
        yield served
    if request.param == "virtuoso":
        virtuoso.clear()


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def send(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
    """One raw HTTP request (http.client: nothing added that the test does not say)."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def regulator(headers: dict | None = None) -> dict:
    return {**bearer("regulator"), **(headers or {})}


# --- the W3C SPARQL 1.1 Protocol test cases ---------------------------------------------------

G = {i: quote(f"{KASEI}data{i}.rdf", safe="") for i in range(4)}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict | None = None
    expect: str = "2xx"  # "2xx", "4xx" or "refused" (an update: 403 and the store unchanged)
    boolean: bool | None = None  # expected ASK answer
    result: str | None = None  # "boolean", "tabular" or "RDF"


ASK_DATA12 = ("ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type . "
              "<http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type . }")
ASK_NAMED12 = ("ASK { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
               "GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }")

CASES = [
    Case("query_post_form", "POST", f"/sparql?default-graph-uri={G[0]}", b"query=ASK%20%7B%7D", FORM,
         boolean=True, result="boolean"),
    Case("query_dataset_default_graphs_get", "GET",
         f"/sparql?query={quote(ASK_DATA12)}&default-graph-uri={G[1]}&default-graph-uri={G[2]}",
         boolean=True, result="boolean"),
    Case("query_dataset_default_graphs_post", "POST", f"/sparql?default-graph-uri={G[1]}&default-graph-uri={G[2]}",
         ASK_DATA12.encode(), DIRECT, boolean=True, result="boolean"),
    Case("query_dataset_named_graphs_post", "POST", f"/sparql?named-graph-uri={G[1]}&named-graph-uri={G[2]}",
         ASK_NAMED12.encode(), DIRECT, boolean=True, result="boolean"),
    Case("query_dataset_named_graphs_get", "GET",
         f"/sparql?query={quote(ASK_NAMED12)}&named-graph-uri={G[1]}&named-graph-uri={G[2]}",
         boolean=True, result="boolean"),
    Case("query_dataset_full", "POST", f"/sparql?default-graph-uri={G[3]}&named-graph-uri={G[1]}&named-graph-uri={G[2]}",
         ("ASK { <http://kasei.us/2009/09/sparql/data/data3.rdf> a ?type "
          "GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
          "GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }").encode(), DIRECT,
         boolean=True, result="boolean"),
    # The manifest percent-encodes the '&' between its two named-graph-uri values (a known slip):
    # the intent, a protocol dataset overriding the query's FROM, is what is tested.
    Case("query_multiple_dataset", "POST", f"/sparql?named-graph-uri={G[1]}&named-graph-uri={G[2]}",
         ("ASK FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> { "
          "GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
          "GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }").encode(), DIRECT,
         boolean=True, result="boolean"),
    Case("query_get", "GET", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={G[0]}", boolean=True, result="boolean"),
    Case("query_content_type_select", "POST", f"/sparql?default-graph-uri={G[0]}", b"SELECT (1 AS ?value) {}", DIRECT,
         result="tabular"),
    Case("query_content_type_ask", "POST", f"/sparql?default-graph-uri={G[0]}", b"ASK {}", DIRECT, result="boolean"),
    Case("query_content_type_describe", "POST", f"/sparql?default-graph-uri={G[0]}", b"DESCRIBE <http://example.org/>",
         DIRECT, result="RDF"),
    Case("query_content_type_construct", "POST", f"/sparql?default-graph-uri={G[0]}",
         b"CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}", DIRECT, result="RDF"),
    Case("update_dataset_default_graph", "POST", f"/sparql?using-graph-uri={G[1]}",
         b"CLEAR ALL ; INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { "
         b"<http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://xmlns.com/foaf/0.1/Document> } }", UPDATE,
         expect="refused"),
    Case("update_dataset_default_graphs", "POST", f"/sparql?using-graph-uri={G[1]}&using-graph-uri={G[2]}",
         b"CLEAR ALL", UPDATE, expect="refused"),
    Case("update_dataset_named_graphs", "POST", f"/sparql?using-named-graph-uri={G[1]}", b"CLEAR ALL", UPDATE,
         expect="refused"),
    Case("update_dataset_full", "POST", f"/sparql?using-graph-uri={G[3]}&using-named-graph-uri={G[1]}",
         b"CLEAR ALL", UPDATE, expect="refused"),
    Case("update_post_form", "POST", "/sparql", b"update=CLEAR+ALL", FORM, expect="refused"),
    Case("update_post_direct", "POST", "/sparql", b"CLEAR ALL", UPDATE, expect="refused"),
    Case("update_base_uri", "POST", "/sparql",
         b"CLEAR GRAPH <http://example.org/protocol-base-test/> ; INSERT DATA { GRAPH "
         b"<http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }",
         UPDATE, expect="refused"),
    Case("query_post_direct", "POST", "/sparql", b"ASK {}", DIRECT, boolean=True, result="boolean"),
    Case("bad_query_method", "PUT", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={G[0]}", b"", FORM, expect="4xx"),
    Case("bad_multiple_queries", "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", expect="4xx"),
    Case("bad_query_wrong_media_type", "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, expect="4xx"),
    Case("bad_query_missing_form_type", "POST", "/sparql", b"query=ASK%20%7B%7D", {}, expect="4xx"),
    Case("bad_query_missing_direct_type", "POST", "/sparql", b"ASK {}", {}, expect="4xx"),
    Case("bad_query_non_utf8", "POST", "/sparql", "ASK {}".encode("utf-16"),
         {"Content-Type": "application/sparql-query; charset=UTF-16"}, expect="4xx"),
    Case("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", expect="4xx"),
    Case("bad_update_get", "GET", "/sparql?update=CLEAR%20ALL", expect="4xx"),
    Case("bad_multiple_updates", "POST", "/sparql", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, expect="4xx"),
    Case("bad_update_wrong_media_type", "POST", "/sparql", b"CLEAR NAMED", {"Content-Type": "text/plain"}, expect="4xx"),
    Case("bad_update_missing_form_type", "POST", "/sparql", b"update=CLEAR%20NAMED", {}, expect="4xx"),
    Case("bad_update_non_utf8", "POST", "/sparql", "CLEAR NAMED".encode("utf-16"),
         {"Content-Type": "application/sparql-update; charset=UTF-16"}, expect="4xx"),
    Case("bad_update_syntax", "POST", "/sparql", b"update=CLEAR%20XYZ", FORM, expect="4xx"),
    Case("bad_update_dataset_conflict", "POST", "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
         b"PREFIX foaf: <http://xmlns.com/foaf/0.1/> WITH <http://example/addresses> "
         b"DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' } "
         b"WHERE { ?person foaf:givenName 'Bill' }", UPDATE, expect="4xx"),
]


def test_the_w3c_suite_is_complete():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)) == 34
    assert sum(n.startswith("query_") for n in names) == 13
    assert sum(n.startswith("bad_") for n in names) == 14
    assert sum(n.startswith("update_") for n in names) == 7


def _store_fingerprint(server) -> bytes:
    reply = send(server, "GET", "/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}),
                 headers=regulator({"Accept": "text/csv"}))
    assert reply.status == 200
    return reply.body


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_w3c_protocol_case(server, case):
    before = _store_fingerprint(server) if case.expect == "refused" else None
    reply = send(server, case.method, case.path, case.body, regulator(case.headers))
    if case.expect == "4xx":
        assert 400 <= reply.status < 500, reply.body
        return
    if case.expect == "refused":
        assert reply.status == 403, reply.body
        assert "read-only" in reply.body.decode()
        assert _store_fingerprint(server) == before
        return
    assert 200 <= reply.status < 400, reply.body
    if case.result in ("boolean", "tabular"):
        results_format = ox.QueryResultsFormat.from_media_type(reply.media_type)
        assert results_format is not None, reply.media_type
        results = ox.parse_query_results(reply.body, format=results_format)
        if case.result == "boolean":
            assert isinstance(results, ox.QueryBoolean)
            if case.boolean is not None:
                assert bool(results) is case.boolean
        else:
            assert [v.value for v in results.variables] == ["value"]
            assert [str(s["value"].value) for s in results] == ["1"]
    if case.result == "RDF":
        assert reply.media_type in ("text/turtle", "application/rdf+xml", "application/n-triples")
        list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.media_type)))


# --- content negotiation ----------------------------------------------------------------------

SELECT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
SELECT = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX fsc: <https://w3id.org/fscai/def#> "
          "SELECT ?measure ?notation WHERE { ?measure a fsc:Measure ; skos:notation ?notation } ORDER BY ?notation LIMIT 3")


@pytest.mark.parametrize("accept", list(SELECT_TYPES))
def test_select_answers_in_the_format_asked(server, accept):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": SELECT}), headers={"Accept": accept})
    assert reply.status == 200 and reply.media_type == accept
    rows = list(ox.parse_query_results(reply.body, format=SELECT_TYPES[accept]))
    assert [str(r["notation"].value) for r in rows] == ["1.1.1", "1.1.2", "1.2.1"]


def test_select_as_csv(server):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": SELECT}), headers={"Accept": "text/csv"})
    assert reply.status == 200 and reply.media_type == "text/csv"
    lines = reply.body.decode().splitlines()
    assert lines[0] == "measure,notation" and [line.split(",")[1] for line in lines[1:]] == ["1.1.1", "1.1.2", "1.2.1"]


def test_select_defaults_to_json_and_honours_quality(server):
    plain = send(server, "GET", "/sparql?" + urlencode({"query": SELECT}))
    assert plain.media_type == "application/sparql-results+json"
    weighted = send(server, "GET", "/sparql?" + urlencode({"query": SELECT}),
                    headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9"})
    assert weighted.media_type == "text/csv"
    browser = send(server, "GET", "/sparql?" + urlencode({"query": SELECT}),
                   headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.status == 200 and browser.media_type == "application/xml"
    assert list(ox.parse_query_results(browser.body, format=ox.QueryResultsFormat.XML))


GRAPH_TYPES = {
    None: "text/turtle",
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
}
CONSTRUCT = ("PREFIX fsc: <https://w3id.org/fscai/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
             "CONSTRUCT { ?m skos:notation ?n } WHERE { ?m a fsc:Measure ; skos:notation ?n }")


@pytest.mark.parametrize("accept", list(GRAPH_TYPES), ids=lambda a: a or "no-accept")
def test_construct_answers_in_the_format_asked(server, accept):
    reply = send(server, "POST", "/sparql", CONSTRUCT.encode(), {**DIRECT, **({"Accept": accept} if accept else {})})
    assert reply.status == 200 and reply.media_type == GRAPH_TYPES[accept]
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.media_type)))
    assert len(triples) == 93  # one notation per measure


def test_describe_defaults_to_turtle(server):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": "DESCRIBE <https://w3id.org/fscai/guideline/draft/measure-2.1.3>"}))
    assert reply.status == 200 and reply.media_type == "text/turtle"
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/fscai/guideline/draft/measure-2.1.3"), None, None) in graph


@pytest.mark.parametrize("query, accept", [("ASK {}", "text/csv"), (CONSTRUCT, "application/sparql-results+json"),
                                            (SELECT, "text/turtle")])
def test_nothing_acceptable_is_406(server, query, accept):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": accept})
    assert reply.status == 406
    assert "not acceptable" in reply.body.decode()


# --- errors -----------------------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message(server):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": "SELECT ?s WHERE { ?s ?p }"}))
    assert reply.status == 400
    text = reply.body.decode()
    assert text.startswith("查詢語法錯誤 / malformed SPARQL query: ") and len(text) > 60


def test_an_unknown_prefix_is_400(server):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": "SELECT * WHERE { ?s nope:p ?o }"}))
    assert reply.status == 400 and "Prefix not found" in reply.body.decode()


@pytest.mark.parametrize("params, fragment", [
    ({"query": "ASK {}", "default-graph-uri": "not an iri"}, "default-graph-uri"),
    ({"query": "ASK {}", "named-graph-uri": "relative/path"}, "named-graph-uri"),
    ({"query": "ASK {}", "timeout": "soon"}, "timeout"),
    ({"query": "ASK {}", "timeout": "-1"}, "timeout"),
    ({"query": "   "}, "empty"),
])
def test_bad_parameters_are_400(server, params, fragment):
    reply = send(server, "GET", "/sparql?" + urlencode(params))
    assert reply.status == 400 and fragment in reply.body.decode()


def test_post_without_a_query_is_400(server):
    reply = send(server, "POST", "/sparql", b"default-graph-uri=http%3A%2F%2Fexample.org%2Fg", FORM)
    assert reply.status == 400 and "no query" in reply.body.decode()


def test_other_methods_are_405_with_allow(server):
    reply = send(server, "DELETE", "/sparql")
    assert reply.status == 405 and reply.headers["allow"] == "GET, HEAD, POST, OPTIONS"


# --- service description, page, library -----------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def _graph(reply: Reply) -> rdflib.Graph:
    """Parse with pyoxigraph (every format asked for), then look at it with rdflib."""
    graph = rdflib.Graph()
    for quad in ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.media_type)):
        graph.add(tuple(rdflib.BNode(t.value) if isinstance(t, ox.BlankNode) else
                        rdflib.URIRef(t.value) if isinstance(t, ox.NamedNode) else rdflib.Literal(t.value)
                        for t in (quad.subject, quad.predicate, quad.object)))
    return graph


@pytest.mark.parametrize("accept", [None, "text/turtle", "application/ld+json", "application/n-triples",
                                    "application/rdf+xml"])
def test_service_description(server, accept):
    reply = send(server, "GET", "/sparql", headers={"Accept": accept} if accept else {})
    assert reply.status == 200 and reply.media_type == (accept or "text/turtle")
    graph = _graph(reply)
    service = rdflib.URIRef(server.sparql)
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(o).rsplit("/", 1)[1] for o in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle", "N-Triples", "JSON-LD", "RDF_XML"} <= formats
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    # Without a token, the dataset described is what the public may read: the catalogue.
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert names == {CATALOGUE}


def test_service_description_lists_what_the_token_reads(server):
    reply = send(server, "GET", "/sparql", headers=bearer("regulator"))
    graph = _graph(reply)
    names = {str(o) for o in graph.objects(None, SD.name)}
    # catalogue, 4 kasei test graphs, 4 submissions and their 4 derived graphs, 3 market graphs
    assert CATALOGUE in names and f"{KASEI}data1.rdf" in names and len(names) == 16
    assert sum(n.startswith("https://w3id.org/fscai/graph/market/") for n in names) == 3


def test_a_browser_gets_the_yasgui_page(server):
    reply = send(server, "GET", "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert reply.status == 200 and reply.media_type == "text/html"
    page = reply.body.decode()
    assert "/vendor/yasgui.min.js" in page and "/vendor/yasgui.min.css" in page
    assert "vendor-concentration" in page  # the library is in the page


def test_the_query_library_as_json(server):
    reply = send(server, "GET", "/sparql/queries")
    assert reply.status == 200 and reply.headers["access-control-allow-origin"] == "*"
    library = {q["name"]: q for q in json.loads(reply.body)["queries"]}
    assert {"measure-adoption", "gaps-by-principle", "systems-by-tier-oversight", "vendor-concentration",
            "submission-changes"} <= set(library)
    assert library["submission-changes"]["parameters"][0]["name"] == "ubn"
    text = send(server, "GET", "/sparql/queries/vendor-concentration.rq")
    assert text.status == 200 and text.media_type == "application/sparql-query"
    assert text.body.decode() == library["vendor-concentration"]["query"]
    assert send(server, "GET", "/sparql/queries/nope").status == 404


# --- CORS -------------------------------------------------------------------------------------


def test_cors_preflight(server):
    reply = send(server, "OPTIONS", "/sparql", headers={
        "Origin": "https://analyst.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "POST" in reply.headers["access-control-allow-methods"]
    assert "Authorization" in reply.headers["access-control-allow-headers"]


@pytest.mark.parametrize("path", ["/sparql?query=ASK%20%7B%7D", "/sparql?query=ASK%20%7B", "/sparql"])
def test_cors_on_answers_and_errors(server, path):
    reply = send(server, "GET", path, headers={"Origin": "https://analyst.example"})
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "X-FSCAI-Truncated" in reply.headers["access-control-expose-headers"]


# --- settings as data -------------------------------------------------------------------------


def test_every_setting_is_documented_in_both_languages():
    from web.sparql.settings import SETTINGS

    for setting in SETTINGS:
        zh, _, en = setting.doc.partition(" / ")
        assert setting.name.startswith("FSCAI_SPARQL_") and zh and en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and not any("\u4e00" <= ch <= "\u9fff" for ch in en)


def test_the_readme_lists_every_setting_with_its_default():
    """Settings as data, and the documentation checked against them (as Datasette does)."""
    from pathlib import Path

    from web.sparql.settings import SETTINGS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if line.startswith("| `FSCAI_")}
    assert len(SETTINGS) == 9
    for setting in SETTINGS:
        assert setting.name in rows, f"README lacks {setting.name}"
        if setting.default is not None:
            assert f"| {setting.default:,g} |" in rows[setting.name]


def test_settings_come_from_config_then_environment(monkeypatch):
    from web import close_app, create_app
    from web.sparql.settings import Settings

    monkeypatch.setenv("FSCAI_SPARQL_MAX_ROWS", "7")
    monkeypatch.setenv("FSCAI_SPARQL_TIMEOUT_S", "4")
    app = create_app({"STORE": "memory:", "SPARQL_TIMEOUT_S": 2})
    try:
        settings = Settings.from_mapping(app.config)
    finally:
        close_app(app)
    assert (settings.timeout_s, settings.max_rows) == (2.0, 7)
    with pytest.raises(ValueError, match="FSCAI_SPARQL_WORKERS"):
        Settings.from_mapping({"SPARQL_WORKERS": "many"})


def test_the_service_description_states_the_limits(server):
    graph = _graph(send(server, "GET", "/sparql"))
    fsq = rdflib.Namespace("https://w3id.org/fscai/sparql#")
    service = rdflib.URIRef(server.sparql)
    assert str(graph.value(service, fsq.timeoutSeconds)) == "10"
    assert str(graph.value(service, fsq.maxRows)) == "10000"


@pytest.mark.parametrize("module", ["web.access", "web.sparql.settings", "web.sparql.guard",
                                    "web.sparql.negotiation", "web.sparql.results", "web.sparql.engine"])
def test_the_modules_examples_run(module):
    """The docstring examples (pytest's doctest collection covers ``mapper/`` and ``tests/`` only)."""
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


# --- the protocol dataset against the query's own -----------------------------------------------

DOC = f"{KASEI}data{{}}.rdf"
#: The query names its own dataset: data1 as the default graph and as the one named graph.
OWN_DATASET = (f"SELECT ?doc ?g FROM <{DOC.format(1)}> FROM NAMED <{DOC.format(1)}> WHERE {{ "
               f"{{ ?doc a <{FOAF_DOCUMENT}> }} UNION {{ GRAPH ?g {{ ?doc a <{FOAF_DOCUMENT}> }} }} }}")


def query_request(server, method: str, query: str, params: list[tuple[str, str]], headers: dict) -> Reply:
    """GET (all in the URL), POST form (all in the body) or POST direct (parameters in the URL)."""
    if method == "GET":
        return send(server, "GET", "/sparql?" + urlencode([("query", query), *params]), headers=headers)
    if method == "FORM":
        return send(server, "POST", "/sparql", urlencode([("query", query), *params]).encode(), {**FORM, **headers})
    return send(server, "POST", "/sparql?" + urlencode(params), query.encode(), {**DIRECT, **headers})


def _doc_rows(reply: Reply) -> set[tuple[str, str]]:
    import csv
    import io

    assert reply.status == 200, reply.body
    return {(row["doc"], row["g"]) for row in csv.DictReader(io.StringIO(reply.body.decode()))}


@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
@pytest.mark.parametrize("params, expected", [
    ([], {(1, None), (1, 1)}),  # no protocol dataset: the query's FROM / FROM NAMED hold
    ([("default-graph-uri", DOC.format(2))], {(2, None)}),  # replaces both: no named graph left
    ([("named-graph-uri", DOC.format(2)), ("named-graph-uri", DOC.format(3))], {(2, 2), (3, 3)}),
    ([("default-graph-uri", DOC.format(0)), ("default-graph-uri", DOC.format(3)), ("named-graph-uri", DOC.format(2))],
     {(0, None), (3, None), (2, 2)}),
], ids=["query-dataset", "default-graph-uri", "named-graph-uris", "both"])
def test_the_protocol_dataset_overrides_the_querys_from(server, method, params, expected):
    """SPARQL 1.1 Protocol §2.1.4: a dataset in the request replaces FROM / FROM NAMED entirely."""
    reply = query_request(server, method, OWN_DATASET, params, regulator({"Accept": "text/csv"}))
    assert _doc_rows(reply) == {(DOC.format(d), DOC.format(g) if g is not None else "") for d, g in expected}


# --- one query, of a media type the endpoint reads ---------------------------------------------


@pytest.mark.parametrize("method, path, body, headers", [
    ("POST", "/sparql", b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", FORM),
    ("POST", "/sparql?query=ASK%20%7B%7D", b"query=ASK%20%7B%7D", FORM),
    ("POST", "/sparql?query=ASK%20%7B%7D", b"ASK {}", DIRECT),
    ("GET", "/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D", None, {}),
], ids=["form-twice", "form-and-url", "direct-and-url", "get-twice"])
def test_more_than_one_query_is_400(server, method, path, body, headers):
    reply = send(server, method, path, body, headers)
    assert reply.status == 400 and "exactly one query" in reply.body.decode()


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain"}, {"Content-Type": "application/json"},
    {"Content-Type": "multipart/form-data; boundary=x"}, {},
], ids=["text-plain", "json", "multipart", "none"])
def test_a_post_of_another_media_type_is_415(server, headers):
    reply = send(server, "POST", "/sparql", b"ASK {}", headers)
    text = reply.body.decode()
    assert reply.status == 415 and "unsupported media type" in text
    assert "application/x-www-form-urlencoded" in text and "application/sparql-query" in text


def test_a_query_in_another_charset_is_415(server):
    reply = send(server, "POST", "/sparql", "ASK {}".encode("latin-1"),
                 {"Content-Type": "application/sparql-query; charset=ISO-8859-1"})
    assert reply.status == 415 and "UTF-8" in reply.body.decode()


# --- negotiation: ASK, DESCRIBE, quality values -------------------------------------------------

ASK_DATA1 = f"ASK {{ GRAPH <{DOC.format(1)}> {{ <{DOC.format(1)}> a <{FOAF_DOCUMENT}> }} }}"
ASK_NOTHING = f"ASK {{ GRAPH <{DOC.format(1)}> {{ <{DOC.format(2)}> a <{FOAF_DOCUMENT}> }} }}"
ASK_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}


@pytest.mark.parametrize("accept", list(ASK_TYPES))
def test_ask_answers_in_the_format_asked(server, accept):
    for query, expected in ((ASK_DATA1, True), (ASK_NOTHING, False)):
        reply = send(server, "GET", "/sparql?" + urlencode({"query": query}), headers=regulator({"Accept": accept}))
        assert reply.status == 200 and reply.media_type == accept
        answer = ox.parse_query_results(reply.body, format=ASK_TYPES[accept])
        assert isinstance(answer, ox.QueryBoolean) and bool(answer) is expected


MEASURE = "https://w3id.org/fscai/guideline/draft/measure-2.1.3"


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json",
                                    "application/rdf+xml"])
def test_describe_answers_in_the_format_asked(server, accept):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": f"DESCRIBE <{MEASURE}>"}), headers={"Accept": accept})
    assert reply.status == 200 and reply.media_type == accept
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(accept)))
    # What DESCRIBE returns is the engine's to define (SPARQL 1.1 section 16.4): Oxigraph gives the
    # resource's own triples and its blank nodes', Virtuoso also those naming it as the object.
    about = [t for t in triples if ox.NamedNode(MEASURE) in (t.subject, t.object) or isinstance(t.subject, ox.BlankNode)]
    assert len(triples) > 5 and about == triples
    assert {t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.object != ox.NamedNode(MEASURE)} \
        == {ox.NamedNode(MEASURE)}


@pytest.mark.parametrize("query, accept, expected", [
    (CONSTRUCT, "text/turtle;q=0.2, application/ld+json;q=0.8", "application/ld+json"),
    (CONSTRUCT, "application/rdf+xml;q=0.5, application/n-triples", "application/n-triples"),
    (CONSTRUCT, "text/turtle;q=0, */*", "application/n-triples"),  # q=0: anything but Turtle
    (CONSTRUCT, "application/*;q=0.3, application/rdf+xml;q=0.4", "application/rdf+xml"),
    (SELECT, "application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
    (SELECT, "text/*", "text/csv"),
    (SELECT, "text/csv;q=0.1, text/tab-separated-values;q=0.2", "text/tab-separated-values"),
    ("ASK {}", "text/csv;q=1.0, application/sparql-results+xml;q=0.01", "application/sparql-results+xml"),
])
def test_quality_values_decide(server, query, accept, expected):
    reply = send(server, "GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": accept})
    assert reply.status == 200 and reply.media_type == expected, reply.body[:200]
    if expected in GRAPH_TYPES.values():
        assert list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(expected)))
    elif expected == "text/csv":  # (pyoxigraph does not read CSV results back)
        assert reply.body.decode().splitlines()[0] == "measure,notation"
    else:
        ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.from_media_type(expected))


@pytest.mark.parametrize("query, accept, expected", [
    # A prefix named like a query form: the lexer must not take it for the form.
    (f"PREFIX select.a: <http://example.org/> CONSTRUCT {{ ?d a <{FOAF_DOCUMENT}> }} "
     f"WHERE {{ GRAPH <{DOC.format(1)}> {{ ?d a <{FOAF_DOCUMENT}> }} }}", "text/turtle", "text/turtle"),
    (f"PREFIX ask.x: <http://example.org/> SELECT ?d WHERE {{ GRAPH <{DOC.format(1)}> {{ ?d a <{FOAF_DOCUMENT}> }} }}",
     "text/csv", "text/csv"),
    # An escaped line feed in a comment ends it for the lexer, not for Oxigraph.
    (f"# \\u000A select\nCONSTRUCT {{ ?d a <{FOAF_DOCUMENT}> }} WHERE {{ GRAPH <{DOC.format(1)}> {{ ?d a <{FOAF_DOCUMENT}> }} }}",
     None, "text/turtle"),
], ids=["prefix-select", "prefix-ask", "escaped-newline-in-comment"])
def test_the_answer_has_the_form_the_engine_ran(server, query, accept, expected):
    reply = send(server, "POST", "/sparql", query.encode(), regulator({**DIRECT, **({"Accept": accept} if accept else {})}))
    assert reply.status == 200 and reply.media_type == expected, reply.body[:300]
    if expected == "text/turtle":
        assert [t.subject.value for t in ox.parse(reply.body, format=ox.RdfFormat.TURTLE)] == [DOC.format(1)]
    else:
        assert reply.body.decode().split() == ["d", DOC.format(1)]


# --- service description: HEAD, 406 -----------------------------------------------------------


def test_head_of_the_service_description(server):
    reply = send(server, "HEAD", "/sparql")
    assert reply.status == 200 and reply.media_type == "text/turtle" and reply.body == b""
    assert reply.headers["access-control-allow-origin"] == "*"
    assert int(reply.headers["content-length"]) == len(send(server, "GET", "/sparql").body)


@pytest.mark.parametrize("path", ["/sparql", "/sparql?" + urlencode({"query": SELECT})])
def test_an_unsupported_accept_is_406(server, path):
    reply = send(server, "GET", path, headers={"Accept": "image/png"})
    assert reply.status == 406 and "not acceptable" in reply.body.decode()


# --- CORS on every refusal --------------------------------------------------------------------


@pytest.mark.parametrize("method, path, body, headers, status", [
    ("GET", "/sparql?update=CLEAR%20ALL", None, {}, 403),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ("GET", "/sparql?query=ASK%20%7B%7D", None, {"Authorization": "Bearer not-a-configured-token-at-all"}, 401),
    ("GET", "/sparql?query=ASK%20%7B%7D", None, {"Accept": "text/csv"}, 406),
    ("DELETE", "/sparql", None, {}, 405),
    ("POST", "/sparql", b"query=ASK%20%7B%7D", {**FORM, **bearer("regulator")}, 200),
], ids=["403", "415", "401", "406", "405", "post-200"])
def test_cors_on_every_answer(server, method, path, body, headers, status):
    reply = send(server, method, path, body, {"Origin": "https://analyst.example", **headers})
    assert reply.status == status, reply.body
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "X-FSCAI-Truncated" in reply.headers["access-control-expose-headers"]
