"""``/sparql`` never lets a query change, leak or exhaust anything: each layer on its own.

- updates refused, whatever the method, and the store left as it was; the workers' store is
  read-only underneath;
- SERVICE refused before the store: no connection ever leaves the machine;
- the deadline really stops a query (its worker process is killed) and others are served meanwhile;
  a request may lower it, never raise it;
- the row cap, with its truncation signal; the query size limit;
- who sees what: tokens, and no query of an institution's token reads another institution's data,
  on the embedded store and behind a remote SPARQL server.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pyoxigraph as ox
import pytest
from oxigraph_server import running_oxigraph
from sparql_support import (
    BANK_UBN,
    CATALOGUE,
    INSURER_UBN,
    OTHER_GRAPH,
    SECURITIES_UBN,
    TAG,
    TINY_GRAPHS,
    TOKENS,
    UBN_A,
    UBN_B,
    bearer,
    close_app,
    examples_nquads,
    load_remote,
    make_store,
    served_sparql,
    sparql_app,
    tiny_nquads,
    write_tokens,
)

from virtuoso_server import running_virtuoso

from web.access import TokenSource, parse_tokens
from web.sparql.service import SparqlService
from web.store import owner_store

# --- fixtures ---------------------------------------------------------------------------------

LIMITS = {"SPARQL_MAX_ROWS": 5, "SPARQL_TIMEOUT_S": 3, "SPARQL_MAX_QUERY_BYTES": 2048, "SPARQL_WORKERS": 2}


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    return write_tokens(tmp_path_factory.mktemp("tokens") / "tokens.toml")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, tokens):
    """Two institutions, the catalogue and an unrelated graph, on disk; default limits."""
    store = make_store(tmp_path_factory.mktemp("tiny") / "store", tiny_nquads())
    with served_sparql(f"oxigraph:{store}", tokens) as served:
        yield served


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso of this module's own holding the same data, with a limit of its own on every query
    (the app's deadline stops waiting; Virtuoso does not stop a query when its client leaves)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso") / "db", query_timeout_s=6) as server:
        load_remote(server.store_url, tiny_nquads())
        yield server


@pytest.fixture(scope="module")
def limited(tmp_path_factory, tokens):
    """The same data with tight limits: 5 rows, 3 s, 2 KiB queries, 2 workers."""
    store = make_store(tmp_path_factory.mktemp("limited") / "store", tiny_nquads())
    with served_sparql(f"oxigraph:{store}", tokens, **LIMITS) as served:
        yield served


@pytest.fixture(scope="module")
def limited_virtuoso(virtuoso, tokens):
    """The same limits in front of Virtuoso: no worker processes there (the query runs on the
    server; the deadline bounds the request)."""
    with served_sparql(virtuoso.store_url, tokens, **LIMITS) as served:
        yield served


@pytest.fixture(params=["embedded", "virtuoso"])
def capped(request):
    """The limits that do not depend on the worker processes, over either store."""
    return request.getfixturevalue("limited" if request.param == "embedded" else "limited_virtuoso")


@pytest.fixture(scope="module", params=["oxigraph-serve", "virtuoso"])
def remote(request, tmp_path_factory, tokens):
    """The endpoint in front of a real second server holding the same data: ``oxigraph serve``,
    then Virtuoso (which adds a query's FROM to the protocol's graphs instead of replacing them)."""
    if request.param == "virtuoso":
        with served_sparql(request.getfixturevalue("virtuoso").store_url, tokens) as served:
            yield served
        return
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph") / "store") as oxigraph:
        _post_nquads(oxigraph.http_url, tiny_nquads())
        with served_sparql(oxigraph.store_url, tokens) as served:
            yield served


def _post_nquads(http_url: str, nquads: bytes) -> None:
    request = Request(f"{http_url}/store", data=nquads, method="POST", headers={"Content-Type": "application/n-quads"})
    with urlopen(request, timeout=30) as response:
        response.read()


def ask(server, query: str, role: str | None = None, accept: str = "text/csv", method: str = "GET",
        extra: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
    """Send a query (GET, POST form or POST direct) and return status, headers and body text."""
    params = {"query": query, **(extra or {})}
    heads = {"Accept": accept, **bearer(role), **(headers or {})}
    if method == "GET":
        request = Request(f"{server.sparql}?{urlencode(params, doseq=True)}", headers=heads)
    elif method == "FORM":
        request = Request(server.sparql, data=urlencode(params, doseq=True).encode(), method="POST",
                          headers={**heads, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        rest = {k: v for k, v in params.items() if k != "query"}
        request = Request(f"{server.sparql}?{urlencode(rest, doseq=True)}", data=query.encode(), method="POST",
                          headers={**heads, "Content-Type": "application/sparql-query"})
    try:
        with urlopen(request, timeout=60) as response:
            return response.status, _lower(response.headers), response.read().decode("utf-8")
    except HTTPError as error:
        return error.code, _lower(error.headers), error.read().decode("utf-8")


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def _dump(server) -> bytes:
    store = owner_store(server.app)
    return store.dump()


# --- layer 1: updates -------------------------------------------------------------------------

UPDATES = [
    ("GET", {"update": "CLEAR ALL"}, None),
    ("FORM", {"update": "DROP ALL"}, None),
    ("UPDATE", None, "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> <https://example.org/p> 1 } }"),
    ("GET", {"query": "INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }"}, None),
    ("DIRECT", None, "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("DIRECT", None, "PREFIX ex: <https://example.org/> \\u0043LEAR ALL"),
    ("FORM", {"query": "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <https://example.org/g>"}, None),
    ("FORM", {"query": "WITH <https://example.org/g> DELETE { ?s ?p ?o } WHERE { SELECT * { ?s ?p ?o } }"}, None),
]


@pytest.mark.parametrize("method, params, body", UPDATES)
def test_updates_are_refused_and_change_nothing(tiny, method, params, body):
    before = _dump(tiny)
    heads = bearer("regulator")
    if method == "GET":
        request = Request(f"{tiny.sparql}?{urlencode(params)}", headers=heads)
    elif method == "FORM":
        request = Request(tiny.sparql, data=urlencode(params).encode(), method="POST",
                          headers={**heads, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        content_type = "application/sparql-update" if method == "UPDATE" else "application/sparql-query"
        request = Request(tiny.sparql, data=body.encode(), method="POST", headers={**heads, "Content-Type": content_type})
    with pytest.raises(HTTPError) as refused:
        urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert "read-only" in refused.value.read().decode()
    assert _dump(tiny) == before


def _update_texts(port: int) -> dict[str, str]:
    return {
        "insert-data": "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> <https://example.org/p> 1 } }",
        "delete-where": "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "load": f"LOAD <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <https://example.org/g>",
        "clear": "CLEAR ALL",
        "drop": f"DROP GRAPH <{CATALOGUE}>",
    }


@pytest.mark.parametrize("kind", list(_update_texts(0)))
@pytest.mark.parametrize("way", ["sparql-update", "update-form", "update-url"])
def test_every_update_is_refused_every_way(tiny, listener, kind, way):
    update = _update_texts(listener.port)[kind]
    before = _dump(tiny)
    heads = bearer("regulator")
    if way == "sparql-update":
        request = Request(tiny.sparql, data=update.encode(), method="POST",
                          headers={**heads, "Content-Type": "application/sparql-update"})
    elif way == "update-form":
        request = Request(tiny.sparql, data=urlencode({"update": update}).encode(), method="POST",
                          headers={**heads, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = Request(f"{tiny.sparql}?{urlencode({'update': update})}", headers=heads)
    with pytest.raises(HTTPError) as refused:
        urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert "read-only" in refused.value.read().decode()
    assert _dump(tiny) == before
    if kind == "load":
        time.sleep(0.3)
        assert listener.connections == 0  # LOAD never fetched anything


def test_the_listener_sees_what_a_load_would_fetch(listener):
    """The control for LOAD: a writable pyoxigraph store fetches the document."""
    with pytest.raises(OSError):
        ox.Store().update(_update_texts(listener.port)["load"])
    assert listener.connections >= 1


def test_the_workers_store_is_read_only_underneath(tmp_path):
    """Even past the guard, a worker's store could not be written: it is opened read-only."""
    path = make_store(tmp_path / "store", tiny_nquads())
    store = ox.Store.read_only(str(path))
    with pytest.raises(RuntimeError, match="read-write"):
        store.update("INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }")
    with pytest.raises(RuntimeError, match="read-write"):
        store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("1")))


