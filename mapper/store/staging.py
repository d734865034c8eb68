"""How the embedded store writes several graphs so that a crash leaves all or none of them: the
one update that commits a workspace's graphs together (:func:`commit`), the staging graphs it and
``replace_graph`` write through before a ``MOVE`` puts data in place, and removing those a writer
killed between the two left behind (:func:`drop_staging_debris`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from mapper.store.graphcopy import copy_graph

#: Where replace_graph() and commit() stage data before moving it in place.
STAGING_PREFIX = "urn:fscai:staging:"


def staging_graph() -> ox.NamedNode:
    """A fresh staging graph's name."""
    return ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4().hex}")


def commit(store: ox.Store, workspace: ox.Store, graphs: Sequence[ox.NamedNode]) -> None:
    """Make each of ``graphs`` in ``store`` what it is in ``workspace`` (absent there: dropped) in
    one call, which Oxigraph runs as one transaction: a crash (``kill -9`` included) leaves the
    store as it was before or with every graph written, never between. Nothing is written before
    it, so nothing is left behind. ``store``'s only writer calls it (a read-write store holds its
    directory's lock).

    When the store holds none of the graphs (a first load), the call is one load of their N-Quads.
    Otherwise it is one SPARQL update. For a graph without blank nodes the update writes a
    difference: ``DELETE DATA`` the stored triples the workspace lacks, ``INSERT DATA`` those it
    adds (a resubmission rewrites what changed, not every index entry of two whole graphs). Other
    graphs are dropped and inserted whole. Both calls give blank nodes fresh labels, the same in
    every graph of the call; a graph whose blank nodes are also those of a graph of the workspace
    that is not committed (a copy of a stored graph) keeps them instead: the update copies it to a
    staging graph first and moves it in place (a staging graph a crash leaves is removed at the
    next read-write open).

    >>> store, work = ox.Store(), ox.Store()
    >>> s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    >>> a, b, old = (ox.NamedNode(f"https://example.org/{n}") for n in "abo")
    >>> store.add(ox.Quad(s, p, ox.Literal("old"), a)); store.add(ox.Quad(s, p, ox.Literal("old"), old))
    >>> work.add(ox.Quad(s, p, ox.Literal("new"), a)); work.add(ox.Quad(s, p, ox.Literal("new"), b))
    >>> commit(store, work, [a, b, old])
    >>> sorted((q.graph_name.value[-1], q.object.value) for q in store)
    [('a', 'new'), ('b', 'new')]
    """
    data = {graph: workspace.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) for graph in graphs}
    stored = {graph: store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) for graph in graphs}
    keeping = _keeping(workspace, graphs, [g for g, d in data.items() if b"_:" in d])
    if not any(stored.values()) and not keeping:  # N-Triples lines end in " .\n" (line breaks in literals are escaped)
        store.load(b"".join(d.replace(b" .\n", f" {g} .\n".encode()) for g, d in data.items()), ox.RdfFormat.N_QUADS)
        return
    removals, operations, inserts, staged = [], [], [], []
    try:
        for graph in graphs:
            if graph in keeping:
                staged.append(staging_graph())
                copy_graph(workspace, graph, store, staged[-1])
                operations.append(f"MOVE SILENT GRAPH {staged[-1]} TO GRAPH {graph}")
                continue
            new, old = data[graph], stored[graph]
            if old and (not new or b"_:" in old or b"_:" in new):
                operations.append(f"DROP SILENT GRAPH {graph}")
            elif old:
                before, after = set(old.splitlines(keepends=True)), set(new.splitlines(keepends=True))
                if before - after:
                    removals.append(f"GRAPH {graph} {{\n{b''.join(before - after).decode()}}}")
                new = b"".join(after - before)
            if new:
                inserts.append(f"GRAPH {graph} {{\n{new.decode()}}}")
        update = [_data("DELETE", removals)] if removals else []
        update += operations + ([_data("INSERT", inserts)] if inserts else [])
        if update:
            store.update(" ;\n".join(update))
    finally:
        for graph in staged:
            if store.contains_named_graph(graph):
                store.remove_graph(graph)


def _data(verb: str, graphs: list[str]) -> str:
    return f"{verb} DATA {{\n" + "\n".join(graphs) + "\n}"


def _keeping(workspace: ox.Store, graphs: Sequence[ox.NamedNode], blank: list[ox.NamedNode]) -> set[ox.NamedNode]:
    """The graphs among ``blank`` (those with blank nodes) that share one with a graph of the
    workspace that is not committed, or with one of these, and so must keep their labels."""
    if not blank:
        return set()
    kept = _blank_nodes(workspace, [g for g in workspace.named_graphs() if g not in graphs])
    nodes = {graph: _blank_nodes(workspace, [graph]) for graph in blank}
    keeping: set[ox.NamedNode] = set()
    while grown := [g for g in nodes if g not in keeping and not kept.isdisjoint(nodes[g])]:
        keeping.update(grown)
        kept.update(*(nodes[g] for g in grown))
    return keeping


def _blank_nodes(store: ox.Store, graphs: Iterable[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]) -> set[str]:
    return {term.value for graph in graphs for quad in store.quads_for_pattern(None, None, None, graph)
            for term in (quad.subject, quad.object) if isinstance(term, ox.BlankNode)}


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
