"""The few rdflib ``Graph`` methods the findings need for their labels, over a store's view.

:mod:`mapper.validate.findings` reads labels, notations and sources with rdflib's ``Graph`` API;
the fast engine's data is a :class:`mapper.store.view.GraphView` (graphs read where they are), so
:class:`OxView` answers those calls from it.

>>> from rdflib import Graph
>>> from rdflib.namespace import RDFS
>>> from mapper.store.view import GraphView
>>> g = Graph().parse(data='_:a <http://www.w3.org/2000/01/rdf-schema#label> "甲"@zh-Hant .', format="nt")
>>> [str(o) for o in OxView(GraphView.of_graphs([g])).objects(next(iter(g.subjects())), RDFS.label)]
['甲']
"""

from __future__ import annotations

from typing import Iterator, Sequence

from rdflib.term import Node

from mapper.store.view import GraphView


class OxView:
    """The read-only part of rdflib's ``Graph`` API that :mod:`mapper.validate.findings` uses."""

    def __init__(self, data: GraphView) -> None:
        self._data = data

    def triples(self, pattern: Sequence[Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        return self._data.triples(*pattern)

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        return (o for _, _, o in self._data.triples(subject, predicate, None))

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        return (s for s, _, _ in self._data.triples(None, predicate, obj))

    def value(self, subject: Node | None = None, predicate: Node | None = None, object: Node | None = None):
        """One value (as rdflib's ``Graph.value``): the object, or the subject when it is asked for."""
        if subject is not None and predicate is not None:
            return next(self.objects(subject, predicate), None)
        if predicate is not None and object is not None:
            return next(self.subjects(predicate, object), None)
        raise ValueError("OxView.value needs a subject or an object with the predicate")

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return next(self._data.triples(*triple), None) is not None