# --- layer 2: SERVICE -------------------------------------------------------------------------


class Listener:
    """A loopback TCP port that records every connection made to it (and closes it at once)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture()
def listener():
    server = Listener()
    yield server
    server.close()


def _service_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK FROM <{CATALOGUE}> {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND (<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"select * where {{ {{ select ?s where {{ service <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ ?x ?y ?z }} UNION {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"DESCRIBE ?s WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        *_service_in_disguise(url),
    ]


def _service_in_disguise(url: str) -> list[str]:
    """SERVICE clauses rdflib's parser reads differently from Oxigraph: rdflib expands \\u escapes
    everywhere before parsing and ends a comment at a line feed only; Oxigraph runs the clause."""
    return [
        # A carriage return ends the comment for Oxigraph (SPARQL's EOL), not for rdflib.
        f"SELECT * WHERE {{ # note\rSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
        # An escaped line feed in a comment: rdflib sees a long string hiding the clause.
        f'SELECT * WHERE {{ BIND(CONCAT("a" # \\u000A, """\n) AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} '
        f'BIND(CONCAT("b" # """\n) AS ?y) }}',
        # An escaped quote in a string: rdflib sees a long string hiding the clause.
        f'SELECT * WHERE {{ BIND(CONCAT("\\u0022", "") AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} '
        f'BIND(CONCAT("\\u0022", "") AS ?y) }}',
    ]


