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
