"""The market index: each institution's newest submission and its summary records, written at intake.

A regulator's market-wide questions (``queries/*.rq``) would otherwise read every verdict and gap of
every institution. At intake, once a submission is derived, the ``mapper/queries/market-*.rq``
CONSTRUCTs compute its summary records at the grain of those questions (per chapter and date, per
measure, per tier and oversight mode, per vendor) and mark it as its institution's newest
submission (``fsc:NewestSubmission``). They go to one graph per institution, replaced whole in one
write, so the older submission's entry and records leave in the same transaction.
"""

from __future__ import annotations

from mapper.graphs import CATALOGUE_GRAPH, derived_graph, institution_of, latest_graphs, market_graph
from mapper.rq import engine_query
from mapper.store import Store

#: The queries that write an institution's market graph, in the order they run.
MARKET_QUERIES = ("market-entry", "market-chapters", "market-adoption", "market-tiers", "market-vendors")


def is_newest(store: Store, submission_graph: str) -> bool:
    """Whether no submission of the same institution in the store is dated later."""
    ubn = institution_of(submission_graph)
    return [g for g in latest_graphs(store.graphs()) if institution_of(g) == ubn] == [submission_graph]


def is_indexed(store: Store, submission_graph: str) -> bool:
    """Whether the institution's market graph marks this submission as its newest (false after a
    crash between its analysis and its market records: ``fscai analyse`` writes them)."""
    graph = market_graph(institution_of(submission_graph))
    return store.ask(f"ASK {{ GRAPH <{graph}> {{ <{submission_graph}> a <https://w3id.org/fscai/def#NewestSubmission> }} }}")


def market_ntriples(store: Store, submission_graph: str) -> bytes:
    """The institution's market graph for this (derived) submission, as N-Triples."""
    graphs = [submission_graph, derived_graph(submission_graph), CATALOGUE_GRAPH]
    lines: list[str] = []
    for name in MARKET_QUERIES:
        query = engine_query(name).bind({"submission": submission_graph})
        lines += (f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in store.construct(query, default_graphs=graphs))
    return "".join(lines).encode("utf-8")
