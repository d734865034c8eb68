"""Validate a submission's triples: the :class:`Validator` and its two engines.

``fast``, the default: SHACL Core in Rust and SHACL-SPARQL on Oxigraph, reading a view of the
data where it is (:mod:`mapper.validate.fast`); ``pyshacl``, the reference, which needs the data
copied into one rdflib graph and is 10-100 times slower. Both give the same findings
(``tests/test_validate_engines.py`` checks every shape test case and every example). The
submission's conformance follows SHACL severities: only ``sh:Violation`` results make it
non-conforming; warnings and infos are reported beside it.
"""

from __future__ import annotations

import threading

import pyshacl
from rdflib import Graph

from mapper.store.view import GraphView
from mapper.validate.dataview import OxView
from mapper.validate.findings import Finding, Validation, bind_prefixes, validation_of
from mapper.validate.shapes import load_shapes, with_vocabulary

#: ``fast``: SHACL Core in Rust and SHACL-SPARQL on Oxigraph (:mod:`mapper.validate.fast`), the
#: default; ``pyshacl``: the reference engine, 10-100 times slower, same findings.
ENGINES = ("fast", "pyshacl")
_DATA = "urn:fscai:validate:data"


class Validator:
    """The catalogue and shapes prepared once, to validate many submissions in turn.

    Copying the catalogue (about 5,000 triples) into a graph costs more than validating a
    small submission, so the copy is made once: each :meth:`validate` adds the
    submission's triples beside it and removes them again. ``engine`` is one of
    :data:`ENGINES`: ``fast`` (the default) compiles the shapes once for the Rust engine;
    ``pyshacl`` runs pySHACL (``inference="none"``, which never writes to the data graph).
    Both give the same findings. A lock serialises calls; for parallel work, give each
    worker its own Validator.

    >>> from mapper.catalogue.ontology import catalogue_graph
    >>> validator = Validator(catalogue=catalogue_graph())
    >>> validator.validate(Graph()).conforms
    True
    """

    def __init__(self, *, catalogue: Graph, shapes: Graph | None = None, engine: str = "fast") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")
        self.shapes = load_shapes() if shapes is None else shapes
        self.engine = engine
        self._base = Graph()
        bind_prefixes(self._base)
        for source in with_vocabulary(catalogue):
            self._base += source
        self._lock = threading.Lock()
        self._fast = self._view = None
        if engine == "fast":
            from mapper.validate.fast import FastEngine

            self._fast = FastEngine(self.shapes)
            self._view = GraphView.of_graphs([self._base])  # the catalogue, once

    def validate(self, data: Graph, *, graph_iri: str | None = None) -> Validation:
        """Validate one submission's triples; ``data`` is not modified."""
        if self._fast is not None:
            with self._lock:
                try:
                    return run_fast(self._fast, self._view.with_graph(_DATA, data), self.shapes, graph_iri)
                finally:
                    self._view.without(_DATA)
        with self._lock:
            base = self._base
            added = [t for t in data if t not in base]
            base.addN((s, p, o, base) for s, p, o in added)
            try:
                _, results, _ = pyshacl.validate(
                    base, shacl_graph=self.shapes, inference="none", abort_on_first=False,
                    allow_warnings=True, allow_infos=True, meta_shacl=False, advanced=False,
                    do_owl_imports=False, js=False, inplace=True,
                )
                return validation_of(results, self.shapes, base, graph_iri)
            finally:
                for triple in added:
                    base.remove(triple)


def run_fast(engine, data: GraphView, shapes: Graph, graph_iri: str | None) -> Validation:
    """Validate ``data`` with a :class:`~mapper.validate.fast.FastEngine`; findings as pySHACL's."""
    return validation_of(engine.validate(data), shapes, OxView(data), graph_iri)


def validate(data: Graph, *, catalogue: Graph, shapes: Graph | None = None,
             graph_iri: str | None = None, engine: str = "fast") -> Validation:
    """Validate ``data`` (one submission) with ``shapes`` (default :func:`load_shapes`).

    The data and the catalogue are validated together; neither argument is modified. No
    inference, no ``owl:imports``, no meta-validation of the shapes. To validate many
    submissions against one catalogue, use a :class:`Validator`.
    """
    return Validator(catalogue=catalogue, shapes=shapes, engine=engine).validate(data, graph_iri=graph_iri)


def validate_graph(data: Graph, *, catalogue: Graph, shapes: Graph | None = None,
                   engine: str = "fast") -> list[Finding]:
    """The findings of :func:`validate`, most severe first."""
    return list(validate(data, catalogue=catalogue, shapes=shapes, engine=engine).findings)