SERVICE_QUERIES = len(_service_queries(0))


@pytest.mark.parametrize("query", [lambda url: f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                                   *(lambda url, i=i: _service_in_disguise(url)[i] for i in range(3))],
                         ids=["plain", "carriage-return", "escaped-newline", "escaped-quote"])
def test_the_listener_sees_what_pyoxigraph_would_send(listener, query):
    """The control: without the guard, pyoxigraph itself connects to a SERVICE endpoint."""
    with pytest.raises(OSError):
        list(ox.Store().query(query(f"http://127.0.0.1:{listener.port}/sparql")))
    assert listener.connections >= 1


@pytest.mark.parametrize("index", range(SERVICE_QUERIES))
@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
def test_service_is_refused_and_nothing_leaves(tiny, listener, index, method):
    status, _, body = ask(tiny, _service_queries(listener.port)[index], "regulator", method=method)
    assert status == 403 and "SERVICE" in body
    time.sleep(0.3)
    assert listener.connections == 0


def test_the_word_service_elsewhere_is_fine(tiny):
    query = ('PREFIX service: <https://example.org/service#> '
             'SELECT ?o WHERE { ?s ?p ?o FILTER (?o != "SERVICE <http://x/>") } # SERVICE <http://y/> { }')
    status, _, _ = ask(tiny, query, "regulator")
    assert status == 200


# --- layer 3: the deadline --------------------------------------------------------------------

#: Seven-fold cross product of the dataset: billions of rows, never finishes within 3 s.
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
                "?m ?n1 ?o . ?p ?q ?r . ?t ?u ?v }")
SIMPLE = f"SELECT ?o WHERE {{ <{CATALOGUE}#thing> <{TAG}> ?o }}"


def _pool(server):
    return SparqlService.of(server.app).pool


