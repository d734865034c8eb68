"""Copying one named graph between two pyoxigraph stores, blank nodes keeping their identity.

An analysis runs in an in-memory workspace and its derived graph joins the submission's blank
nodes (statements, evidence), so a copy must not relabel them, which any parse does.
"""

from __future__ import annotations

import pyoxigraph as ox


def copy_graph(source: ox.Store, graph: ox.NamedNode, target: ox.Store, into: ox.NamedNode) -> None:
    """Add ``graph`` of ``source`` to ``into`` of ``target`` in one transaction: as N-Triples parsed
    by Oxigraph alone when the graph has no blank node (a parse would relabel them), else quad by
    quad (several times slower).

    >>> a, b = ox.Store(), ox.Store()
    >>> g = ox.NamedNode("https://example.org/g")
    >>> a.add(ox.Quad(ox.BlankNode("x"), ox.NamedNode("https://example.org/p"), ox.Literal("1"), g))
    >>> copy_graph(a, g, b, g)
    >>> [q.subject.value for q in b] == [q.subject.value for q in a] == ["x"]
    True
    """
    data = source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    if b"_:" not in data:
        target.load(data, ox.RdfFormat.N_TRIPLES, to_graph=into)
    else:
        target.extend(ox.Quad(q.subject, q.predicate, q.object, into)
                      for q in source.quads_for_pattern(None, None, None, graph))
