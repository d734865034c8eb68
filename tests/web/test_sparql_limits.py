"""``/sparql`` stays up under hostile callers without a token (issue 14, "a service that stays up").

The real app behind waitress on loopback, real worker processes, real concurrent HTTP clients, the
bundled examples (the public reads their catalogue: ~7,400 triples, enough for a cross product to
never end and for an ``ORDER BY`` over one to grow by a gigabyte a second):

- concurrency: the public gets one running query and two requests in the endpoint at most (the
  rest 503 at once, with ``Retry-After`` and a bilingual message), while the regulator's queries are
  answered; institutions cannot take the regulator's reserved worker; the public's query runs on a
  worker of its own under ``SCHED_IDLE`` and takes no worker from a caller with a token;
- a lower deadline for the public (``X-FSCAI-Timeout-S``);
- a per-worker memory limit: a memory hog is stopped, reported, and the next query works;
- relative IRIs in a query resolve against the endpoint's URL.

Every app here has tokens configured (``write_tokens``), so who is the public is never in doubt.
"""

from __future__ import annotations

import os
import threading
import time
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pyoxigraph as ox
import pytest
from sparql_support import BANK_UBN, UBN_A, bearer, examples_nquads, make_store, served_sparql, write_tokens

from web.sparql.service import SparqlService

LIMITS = {
    "SPARQL_WORKERS": 3,
    "SPARQL_RESERVED_WORKERS": 1,  # institutions together: 2 workers at most
    "SPARQL_PUBLIC_QUERIES": 1,  # on a worker of its own, beside the 3
    "SPARQL_QUERIES_PER_CALLER": 2,
    "SPARQL_TIMEOUT_S": 30,
    "SPARQL_PUBLIC_TIMEOUT_S": 3,
    "SPARQL_WORKER_MEMORY_MB": 512,
}
#: A cross product of the readable data, counted: never finishes, holds no memory.
CPU_HOG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: A cross product sorted: every row is kept in memory (measured: ~1 GB a second).
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
#: SELECT in CSV, ASK in SPARQL JSON.
ANY = "text/csv, application/sparql-results+json;q=0.5"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-limits")
    store = make_store(root / "store", examples_nquads())
    with served_sparql(f"oxigraph:{store}", write_tokens(root / "tokens.toml"), **LIMITS) as served:
        assert ask(served, "ASK {}", "regulator")[0] == 200  # the workers are up
        yield served


def ask(server, query: str, role: str | None = None, accept: str = ANY, timeout: str | None = None,
        direct: bool = False) -> tuple[int, dict, str]:
    """One request (a new connection, as curl makes): status, lower-cased headers, body text."""
    params = {"timeout": timeout} if timeout else {}
    headers = {"Accept": accept, **bearer(role)}
    if direct:
        request = Request(f"{server.sparql}?{urlencode(params)}", data=query.encode(), method="POST",
                          headers={**headers, "Content-Type": "application/sparql-query"})
    else:
        request = Request(f"{server.sparql}?{urlencode({'query': query, **params})}", headers=headers)
    try:
        with urlopen(request, timeout=120) as response:
            return response.status, _lower(response.headers), response.read().decode("utf-8")
    except HTTPError as failure:
        return failure.code, _lower(failure.headers), failure.read().decode("utf-8")


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def _pool(server):
    return SparqlService.of(server.app).pool


def _admission(server):
    return SparqlService.of(server.app).admission