def _wait_for_full_pool(server, timeout: float = 30) -> set[int]:
    pool = _pool(server)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if len(pool.pids()) == pool.size:
            return pool.pids()
        time.sleep(0.05)
    raise AssertionError(f"the pool did not recover: {pool.pids()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie still answers kill(0): look at its state
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_deadline_kills_the_query(limited):
    ask(limited, SIMPLE)  # the pool is up
    before = _wait_for_full_pool(limited)
    killed = _pool(limited).killed
    started = time.monotonic()
    status, headers, body = ask(limited, PATHOLOGICAL, "regulator", extra={"timeout": "1"})
    elapsed = time.monotonic() - started
    assert status == 503 and "deadline" in body and elapsed < 2.5
    assert headers["x-fscai-timeout-s"] == "1"
    assert _pool(limited).killed == killed + 1
    gone = before - _pool(limited).pids()
    assert len(gone) == 1 and not _alive(gone.pop())  # really stopped, not left running
    after = _wait_for_full_pool(limited)
    assert len(after) == _pool(limited).size == 3 and after != before  # 2 workers and the public's own


def test_others_are_served_while_a_query_runs_to_its_deadline(limited):
    ask(limited, SIMPLE)
    _wait_for_full_pool(limited)
    _served_while_one_runs_to_its_deadline(limited, rounds=10)


def _served_while_one_runs_to_its_deadline(server, rounds: int) -> None:
    """Simple queries answer within a second while a pathological one runs to its deadline (503)."""
    outcome = {}
    slow = threading.Thread(target=lambda: outcome.update(slow=ask(server, PATHOLOGICAL, "regulator")))
    slow.start()
    time.sleep(0.3)
    for _ in range(rounds):
        started = time.monotonic()
        status, _, body = ask(server, SIMPLE)
        assert status == 200 and CATALOGUE in body
        assert time.monotonic() - started < 1.0
    assert slow.is_alive()  # still running: the simple queries did not wait for it
    slow.join(timeout=10)
    assert outcome["slow"][0] == 503


def test_a_request_may_lower_the_deadline_never_raise_it(limited):
    assert ask(limited, SIMPLE, extra={"timeout": "1000"})[1]["x-fscai-timeout-s"] == "3"
    assert ask(limited, SIMPLE, extra={"timeout": "0.5"})[1]["x-fscai-timeout-s"] == "0.5"
    _wait_for_full_pool(limited)
    started = time.monotonic()
    status, _, _ = ask(limited, PATHOLOGICAL, "regulator", extra={"timeout": "1000"})
    assert status == 503 and 2.5 < time.monotonic() - started < 4.5  # the setting, 3 s, not 1000


@pytest.mark.parametrize("method", ["FORM", "DIRECT"])
def test_the_timeout_parameter_works_on_post_too(limited, method):
    _wait_for_full_pool(limited)
    assert ask(limited, SIMPLE, method=method, extra={"timeout": "0.5"})[1]["x-fscai-timeout-s"] == "0.5"
    assert ask(limited, SIMPLE, method=method, extra={"timeout": "1000"})[1]["x-fscai-timeout-s"] == "3"


def test_when_every_worker_is_busy_a_request_gets_503_in_time(limited):
    _wait_for_full_pool(limited)
    slow = [threading.Thread(target=ask, args=(limited, PATHOLOGICAL, "regulator")) for _ in range(2)]
    for thread in slow:
        thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, headers, body = ask(limited, SIMPLE, "regulator", extra={"timeout": "0.5"})
    assert status == 503 and "busy" in body and headers.get("retry-after") == "1"
    assert time.monotonic() - started < 1.5
    for thread in slow:
        thread.join(timeout=10)


def test_the_deadline_holds_over_virtuoso(limited_virtuoso):
    """Over a remote store the deadline bounds the request: the same 503, the same header, on time."""
    assert ask(limited_virtuoso, SIMPLE)[0] == 200
    started = time.monotonic()
    status, headers, body = ask(limited_virtuoso, PATHOLOGICAL, "regulator", extra={"timeout": "1"})
    assert status == 503 and "deadline" in body and time.monotonic() - started < 2.5, body
    assert headers["x-fscai-timeout-s"] == "1"
    started = time.monotonic()
    status, headers, body = ask(limited_virtuoso, PATHOLOGICAL, "regulator", extra={"timeout": "1000"})
    assert status == 503 and 2.5 < time.monotonic() - started < 4.5  # the setting, 3 s, not 1000
    assert headers["x-fscai-timeout-s"] == "3"


def test_others_are_served_over_virtuoso_while_a_query_runs_to_its_deadline(limited_virtuoso):
    _served_while_one_runs_to_its_deadline(limited_virtuoso, rounds=5)


# --- layer 4: the row cap and the query size ---------------------------------------------------

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


def test_rows_beyond_the_cap_are_cut_and_flagged_json(capped):
    status, headers, body = ask(capped, ALL_QUADS, "regulator", accept="application/sparql-results+json")
    assert status == 200
    document = json.loads(body)
    assert len(document["results"]["bindings"]) == 5
    assert document["head"]["link"] == ["https://w3id.org/fscai/sparql#truncated"]
    assert headers["x-fscai-truncated"] == "true" and headers["x-fscai-row-limit"] == "5"
    assert headers["x-fscai-rows"] == "5"


def test_rows_beyond_the_cap_are_cut_and_flagged_xml_csv_tsv(capped):
    status, headers, body = ask(capped, ALL_QUADS, "regulator", accept="application/sparql-results+xml")
    assert status == 200 and '<link href="https://w3id.org/fscai/sparql#truncated"/>' in body
    assert len(list(ox.parse_query_results(body.encode(), format=ox.QueryResultsFormat.XML))) == 5
    for accept in ("text/csv", "text/tab-separated-values"):
        status, headers, body = ask(capped, ALL_QUADS, "regulator", accept=accept)
        assert status == 200 and headers["x-fscai-truncated"] == "true"
        assert len(body.strip().splitlines()) == 6  # the header line and 5 rows


def test_construct_is_capped_too(capped):
    status, headers, body = ask(capped, "CONSTRUCT WHERE { ?s ?p ?o }", "regulator", accept="application/n-triples")
    assert status == 200 and headers["x-fscai-truncated"] == "true"
    assert len(body.strip().splitlines()) == 5


def test_construct_as_text_plain_is_flagged_too(capped):
    """text/plain is N-Triples' old media type: a cut graph says so there as well."""
    status, headers, body = ask(capped, "CONSTRUCT WHERE { ?s ?p ?o }", "regulator", accept="text/plain")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert len(list(ox.parse(body.encode(), format=ox.RdfFormat.N_TRIPLES))) == 5
    assert headers["x-fscai-truncated"] == "true" and headers["x-fscai-row-limit"] == "5"
    assert headers["x-fscai-rows"] == "5"


def test_at_the_cap_nothing_is_flagged(capped):
    status, headers, body = ask(capped, ALL_QUADS + " LIMIT 5", "regulator", accept="application/sparql-results+json")
    assert status == 200 and headers["x-fscai-truncated"] == "false"
    assert "link" not in json.loads(body)["head"]


def test_an_oversized_query_is_413(capped):
    status, _, body = ask(capped, "ASK {} #" + "x" * 3000, method="DIRECT")
    assert status == 413 and "too long" in body


# --- who sees what: tokens ---------------------------------------------------------------------


def test_an_unknown_token_is_401_not_a_downgrade(tiny):
    status, headers, body = ask(tiny, SIMPLE, headers={"Authorization": "Bearer not-a-configured-token-at-all"})
    assert status == 401 and "invalid token" in body
    assert headers["www-authenticate"].startswith('Bearer realm="fscai"')


def test_only_bearer_tokens(tiny):
    status, _, _ = ask(tiny, SIMPLE, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert status == 401


def test_one_token_one_way(tiny):
    status, _, body = ask(tiny, SIMPLE, "regulator", extra={"access_token": TOKENS["regulator"]})
    assert status == 400 and "once" in body


@pytest.mark.parametrize("method", ["GET", "FORM"])
def test_access_token_parameter(tiny, method):
    query = f"SELECT ?o WHERE {{ GRAPH <{OTHER_GRAPH}> {{ ?s <{TAG}> ?o }} }}"
    status, _, body = ask(tiny, query, method=method, extra={"access_token": TOKENS["regulator"]})
    assert status == 200 and OTHER_GRAPH in body


def test_token_files_toml_json_hashed_and_rotated(tmp_path):
    token = "rotating-token-for-tests-00000000"
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": {"sha256:" + hashlib.sha256(token.encode()).hexdigest(): UBN_A}}))
    source = TokenSource(str(path))
    source.RECHECK_S = 0  # the file is looked at again at most once a second; here at every request
    assert source.table().principal(token).ubn == UBN_A
    time.sleep(0.01)
    path.write_text(json.dumps({"tokens": {"another-token-for-tests-000000000": "regulator"}}))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert source.table().principal(token) is None
    assert source.table().principal("another-token-for-tests-000000000").role == "regulator"


@pytest.mark.parametrize("mapping, message", [
    ({"short": "regulator"}, "at least 20 characters"),
    ({"a-long-enough-token-0000001": "supervisor"}, "regulator' or an 8-digit UBN"),
    ({"a-long-enough-token-0000001": "1234567"}, "8-digit UBN"),
])
def test_bad_token_tables_are_refused(mapping, message):
    with pytest.raises(ValueError, match=message):
        parse_tokens(mapping)


def test_a_bad_token_file_stops_the_app(tmp_path):
    path = tmp_path / "tokens.toml"
    path.write_text('[tokens]\n"short" = "regulator"\n')
    with pytest.raises(ValueError, match="tokens.toml"):
        sparql_app("memory:", path)


# --- who sees what: no leak, whatever the query --------------------------------------------------

SUB_A = [g for g, who in TINY_GRAPHS.items() if who == UBN_A and "/submission/" in g]
SUB_B = next(g for g, who in TINY_GRAPHS.items() if who == UBN_B and "/submission/" in g)
DER_B = next(g for g, who in TINY_GRAPHS.items() if who == UBN_B and "/derived/" in g)

#: Queries that try every way to reach data outside the token's graphs.
LEAKS = {
    "default-union": (f"SELECT ?o WHERE {{ ?s <{TAG}> ?o }}", {}),
    "graph-variable": (f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ ?s <{TAG}> ?o }} }}", {}),
    "graph-named": (f"SELECT ?o WHERE {{ GRAPH <{SUB_B}> {{ ?s ?p ?o }} }}", {}),
    "from": (f"SELECT ?o FROM <{SUB_B}> FROM <{OTHER_GRAPH}> WHERE {{ ?s ?p ?o }}", {}),
    "from-named": (f"SELECT ?g ?o FROM NAMED <{SUB_B}> FROM NAMED <{DER_B}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    "from-and-graph": (f"SELECT ?o FROM <{CATALOGUE}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}", {}),
    "default-graph-uri": (f"SELECT ?o WHERE {{ ?s <{TAG}> ?o }}", {"default-graph-uri": [SUB_B, OTHER_GRAPH]}),
    "named-graph-uri": (f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ ?s <{TAG}> ?o }} }}", {"named-graph-uri": [SUB_B, DER_B]}),
    "union": (f"SELECT ?o WHERE {{ {{ ?s <{TAG}> ?o }} UNION {{ GRAPH ?g {{ ?s <{TAG}> ?o }} }} "
              f"UNION {{ GRAPH <{OTHER_GRAPH}> {{ ?s ?p ?o }} }} }}", {}),
    "subquery": (f"SELECT ?o WHERE {{ {{ SELECT ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }} }}", {}),
    "exists": (f"SELECT ?o WHERE {{ ?s <{TAG}> ?o FILTER EXISTS {{ GRAPH <{SUB_B}> {{ ?x ?y ?z }} }} }}", {}),
    "shared-subject": ("SELECT ?o WHERE { <https://vendors.example.tw/id/shared> ?p ?o }", {}),
    "describe": ("DESCRIBE <https://vendors.example.tw/id/shared>", {}),
    "construct": ("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", {}),
    "graph-names": ("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", {}),
    "values-graph": (f"SELECT ?o WHERE {{ VALUES ?g {{ <{SUB_B}> <{OTHER_GRAPH}> }} GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    "ask": (f"ASK {{ GRAPH <{SUB_B}> {{ ?s ?p ?o }} }}", {}),
}


