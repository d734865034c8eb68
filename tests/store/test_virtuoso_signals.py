"""How a second engine, Virtuoso 7.2, says an answer is incomplete, and that the seam never passes
such an answer on as a whole one (mapper/store/replies.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from virtuoso_server import running_virtuoso

from mapper.store import StoreError, StoreTimeout, open_store
from mapper.store.replies import complete

EX = "https://example.org/"
A = f"{EX}graph/a"


def test_a_query_past_virtuosos_time_limit_raises_the_timeout_error(tmp_path: Path) -> None:
    with running_virtuoso(tmp_path / "virtuoso", query_timeout_s=1) as server, open_store(server.store_url) as store:
        store.replace_graph(A, "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(300)).encode())
        cross_product = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i"  # 300^3 solutions: far beyond 1 s
        with pytest.raises(StoreTimeout, match="time limit"):
            store.select(f"SELECT (SUM(STRLEN(CONCAT(?c, ?f, ?i))) AS ?n) WHERE {{ {cross_product} }}",
                         default_graphs=[A])
        with pytest.raises(StoreTimeout, match="time limit"):
            store.select(f"SELECT * WHERE {{ {cross_product} }} ORDER BY ?c ?f ?i", default_graphs=[A])
        # and the server still answers what fits in its limit
        assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}p> ?o }}", default_graphs=[A])[0]["n"].toPython() == 300


@pytest.mark.parametrize(("headers", "error", "message"), [
    ({"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout."},
     StoreTimeout, "incomplete results"),
    ({"X-SPARQL-MaxRows": "1048576"}, StoreError, "cut the answer at 1048576 rows"),
])
def test_an_answer_virtuoso_marks_as_partial_is_refused(headers: dict, error: type, message: str) -> None:
    """The headers Virtuoso sends with an HTTP 200 partial answer (anytime queries; its row cap)."""
    with pytest.raises(error, match=message):
        complete(b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}', {"Content-Type": "application/json", **headers})


def test_a_whole_answer_passes() -> None:
    reply = complete(b"{}", {"Content-Type": "application/sparql-results+json", "X-Exec-Milliseconds": "3"})
    assert (reply.body, reply.content_type) == (b"{}", "application/sparql-results+json")