def _wait_until(condition, what: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def _full_pool(server) -> set[int]:
    pool = _pool(server)
    _wait_until(lambda: len(pool.pids()) == pool.size, "the pool back to full size")
    return pool.pids()


def _idle(server) -> None:
    _wait_until(lambda: _admission(server).running == 0 and not _admission(server).public_running, "no query running")
    _full_pool(server)


def _in_background(server, query: str, role: str | None, count: int, **kwargs) -> tuple[list, list]:
    """``count`` clients sending ``query`` at once, each on its own thread; their replies land in
    the returned list as they come."""
    replies: list = []
    start = threading.Barrier(count)

    def client() -> None:
        start.wait()
        replies.append(ask(server, query, role, **kwargs))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, replies


def _busy(reply) -> bool:
    status, headers, body = reply
    return status == 503 and headers.get("retry-after") == "1" and "忙碌中" in body and "busy" in body


# --- concurrency -------------------------------------------------------------------------------


def test_hostile_public_clients_get_503_while_the_regulator_is_answered(server):
    _idle(server)
    refused_before = _admission(server).refused["public"]
    threads, replies = _in_background(server, CPU_HOG, None, count=6)
    # One runs, one waits its turn (2 per caller), the other four are refused at once.
    _wait_until(lambda: sum(_busy(r) for r in replies) >= 4, "four public requests refused")
    assert _admission(server).refused["public"] - refused_before >= 4
    assert any(thread.is_alive() for thread in threads)  # the hostile query still holds its worker
    for role in ("regulator", "regulator", BANK_UBN):
        status, _, body = ask(server, "ASK {}", role)
        assert status == 200 and "true" in body, body
    status, _, body = ask(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }", "regulator")
    assert status == 200 and int(body.split()[1]) > 0
    for thread in threads:
        thread.join(timeout=60)
    assert len(replies) == 6
    for status, headers, body in replies:  # refused, out of turn, or stopped at the public deadline
        assert status == 503 and headers.get("retry-after") == "1", body
        assert headers["x-fscai-timeout-s"] == "3"
    assert sum("passed its deadline" in body for _, _, body in replies) >= 1  # the one that ran was stopped


def test_the_regulator_keeps_its_reserved_worker(server):
    """Institutions fill every worker they may use; the regulator still gets the one kept for it,
    and another institution's query waits for its turn, then gets 503 (never the reserved worker)."""
    _idle(server)
    threads, replies = _in_background(server, CPU_HOG, BANK_UBN, count=2, timeout="8")
    _wait_until(lambda: _admission(server).running == 2, "two institution queries running")
    status, headers, body = ask(server, "ASK {}", UBN_A, timeout="1")
    assert _busy((status, headers, body)), body
    status, _, body = ask(server, "ASK {}", "regulator")
    assert status == 200 and "true" in body
    assert all(thread.is_alive() for thread in threads)  # the regulator did not wait for them
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _, _ in replies] == [503, 503]  # stopped at their deadline, 8 s


def test_the_public_takes_no_worker_nor_cpu_from_callers_with_a_token(server):
    """The public's query runs on a worker of its own under SCHED_IDLE: both workers open to
    institutions and the regulator's own stay theirs, and the public's query is not stopped for
    them (it runs until its own deadline)."""
    _idle(server)
    public, public_replies = _in_background(server, CPU_HOG, None, count=1)
    _wait_until(lambda: len(_admission(server).public_running) == 1, "the public's query running")
    idle = [pid for pid in _pool(server).pids() if os.sched_getscheduler(pid) == os.SCHED_IDLE]
    assert len(idle) == 1, "the public's worker runs only on CPU no one else wants"
    bank, _ = _in_background(server, CPU_HOG, BANK_UBN, count=1, timeout="8")
    other, _ = _in_background(server, CPU_HOG, UBN_A, count=1, timeout="8")
    _wait_until(lambda: _admission(server).running == 2, "both institutions' queries running beside the public's")
    status, _, body = ask(server, "ASK {}", "regulator")  # the reserved worker
    assert status == 200 and "true" in body, body
    for thread in public + bank + other:
        thread.join(timeout=60)
    [(status, headers, body)] = public_replies
    assert status == 503 and "passed its deadline" in body and headers["x-fscai-timeout-s"] == "3", body
    pids = _full_pool(server)
    assert len(pids) == 4 and not [pid for pid in pids if os.sched_getscheduler(pid) == os.SCHED_IDLE]


def test_one_caller_cannot_queue_more_than_its_share(server):
    _idle(server)
    threads, replies = _in_background(server, CPU_HOG, BANK_UBN, count=3, timeout="4")
    _wait_until(lambda: any(_busy(r) for r in replies), "the bank's third request refused")
    refused = [r for r in replies if _busy(r)]
    assert len(refused) == 1 and "2 queries running or waiting" in refused[0][2]
    for thread in threads:
        thread.join(timeout=60)