def _accept(query: str) -> str:
    if query.startswith(("DESCRIBE", "CONSTRUCT")):
        return "application/n-triples"
    return "application/sparql-results+json" if query.startswith("ASK") else "text/csv"


def _forbidden(role: str | None) -> list[str]:
    """Strings that must never appear in an answer to ``role``: other graphs' IRIs (every triple's
    object names its graph) and the store's own default graph."""
    graphs = [g for g, who in TINY_GRAPHS.items() if who not in ("everyone", role)]
    return graphs + ["DEFAULT-GRAPH"]


def _allowed(role: str | None) -> list[str]:
    return [g for g, who in TINY_GRAPHS.items() if who in ("everyone", role)]


@pytest.mark.parametrize("name", list(LEAKS))
@pytest.mark.parametrize("role", [UBN_A, UBN_B, None], ids=["institution-a", "institution-b", "public"])
def test_no_query_reads_another_institutions_data(tiny, name, role):
    query, extra = LEAKS[name]
    status, _, body = ask(tiny, query, role, accept=_accept(query), extra=extra)
    assert status == 200, body
    for secret in _forbidden(role):
        assert secret not in body, f"{name} leaked {secret} to {role or 'the public'}"
    if name == "ask":
        assert json.loads(body)["boolean"] is (role == UBN_B)  # only B may see its own graph


