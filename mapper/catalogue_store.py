"""Put the catalogue (ontology + rules, as the layout's Turtle says) into a store's catalogue graph.

Every analysis command reinstalls it first, so an architect's edit to the Turtle flows into the
next run with no other step.
"""

from __future__ import annotations

from mapper.catalogue import Catalogue, read_catalogue
from mapper.layout import Layout, project_layout
from mapper.namespaces import CATALOGUE_GRAPH, SUBMISSION_GRAPH_PREFIX
from mapper.ontology import knowledge_ntriples
from mapper.store import Store, open_store

DERIVED_GRAPH_PREFIX = "https://w3id.org/fscai/graph/derived/"


def install_catalogue(store: Store, layout: Layout | None = None) -> int:
    """Replace the store's catalogue graph with the layout's knowledge; return its triple count."""
    data = knowledge_ntriples(layout or project_layout())
    store.replace_graph(CATALOGUE_GRAPH, data)
    return data.count(b"\n")


def layout_catalogue(layout: Layout | None = None) -> Catalogue:
    """The catalogue records of the layout's Turtle, read through a throw-away in-memory store.

    >>> layout_catalogue().measure("2.1.3").label.zh
    '提供救濟管道'
    """
    store = open_store("memory:")
    try:
        install_catalogue(store, layout)
        return read_catalogue(store)
    finally:
        store.close()


def derived_graph(submission_graph: str) -> str:
    """The graph holding what the analysis derives from one submission.

    >>> derived_graph("https://w3id.org/fscai/graph/submission/12345675/2025-06-30")
    'https://w3id.org/fscai/graph/derived/12345675/2025-06-30'
    """
    if not submission_graph.startswith(SUBMISSION_GRAPH_PREFIX):
        raise ValueError(f"not a submission graph: {submission_graph}")
    return DERIVED_GRAPH_PREFIX + submission_graph[len(SUBMISSION_GRAPH_PREFIX):]
