"""Put the catalogue (ontology + rules, as the layout's Turtle says) into a store's catalogue graph.

Every analysis command installs it first, so an architect's edit to the Turtle flows into the
next run with no other step. The graph carries the knowledge's version (a digest of the Turtle
files and of the queries the analysis derives with), so an unchanged catalogue is not rewritten
and an analysis derived under another version is known to be stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from mapper.catalogue.ontology import knowledge_ntriples
from mapper.catalogue.records import Catalogue, read_catalogue
from mapper.graphs import CATALOGUE_GRAPH, KNOWLEDGE_VERSION
from mapper.layout import Layout, project_layout
from mapper.rq import query_text
from mapper.store import Store, open_store

T = TypeVar("T")

#: The engine's queries whose output is stored at intake: changing one makes every analysis stale.
DERIVING_QUERIES = ("derivation-rules", "applicability", "gap-records", "market-entry", "market-chapters",
                    "market-adoption", "market-tiers", "market-vendors", "market-gaps")


def knowledge_version(layout: Layout | None = None) -> str:
    """A digest of the layout's knowledge files and of the deriving queries: the version an
    analysis is stamped with."""
    digest = hashlib.sha256()
    for path in (layout or project_layout()).knowledge_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in DERIVING_QUERIES:
        digest.update(query_text(name).encode() + b"\0")
    return digest.hexdigest()[:32]


def installed_version(store: Store) -> str | None:
    """The knowledge version of the store's catalogue graph, None when it has none."""
    rows = store.select(f"SELECT ?v WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ <{CATALOGUE_GRAPH}> <{KNOWLEDGE_VERSION}> ?v }} }}")
    return str(rows[0]["v"]) if rows else None


def install_catalogue(store: Store, layout: Layout | None = None) -> int:
    """Put the layout's knowledge in the store's catalogue graph, unless that version is there
    already; return how many triples were written (0 when it was)."""
    layout = layout or project_layout()
    version = knowledge_version(layout)
    if installed_version(store) == version:
        return 0
    data = knowledge_ntriples(layout) + f'<{CATALOGUE_GRAPH}> <{KNOWLEDGE_VERSION}> "{version}" .\n'.encode()
    store.replace_graph(CATALOGUE_GRAPH, data)
    return data.count(b"\n")


def read_layout(read: Callable[[Store], T], layout: Layout | None = None) -> T:
    """What ``read`` finds in the layout's Turtle, installed in a throw-away in-memory store: the
    same reader then serves a store and a project tree on disk."""
    store = open_store("memory:")
    try:
        install_catalogue(store, layout)
        return read(store)
    finally:
        store.close()


def layout_catalogue(layout: Layout | None = None) -> Catalogue:
    """The catalogue records of the layout's Turtle.

    >>> layout_catalogue().measure("2.1.3").label.zh
    '提供救濟管道'
    """
    return read_layout(read_catalogue, layout)