@pytest.mark.parametrize("role", [UBN_A, None], ids=["institution-a", "public"])
def test_restricted_tokens_still_see_their_own(tiny, role):
    status, _, body = ask(tiny, LEAKS["graph-variable"][0], role)
    assert status == 200
    assert sorted(line.split(",")[0] for line in body.strip().splitlines()[1:]) == sorted(
        g for g in _allowed(role) for _ in range(2))  # each graph: its thing and the shared subject


def test_the_regulator_reads_everything(tiny):
    status, _, body = ask(tiny, LEAKS["graph-variable"][0], "regulator")
    assert status == 200
    for graph in TINY_GRAPHS:
        assert graph in body
    status, _, body = ask(tiny, LEAKS["default-union"][0], "regulator")
    assert "DEFAULT-GRAPH" in body  # the union default graph covers the store's own default graph too


DER_A = next(g for g, who in TINY_GRAPHS.items() if who == UBN_A and "/derived/" in g)


@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
def test_a_requested_dataset_keeps_only_the_graphs_the_token_reads(tiny, method):
    """Own, another institution's, an unrelated graph and the catalogue asked for: the rest is dropped."""
    query = f"SELECT ?o WHERE {{ ?s <{TAG}> ?o }}"
    extra = {"default-graph-uri": [SUB_A[0], SUB_B, OTHER_GRAPH, CATALOGUE]}
    for role, expected in ((UBN_A, {SUB_A[0], CATALOGUE}), (UBN_B, {SUB_B, CATALOGUE}), (None, {CATALOGUE}),
                           ("regulator", {SUB_A[0], SUB_B, OTHER_GRAPH, CATALOGUE})):
        status, _, body = ask(tiny, query, role, method=method, extra=extra)
        assert status == 200 and set(body.split()[1:]) == expected, (role, body)