# --- the public's deadline ------------------------------------------------------------------------


def test_the_public_gets_the_lower_deadline(server):
    _idle(server)
    assert ask(server, "ASK {}")[1]["x-fscai-timeout-s"] == "3"
    assert ask(server, "ASK {}", timeout="1000")[1]["x-fscai-timeout-s"] == "3"
    assert ask(server, "ASK {}", timeout="0.5")[1]["x-fscai-timeout-s"] == "0.5"
    assert ask(server, "ASK {}", "regulator")[1]["x-fscai-timeout-s"] == "30"
    assert ask(server, "ASK {}", BANK_UBN)[1]["x-fscai-timeout-s"] == "30"
    killed = _pool(server).killed
    status, headers, body = ask(server, CPU_HOG)
    assert status == 503 and "deadline of 3 s" in body and headers.get("retry-after") == "1"
    assert headers["x-fscai-timeout-s"] == "3"
    assert _pool(server).killed == killed + 1


# --- memory ---------------------------------------------------------------------------------------


def test_a_memory_hog_is_stopped_and_reported_and_the_next_query_works(server):
    """The regulator's deadline (30 s) is far away: what stops this query is its worker's memory."""
    _idle(server)
    pids, died, killed = _full_pool(server), _pool(server).died, _pool(server).killed
    status, headers, body = ask(server, MEMORY_HOG, "regulator")
    assert status == 503 and headers.get("retry-after") == "1", body
    assert "記憶體" in body and "memory budget of 512 MiB" in body
    assert _pool(server).died == died + 1 and _pool(server).killed == killed  # not the deadline
    assert ask(server, "ASK {}", "regulator")[0] == 200
    assert ask(server, "ASK {}")[0] == 200
    after = _full_pool(server)
    assert len(pids - after) == 1  # one worker replaced, the others kept


def test_a_memory_hog_without_a_token_too(server):
    _idle(server)
    stopped = _pool(server).died + _pool(server).killed
    status, headers, body = ask(server, MEMORY_HOG)
    assert status == 503 and headers.get("retry-after") == "1", body
    assert "memory budget" in body or "passed its deadline" in body  # whichever limit it reaches first
    assert _pool(server).died + _pool(server).killed == stopped + 1
    assert ask(server, "ASK {}")[0] == 200


# --- relative IRIs --------------------------------------------------------------------------------


def test_a_relative_iri_in_construct_resolves_against_the_endpoint(server):
    """W3C SPARQL 1.1 Protocol ``query_content_type_construct``, as the manifest writes it."""
    status, _, body = ask(server, "CONSTRUCT { <s> <p> 1 } WHERE {}", "regulator",
                          accept="application/n-triples", direct=True)
    assert status == 200, body
    [triple] = list(ox.parse(body.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert triple.subject == ox.NamedNode(f"{server.url}/s")
    assert triple.predicate == ox.NamedNode(f"{server.url}/p")


def test_a_query_base_of_its_own_still_wins(server):
    status, _, body = ask(server, "BASE <https://example.org/a/> CONSTRUCT { <s> <p> <../o> } WHERE {}", None,
                          accept="application/n-triples")
    assert status == 200, body
    assert body.strip() == "<https://example.org/a/s> <https://example.org/a/p> <https://example.org/o> ."


def test_a_syntax_error_is_placed_in_the_query_as_sent(server):
    status, _, body = ask(server, "SELECT * WHERE { ?s ?p }")
    assert status == 400 and "error at 1:" in body, body
    status, _, body = ask(server, "SELECT * FROM <g> WHERE { ?s ?p }")  # (read by the guard's parser)
    assert status == 400 and "line:1" in body, body


# --- settings -------------------------------------------------------------------------------------


def test_a_memory_budget_too_small_to_open_a_store_is_refused():
    from web.sparql.settings import Settings

    with pytest.raises(ValueError, match="FSCAI_SPARQL_WORKER_MEMORY_MB"):
        Settings.from_mapping({"SPARQL_WORKER_MEMORY_MB": "64"})
    assert Settings.from_mapping({"SPARQL_WORKER_MEMORY_MB": "0"}).worker_memory_mb == 0
