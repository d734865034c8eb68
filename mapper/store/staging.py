"""The staging graphs ``replace_graph`` writes through before one ``MOVE`` puts the data in place,
and removing those a writer killed between the two left behind."""

from __future__ import annotations

import pyoxigraph as ox

#: Where replace_graph() stages data before moving it in place.
STAGING_PREFIX = "urn:fscai:staging:"


def drop_staging_debris(store: ox.Store) -> list[str]:
    """Remove the staging graphs a writer killed between its write and its ``MOVE`` left behind (a
    live writer holds the directory's lock: any found at a read-write open are debris); return
    their IRIs.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
    ...                   ox.Literal("x"), ox.NamedNode(STAGING_PREFIX + "0123")))
    >>> drop_staging_debris(store), list(store.named_graphs())
    (['urn:fscai:staging:0123'], [])
    """
    debris = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)]
    for graph in debris:
        store.remove_graph(graph)
    return [g.value for g in debris]
