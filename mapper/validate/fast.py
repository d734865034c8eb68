"""The fast validation engine: SHACL Core in Rust (the ``shacl`` package), SHACL-SPARQL on Oxigraph.

On this project's shapes it is one to two orders of magnitude faster than pySHACL for the same
results (``make bench`` measures it; bench/README.md has the figures).

It returns the SHACL validation report as an rdflib graph shaped like pySHACL's, so
:mod:`mapper.validate` turns it into the same :class:`~mapper.validate.Finding` records;
``tests/test_validate_engines.py`` checks both engines agree on every shape test case and on
every example submission.

Blank nodes. The ``shacl`` engine does not keep blank-node labels: it numbers them in order of
first appearance, the shapes' (``_:1_bN``) before the data's (``_:0_bN``, counted on after the
shapes'). So the data text starts with a *sentinel*, a blank node of a class that one extra
shape always reports; its number is the offset, and the n-th blank node of the data text
(subject before object, line by line) is ``_:0_b{offset + n}``. The mapping is checked: a
number outside the data's blank nodes is an error, never a silent mislabel.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import shacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF
from rdflib.term import Node

from mapper.namespaces import SH
from mapper.store.terms import to_rdflib
from mapper.store.view import GraphView
from mapper.validate.sparql import evaluate, split

__all__ = ["FastEngine", "EngineError", "ENGINE_VERSION"]


ENGINE_VERSION = f"shacl {shacl.__version__} + pyoxigraph {ox.__version__}"
_SENTINEL = "urn:fscai:validate#"
_SENTINEL_SHAPES = f"""
<{_SENTINEL}sentinel> <{RDF.type}> <{SH.PropertyShape}> .
<{_SENTINEL}sentinel> <{SH.targetClass}> <{_SENTINEL}Sentinel> .
<{_SENTINEL}sentinel> <{SH.path}> <{_SENTINEL}never> .
<{_SENTINEL}sentinel> <{SH.minCount}> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{_SENTINEL}sentinel> <{SH.severity}> <{SH.Info}> .
"""
_SENTINEL_DATA = f"_:fscai-validate-sentinel <{RDF.type}> <{_SENTINEL}Sentinel> .\n".encode()
# A blank node is the subject at the start of a line, or the object just before the final " .".
_BNODES = re.compile(rb'^_:(\S+) |> _:([^\s"]+) \.\r?$', re.MULTILINE)
_ENGINE_LABEL = re.compile(r"^([01])_b([0-9]+)$")


class EngineError(RuntimeError):
    """The fast engine could not give a trustworthy report."""


def bnode_order(text: bytes, needed: int | None = None) -> list[str]:
    """Blank-node labels of N-Triples text in order of first appearance (the first ``needed``).

    >>> bnode_order(b'_:b <http://e/p> _:a .\\n_:a <http://e/p> "x > _:c" .\\n<http://e/s> <http://e/p> _:c .\\n')
    ['b', 'a', 'c']
    >>> bnode_order(b'_:b <http://e/p> _:a .\\n<http://e/s> <http://e/p> _:c .\\n', needed=2)
    ['b', 'a']
    """
    seen: dict[str, None] = {}
    for match in _BNODES.finditer(text):
        seen.setdefault((match.group(1) or match.group(2)).decode(), None)
        if needed is not None and len(seen) >= needed:
            break
    return list(seen)


class FastEngine:
    """Shapes compiled once; :meth:`validate` runs on one data graph at a time (thread-safe)."""

    def __init__(self, shapes: Graph) -> None:
        core, self.sparql = split(shapes)
        text = core.serialize(format="nt", encoding="utf-8") + _SENTINEL_SHAPES.encode()
        self._shape_bnodes = [BNode(label) for label in bnode_order(text)]
        self._shapes = shacl.Shapes.from_text(text.decode("utf-8"), format="ntriples")

    def validate(self, data: GraphView) -> Graph:
        """The SHACL validation report of ``data``: one ``sh:ValidationReport`` and its results."""
        text = _SENTINEL_DATA + data.ntriples()
        engine_report = self._shapes.validate_text(text.decode("utf-8"), format="ntriples", allow_warnings=True)
        report = self._report(engine_report.serialize("ntriples").encode("utf-8"), text)
        [node] = report.subjects(RDF.type, SH.ValidationReport)
        for result in evaluate(data, self.sparql, report):
            report.add((node, SH.result, result))
        violations = any((r, SH.resultSeverity, SH.Violation) in report for r in report.objects(node, SH.result))
        report.set((node, SH.conforms, Literal(not violations)))
        return report

    def _report(self, engine_ntriples: bytes, data_text: bytes) -> Graph:
        quads = list(ox.parse(engine_ntriples, ox.RdfFormat.N_TRIPLES))
        sentinel = [q.subject for q in quads if q.predicate.value == str(SH.sourceShape)
                    and q.object == ox.NamedNode(f"{_SENTINEL}sentinel")]
        if len(sentinel) != 1:
            raise EngineError("the SHACL engine did not report the sentinel: blank nodes cannot be mapped")
        focus = next(q.object for q in quads if q.subject == sentinel[0] and q.predicate.value == str(SH.focusNode))
        offset = _engine_number(focus, "0")
        needed = 1 + max((int(m.group(2)) - offset for q in quads for t in (q.subject, q.object)
                          if isinstance(t, ox.BlankNode) and (m := _ENGINE_LABEL.match(t.value)) and m.group(1) == "0"),
                         default=0)
        data_bnodes: list[str] | None = None
        fresh: dict[str, BNode] = {}

        def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
            nonlocal data_bnodes
            if not isinstance(t, ox.BlankNode):
                return to_rdflib(t)
            match = _ENGINE_LABEL.match(t.value)
            if match is None:  # the report's own nodes: fresh per report, so reports can be merged
                return fresh.setdefault(t.value, BNode())
            index = int(match.group(2))
            if match.group(1) == "1":
                labels = self._shape_bnodes
            else:
                if data_bnodes is None:
                    data_bnodes = bnode_order(data_text, needed)
                labels, index = data_bnodes, index - offset
            if not 0 <= index < len(labels):
                raise EngineError(f"blank node _:{t.value} of the engine's report is not in its input")
            return labels[index] if isinstance(labels[index], BNode) else BNode(labels[index])

        dropped = {sentinel[0]}
        report = Graph()
        for q in quads:
            if q.subject in dropped or q.object in dropped:
                continue
            report.add((term(q.subject), to_rdflib(q.predicate), term(q.object)))
        return report


def _engine_number(term: object, document: str) -> int:
    match = _ENGINE_LABEL.match(term.value) if isinstance(term, ox.BlankNode) else None
    if match is None or match.group(1) != document:
        raise EngineError(f"unexpected blank-node label {term!r} in the SHACL engine's report")
    return int(match.group(2))
