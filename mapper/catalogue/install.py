"""Put the catalogue (ontology + rules, as the layout's Turtle says) into a store's catalogue graph.

Every analysis command reinstalls it first, so an architect's edit to the Turtle flows into the
next run with no other step.
"""

from __future__ import annotations

from mapper.catalogue.ontology import knowledge_ntriples
from mapper.catalogue.records import Catalogue, read_catalogue
from mapper.graphs import CATALOGUE_GRAPH
from mapper.layout import Layout, project_layout
from mapper.store import Store, open_store


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
