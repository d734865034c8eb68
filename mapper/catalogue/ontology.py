"""Read the ontology (vocabulary + guideline catalogue) from its Turtle files.

>>> g = catalogue_graph()
>>> from mapper.namespaces import FSC
>>> from rdflib import RDF
>>> len(set(g.subjects(RDF.type, FSC.Principle)))
6
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph

from mapper.layout import Layout, project_layout
from mapper.namespaces import PREFIXES


def parse_turtle_files(paths: Iterable[Path]) -> Graph:
    """Parse local Turtle files into one graph with the project's prefixes bound.

    The files are the project's own; Turtle has no import or fetch mechanism, so rdflib
    reads them without touching the network (``owl:imports`` are data, never followed).
    """
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def catalogue_graph(layout: Layout | None = None) -> Graph:
    """The knowledge as one rdflib graph: header, vocabulary, guideline content and rules."""
    return parse_turtle_files((layout or project_layout()).knowledge_files())


class KnowledgeSyntaxError(ValueError):
    """A knowledge file (ontology or rules) is not valid Turtle; the message names FILE:LINE:COL."""


def knowledge_ntriples(layout: Layout | None = None) -> bytes:
    """The knowledge files as one N-Triples document, parsed by Oxigraph.

    What :func:`mapper.catalogue.install.install_catalogue` loads, on every analysis run: parsed by
    Oxigraph, several times faster than building an rdflib graph first; blank
    nodes are renamed per file, so two files' ``_:b`` never merge (as when rdflib parses them).

    >>> data = knowledge_ntriples()
    >>> b"<https://w3id.org/fscai/def#Principle>" in data, data.count(b"\\n") > 5_000
    (True, True)
    """
    def triples():
        for path in (layout or project_layout()).knowledge_files():
            try:
                for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri(),
                                     rename_blank_nodes=True):
                    yield quad.triple
            except SyntaxError as error:
                where = f"{path}:{error.lineno}:{error.offset or 1}" if error.lineno else str(path)
                raise KnowledgeSyntaxError(f"{where}: {error.msg or error}") from None

    return ox.serialize(triples(), format=ox.RdfFormat.N_TRIPLES)