@pytest.mark.parametrize("extra, expected_a, expected_regulator", [
    ({}, {SUB_A[1]}, {SUB_A[1], SUB_B}),  # the query's FROM NAMED, narrowed to the token's graphs
    ({"named-graph-uri": [SUB_B, DER_A]}, {DER_A}, {SUB_B, DER_A}),  # the protocol's replaces it
], ids=["from-named", "named-graph-uri-over-from-named"])
def test_from_named_and_named_graph_uri_are_narrowed(tiny, extra, expected_a, expected_regulator):
    query = f"SELECT DISTINCT ?g FROM NAMED <{SUB_B}> FROM NAMED <{SUB_A[1]}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    for role, expected in ((UBN_A, expected_a), ("regulator", expected_regulator)):
        status, _, body = ask(tiny, query, role, extra=extra)
        assert status == 200 and set(body.split()[1:]) == expected, (role, body)


@pytest.mark.parametrize("role", [UBN_A, UBN_B, None, "regulator"], ids=["institution-a", "institution-b", "public",
                                                                         "regulator"])
def test_the_service_description_names_the_graphs_the_token_reads(tiny, role):
    import rdflib

    request = Request(tiny.sparql, headers={"Accept": "text/turtle", **bearer(role)})
    with urlopen(request, timeout=30) as response:
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    names = {str(name) for name in graph.objects(None, sd.name)}
    assert names == (set(TINY_GRAPHS) if role == "regulator" else set(_allowed(role)))


