"""The named graphs of a store: where the catalogue, each submission and what is derived from it live.

One institution's submission of one date is one named graph; what the analysis derives from it
(tiers, applicability verdicts, gap records) is another, named after it; the catalogue (the
ontology and the rules) is a third kind, one for the store; each institution's newest submission
has a market graph of summary records (:mod:`mapper.market`).

>>> graph = submission_graph_iri("12345675", dt.date(2025, 6, 30))
>>> graph, institution_of(graph)
('https://w3id.org/fscai/graph/submission/12345675/2025-06-30', '12345675')
>>> derived_graph(graph)
'https://w3id.org/fscai/graph/derived/12345675/2025-06-30'
>>> latest_graphs([SUBMISSION_GRAPH_PREFIX + "1/2025-01-01", SUBMISSION_GRAPH_PREFIX + "1/2025-06-30", CATALOGUE_GRAPH])
['https://w3id.org/fscai/graph/submission/1/2025-06-30']
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

#: The named graph that holds the catalogue; no submission may write to it.
CATALOGUE_GRAPH = "https://w3id.org/fscai/graph/catalogue"
#: The property by which the catalogue graph, and each derived graph, carry the knowledge version
#: (:func:`mapper.catalogue.install.knowledge_version`) they were written under.
KNOWLEDGE_VERSION = "https://w3id.org/fscai/def#knowledgeVersion"
#: Prefix of the named graphs that hold submissions (one per institution and date).
SUBMISSION_GRAPH_PREFIX = "https://w3id.org/fscai/graph/submission/"
#: Prefix of the graphs of what the analysis derives from each submission.
DERIVED_GRAPH_PREFIX = "https://w3id.org/fscai/graph/derived/"
#: Prefix of the market index: one graph per institution with its newest submission's summary
#: records (:mod:`mapper.market`).
MARKET_GRAPH_PREFIX = "https://w3id.org/fscai/graph/market/"


def submission_graph_iri(ubn: str, date: dt.date) -> str:
    """The named graph of one institution's submission of one date."""
    return f"{SUBMISSION_GRAPH_PREFIX}{ubn}/{date.isoformat()}"


def derived_graph(submission_graph: str) -> str:
    """The graph holding what the analysis derives from one submission."""
    if not submission_graph.startswith(SUBMISSION_GRAPH_PREFIX):
        raise ValueError(f"not a submission graph: {submission_graph}")
    return DERIVED_GRAPH_PREFIX + submission_graph[len(SUBMISSION_GRAPH_PREFIX):]


def market_graph(ubn: str) -> str:
    """The market-index graph of one institution.

    >>> market_graph("12345675")
    'https://w3id.org/fscai/graph/market/12345675'
    """
    return MARKET_GRAPH_PREFIX + ubn


def institution_of(submission_graph: str) -> str:
    """The UBN in a submission graph IRI."""
    return submission_graph[len(SUBMISSION_GRAPH_PREFIX):].split("/", 1)[0]


def submitted_on(submission_graph: str) -> str:
    """The date (ISO) in a submission graph IRI.

    >>> submitted_on(SUBMISSION_GRAPH_PREFIX + "12345675/2025-06-30")
    '2025-06-30'
    """
    return submission_graph.rstrip("/").rsplit("/", 1)[-1]


def latest_graphs(graphs: Iterable[str]) -> list[str]:
    """The newest submission graph of each institution among ``graphs`` (a store's listing: the
    graphs that are no submission's are passed over)."""
    newest: dict[str, str] = {}
    for graph in sorted(g for g in graphs if g.startswith(SUBMISSION_GRAPH_PREFIX)):
        newest[institution_of(graph)] = graph
    return sorted(newest.values())
