"""What the viewer reads from the store beside the analyses.

- :func:`submission_facts`: one submission's statements, evidence, systems and vendors
  (:func:`mapper.trace.read_facts`), cached per submission graph;
- :func:`current_trace`: the trace of every institution's newest submission, cached per set of
  analyses and reference date;
- :func:`select_about`: one of the small queries under ``web/queries/`` about one IRI, over
  [submission graph, derived graph, catalogue graph] (the query's one parameter bound by
  :mod:`mapper.rq`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import networkx as nx
from flask import current_app
from rdflib import BNode

from mapper.analysis import Analysis
from mapper.graphs import CATALOGUE_GRAPH, derived_graph
from mapper.rq import is_iri, read_rq
from mapper.store import Row
from mapper.trace import SubmissionFacts, build_trace, read_facts
from web.analyses import latest_analyses
from web.config import as_of
from web.store import get_store

#: The viewer's queries about one IRI (each declares its one ``iri`` parameter).
QUERY_DIR = Path(__file__).resolve().parent / "queries"
_LOCK = threading.Lock()
#: Whether a text is an IRI a query can be about (an invalid one is a 404, never a query).
valid_iri = is_iri


def query_about(name: str, iri: str) -> str:
    """The text of ``web/queries/NAME.rq`` with its one parameter bound to ``iri``."""
    query = read_rq(QUERY_DIR / f"{name}.rq")
    [parameter] = query.parameters
    return query.bind({parameter.name: iri})


def graphs_of(analysis: Analysis) -> list[str]:
    return [analysis.submission_graph, derived_graph(analysis.submission_graph), CATALOGUE_GRAPH]


def select_about(name: str, iri: str, analysis: Analysis) -> list[Row]:
    return get_store().select(query_about(name, iri), default_graphs=graphs_of(analysis))


def properties(iri: str, analysis: Analysis) -> dict[str, list]:
    """Property IRI → values of ``iri`` in one submission (empty if the submission never says it)."""
    found: dict[str, list] = {}
    for row in get_store().select(query_about("subject-properties", iri),
                                  default_graphs=[analysis.submission_graph]):
        found.setdefault(str(row["p"]), []).append(row["o"])
    # in one order whatever the engine's (blank nodes, whose labels are the engine's own, last)
    return {p: sorted(values, key=lambda value: (isinstance(value, BNode), str(value))) for p, values in found.items()}


#: Traces kept at once: one per view (the regulator's, each institution's own) of the newest submissions.
TRACES_KEPT = 8


def _cached(name: str, key, compute):
    """``compute()`` cached under ``key``, the least recently used of :data:`TRACES_KEPT` dropped."""
    cache = current_app.extensions.setdefault(name, {})
    with _LOCK:
        if key in cache:
            cache[key] = cache.pop(key)  # most recently used last
        else:
            while len(cache) >= TRACES_KEPT:
                cache.pop(next(iter(cache)))
            cache[key] = compute()
        return cache[key]


def submission_facts(analysis: Analysis) -> SubmissionFacts:
    facts = current_app.extensions.setdefault("fscai.facts", {})
    key = analysis.submission_graph
    if key not in facts:
        facts[key] = read_facts(get_store(), key)
    return facts[key]


def current_trace(analyses: Sequence[Analysis] | None = None) -> nx.DiGraph:
    """The trace of the newest submission of every institution (built once, then cached)."""
    analyses = list(latest_analyses() if analyses is None else analyses)
    key = (tuple(a.submission_graph for a in analyses), as_of(current_app))
    all_facts = [submission_facts(a) for a in analyses]
    return _cached("fscai.trace", key, lambda: build_trace(analyses, all_facts))