@pytest.mark.parametrize("name", list(LEAKS))
@pytest.mark.parametrize("role", [UBN_A, None], ids=["institution-a", "public"])
def test_no_leak_behind_a_remote_server(remote, name, role):
    """Every leak of the embedded store's table, in front of oxigraph serve and of Virtuoso."""
    query, extra = LEAKS[name]
    status, _, body = ask(remote, query, role, accept=_accept(query), extra=extra)
    assert status == 200, body
    for secret in _forbidden(role):
        assert secret not in body, f"{name} leaked {secret} to {role or 'the public'} through the remote backend"
    status, _, body = ask(remote, LEAKS["graph-variable"][0], "regulator")
    assert all(graph in body for graph in TINY_GRAPHS)


@pytest.mark.parametrize("index", [0, SERVICE_QUERIES - 3, SERVICE_QUERIES - 2, SERVICE_QUERIES - 1],
                         ids=["plain", "carriage-return", "escaped-newline", "escaped-quote"])
def test_service_is_refused_before_the_remote_server(remote, listener, index):
    status, _, _ = ask(remote, _service_queries(listener.port)[index], "regulator")
    assert status == 403
    time.sleep(0.3)
    assert listener.connections == 0


# --- who sees what: the regulator's questions on the bundled examples ---------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory, tokens):
    store = make_store(tmp_path_factory.mktemp("examples") / "store", examples_nquads())
    with served_sparql(f"oxigraph:{store}", tokens) as served:
        yield served


def test_an_institution_runs_the_library_on_its_own_data_only(examples):
    from mapper.query_library import list_queries, read_query

    others = (INSURER_UBN, SECURITIES_UBN, "life.example.tw", "securities.example.tw")
    for named in list_queries():
        status, _, body = ask(examples, named.text, BANK_UBN, method="DIRECT")
        assert status == 200, (named.name, body)
        for secret in others:
            assert secret not in body, f"{named.name} leaked {secret} to the bank"
    institutions = read_query("institutions").text
    status, _, body = ask(examples, institutions, BANK_UBN, method="DIRECT")
    assert [line.split(",")[0] for line in body.strip().splitlines()[1:]] == [BANK_UBN]
    status, _, body = ask(examples, institutions, "regulator", method="DIRECT")
    assert len(body.strip().splitlines()) == 4


# --- the workers' snapshots and their lifecycle -----------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_a_write_through_the_app_is_seen_by_the_next_query(tmp_path, tokens, kind):
    """Workers read a snapshot; a write through the app (as the viewer's analyses make) renews it."""
    if kind == "memory":
        url = "memory:"
    else:
        url = f"oxigraph:{make_store(tmp_path / 'store', b'')}"
    app = sparql_app(url, tokens, SPARQL_WORKERS=1)
    try:
        store = owner_store(app)
        store.replace_graph(CATALOGUE, f'<{CATALOGUE}#thing> <{TAG}> "first" .'.encode())
        client = app.test_client()
        query = {"query": f"SELECT ?o WHERE {{ ?s <{TAG}> ?o }}"}
        assert client.get("/sparql", query_string=query, headers={"Accept": "text/csv"}).data.split() == [b"o", b"first"]
        store.replace_graph(CATALOGUE, f'<{CATALOGUE}#thing> <{TAG}> "second" .'.encode())
        assert client.get("/sparql", query_string=query, headers={"Accept": "text/csv"}).data.split() == [b"o", b"second"]
        # two workers (one, and the public's own): the first still holds the old snapshot until its next query
        assert client.get("/sparql", query_string=query, headers={"Accept": "text/csv"}).data.split() == [b"o", b"second"]
        snapshots = SparqlService.of(app)._snapshots  # noqa: SLF001
        assert len(list(snapshots._root.iterdir())) == 1  # noqa: SLF001 (the first one was deleted)
    finally:
        close_app(app)
    assert not snapshots._root.exists()  # noqa: SLF001 (and closing removes the rest)


def test_a_worker_killed_from_outside_is_replaced_before_use(limited):
    import signal

    ask(limited, SIMPLE)
    pids = _wait_for_full_pool(limited)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    status, _, body = ask(limited, SIMPLE, extra={"timeout": "3"})
    assert status == 200 and CATALOGUE in body, body
    assert not pids & _wait_for_full_pool(limited)


def test_head_is_get_without_a_body(tiny):
    request = Request(f"{tiny.sparql}?{urlencode({'query': 'ASK {}'})}", method="HEAD")
    with urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.read() == b""
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
