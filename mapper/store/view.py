"""Some named graphs of an Oxigraph dataset seen as one graph: what a fast validation reads.

pySHACL needs the submission and the catalogue copied into one rdflib graph, which costs more than
validating. The fast validation engine instead reads
the union of some named graphs: as N-Triples text for the SHACL engine, by SPARQL (with
substitutions) for the SPARQL-based constraints, and triple by triple for the findings' labels.
The embedded store gives a view of its own graphs, read in place (``Store.view``); a remote store
copies the graphs into memory first; :meth:`GraphView.of_graphs` copies rdflib graphs.

Blank nodes keep their labels: a node written ``_:b1`` in an rdflib graph is ``BlankNode("b1")``
here and ``BNode("b1")`` again in what the view returns, so every engine names the same node.

>>> from rdflib import Graph, URIRef
>>> g = Graph().parse(data='_:a <http://www.w3.org/2000/01/rdf-schema#label> "甲"@zh-Hant .', format="nt")
>>> view = GraphView.of_graphs([g])
>>> [str(o) for _, _, o in view.triples(next(iter(g.subjects())), None, None)]
['甲']
>>> view.ntriples().decode().startswith("_:" + str(next(iter(g.subjects()))))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.term import Node

from mapper.store import Row
from mapper.store.terms import to_ox, to_rdflib


@dataclass(frozen=True)
class GraphView:
    """The union of ``graphs`` in the pyoxigraph ``dataset``; read-only."""

    dataset: ox.Store
    graphs: tuple[ox.NamedNode, ...]

    @classmethod
    def of_graphs(cls, graphs: Iterable[Graph]) -> GraphView:
        """Copy rdflib graphs into a new in-memory dataset, one named graph each, labels kept."""
        dataset, names = ox.Store(), []
        for n, graph in enumerate(graphs):
            names.append(ox.NamedNode(f"urn:fscai:view:graph:{n}"))
            copy_graph(graph, dataset, names[-1])
        return cls(dataset, tuple(names))

    def with_graph(self, name: str, graph: Graph) -> GraphView:
        """This view and ``graph`` as one more graph ``name`` of its (in-memory) dataset; the
        caller removes it with :meth:`without` when done."""
        node = ox.NamedNode(name)
        copy_graph(graph, self.dataset, node)
        return GraphView(self.dataset, (node,) + self.graphs)

    def without(self, name: str) -> None:
        self.dataset.remove_graph(ox.NamedNode(name))

    def ntriples(self) -> bytes:
        """Every triple as N-Triples, graph after graph (a triple in two graphs appears twice)."""
        return b"".join(self.dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in self.graphs)

    def select(self, query: str, substitutions: dict[str, Node] | None = None) -> list[Row]:
        """Run a SELECT over the union, variables pre-bound (SEP-0007); rows of rdflib terms."""
        subs = {ox.Variable(k): to_ox(v) for k, v in (substitutions or {}).items()}
        solutions = self.dataset.query(query, default_graph=list(self.graphs), substitutions=subs or None)
        names = [v.value for v in solutions.variables]
        return [{k: to_rdflib(t) for k, t in zip(names, row) if t is not None} for row in solutions]

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        """The distinct triples matching a pattern (None: any), as rdflib terms."""
        if any(isinstance(t, Literal) for t in (s, p)):
            return
        pattern = [None if t is None else to_ox(t) for t in (s, p, o)]
        seen = set()
        for graph in self.graphs:
            for q in self.dataset.quads_for_pattern(*pattern, graph):
                key = (q.subject, q.predicate, q.object)
                if key not in seen:
                    seen.add(key)
                    yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)


def copy_graph(graph: Graph, dataset: ox.Store, name: ox.NamedNode) -> None:
    """Replace the named graph ``name`` of ``dataset`` with the triples of ``graph``, labels kept."""
    dataset.remove_graph(name)
    text = graph.serialize(format="nt", encoding="utf-8")
    dataset.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in ox.parse(text, ox.RdfFormat.N_TRIPLES))
