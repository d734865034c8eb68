"""The data graph a fast validation reads: named graphs of a pyoxigraph store, seen as one.

pySHACL needs the submission and the catalogue copied into one rdflib graph, which costs more
than validating (rdflib builds ~13,000 triples a second here). The fast engine
(:mod:`mapper.validate_fast`) instead reads the union of some named graphs of a pyoxigraph
store: as N-Triples text for the SHACL engine, by SPARQL for the SPARQL-based constraints, and
through :class:`OxView`, the few rdflib ``Graph`` methods the findings need for their labels.

Blank nodes keep their labels: a node written ``_:b1`` in an rdflib graph is ``BlankNode("b1")``
here and ``BNode("b1")`` again in the findings, so both engines name the same focus node.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDFS
>>> g = Graph().parse(data='_:a <http://www.w3.org/2000/01/rdf-schema#label> "甲"@zh-Hant .', format="nt")
>>> data = OxData.from_graphs([g])
>>> [str(o) for o in data.view().objects(next(iter(g.subjects())), RDFS.label)]
['甲']
>>> data.ntriples().decode().startswith("_:" + str(next(iter(g.subjects()))))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from mapper.store.oxigraph_store import to_rdflib

__all__ = ["OxData", "OxView", "copy_graph", "to_ox", "oxigraph_of"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term equal to an rdflib term.

    >>> to_ox(Literal("chat", lang="fr"))
    <Literal value=chat language=fr>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))
    raise TypeError(f"not an RDF term: {term!r}")


def copy_graph(graph: Graph, store: ox.Store, name: ox.NamedNode) -> None:
    """Replace the named graph ``name`` of ``store`` with the triples of ``graph``, labels kept."""
    store.remove_graph(name)
    text = graph.serialize(format="nt", encoding="utf-8")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in ox.parse(text, ox.RdfFormat.N_TRIPLES))


def oxigraph_of(store: object) -> ox.Store | None:
    """The pyoxigraph store behind an embedded :class:`~mapper.store.oxigraph_store.OxigraphStore`,
    or ``None`` for any other backend (a remote server is read through the seam instead)."""
    from mapper.store.oxigraph_store import OxigraphStore

    return store._live() if isinstance(store, OxigraphStore) else None


@dataclass(frozen=True)
class OxData:
    """The union of ``graphs`` in ``store``: the data graph of one validation."""

    store: ox.Store
    graphs: tuple[ox.NamedNode, ...]

    @classmethod
    def from_graphs(cls, graphs: Iterable[Graph]) -> "OxData":
        """Copy rdflib graphs into a new in-memory store, one named graph each, labels kept."""
        store, names = ox.Store(), []
        for n, graph in enumerate(graphs):
            names.append(ox.NamedNode(f"urn:fscai:validate:graph:{n}"))
            copy_graph(graph, store, names[-1])
        return cls(store, tuple(names))

    def ntriples(self) -> bytes:
        """Every triple as N-Triples, graph after graph (a triple in two graphs appears twice)."""
        return b"".join(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in self.graphs)

    def select(self, query: str, substitutions: dict[str, Node] | None = None) -> list[dict[str, Node]]:
        """Run a SELECT over the union; rows of rdflib terms, unbound variables left out."""
        subs = {ox.Variable(k): to_ox(v) for k, v in (substitutions or {}).items()}
        solutions = self.store.query(query, default_graph=list(self.graphs), substitutions=subs or None)
        names = [v.value for v in solutions.variables]
        return [{k: to_rdflib(t) for k, t in zip(names, row) if t is not None} for row in solutions]

    def view(self) -> "OxView":
        return OxView(self)


class OxView:
    """The read-only part of rdflib's ``Graph`` API that :mod:`mapper.validate` uses for labels."""

    def __init__(self, data: OxData) -> None:
        self._data = data

    def _triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        if any(isinstance(t, Literal) for t in (s, p)):
            return
        pattern = [None if t is None else to_ox(t) for t in (s, p, o)]
        seen = set()
        for graph in self._data.graphs:
            for q in self._data.store.quads_for_pattern(*pattern, graph):
                key = (q.subject, q.predicate, q.object)
                if key not in seen:
                    seen.add(key)
                    yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)

    def triples(self, pattern: Sequence[Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        return self._triples(*pattern)

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        return (o for _, _, o in self._triples(subject, predicate, None))

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        return (s for s, _, _ in self._triples(None, predicate, obj))

    def value(self, subject: Node | None = None, predicate: Node | None = None, object: Node | None = None):
        """One value (as rdflib's ``Graph.value``): the object, or the subject when it is asked for."""
        if subject is not None and predicate is not None:
            return next(self.objects(subject, predicate), None)
        if predicate is not None and object is not None:
            return next(self.subjects(predicate, object), None)
        raise ValueError("OxView.value needs a subject or an object with the predicate")

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return next(self._triples(*triple), None) is not None
