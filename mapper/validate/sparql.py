"""SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``, SHACL §5) evaluated on pyoxigraph.

The fast engine gives SHACL Core to a Rust validator and the SPARQL-based constraints to
Oxigraph, whose query engine is the project's: the same query that takes minutes in rdflib
runs in a fraction of a second here (DESIGN.md, "Performance facts").

Semantics follow the specification and pySHACL, the reference engine, result for result:
``$this`` is pre-bound (SEP-0007 substitution) to each focus node of the shape; each distinct
solution is one result whose focus is ``?this``, whose value is ``?value`` (else, for a node
shape, the focus node) and whose path is ``?path`` (else a property shape's ``sh:path``);
``{?var}`` / ``{$var}`` in messages are replaced by the solution's bindings; a solution
binding ``?failure`` is a failure of the validation.

Only what this module can do exactly is taken out of the shapes graph (:func:`split`): a shape
with ``sh:sparql`` that is not nested in another shape, whose targets are ``sh:targetClass``,
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` or an implicit class
target, whose path (if any) is an IRI, and whose queries use neither ``$shapesGraph`` nor
``$currentShape``. Anything else stays in the shapes graph for the Core engine, which supports
SHACL-SPARQL too, only more slowly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from mapper.namespaces import SH
from mapper.store.view import GraphView

__all__ = ["SparqlConstraint", "split", "evaluate"]


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_NESTING = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_LISTS = (SH["and"], SH["or"], SH.xone)
_UNSUPPORTED_VARIABLE = re.compile(r"[?$](shapesGraph|currentShape)\b")


class SparqlFailure(RuntimeError):
    """A SPARQL-based constraint reported ``?failure`` (SHACL §5.3.1)."""


@dataclass(frozen=True)
class SparqlConstraint:
    shape: Node
    constraint: Node
    query: str
    targets: tuple[tuple[Node, Node], ...]  # (target predicate, object)
    path: URIRef | None
    severity: Node
    messages: tuple[Literal, ...]  # the constraint's own, then the shape's


def _nested(shapes: Graph) -> set[Node]:
    inner = {o for p in _NESTING for o in shapes.objects(None, p)}
    for p in _LISTS:
        for head in shapes.objects(None, p):
            inner.update(shapes.items(head))
    return inner


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _supported(shapes: Graph, shape: Node, nested: set[Node]) -> bool:
    if shape in nested or (shape, SH.target, None) in shapes:
        return False
    path = shapes.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        return False
    has_target = any((shape, p, None) in shapes for p in _TARGETS) or (shape, RDF.type, RDFS.Class) in shapes
    if not has_target:
        return False
    for constraint in shapes.objects(shape, SH.sparql):
        selects = list(shapes.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal) or _UNSUPPORTED_VARIABLE.search(str(selects[0])):
            return False
        if (constraint, SH.ask, None) in shapes:
            return False
    return True


def split(shapes: Graph) -> tuple[Graph, tuple[SparqlConstraint, ...]]:
    """The shapes graph without the SPARQL constraints this module evaluates, and those constraints.

    Deactivated shapes and constraints are dropped (they report nothing).
    """
    nested = _nested(shapes)
    core = Graph()
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    core += shapes
    found = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None)), key=str):
        if not _supported(shapes, shape, nested):
            continue
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            core.remove((shape, SH.sparql, constraint))
            if _true(shapes.value(shape, SH.deactivated)) or _true(shapes.value(constraint, SH.deactivated)):
                continue
            query = str(shapes.value(constraint, SH.select))
            path = shapes.value(shape, SH.path)
            if path is not None:
                query = query.replace("$PATH", f"<{path}>")
            own = sorted(shapes.objects(constraint, SH.message), key=str)
            shape_messages = sorted(shapes.objects(shape, SH.message), key=str)
            found.append(SparqlConstraint(
                shape=shape, constraint=constraint, query=_prefixes(shapes, constraint) + "\n" + query,
                targets=tuple(sorted(((p, o) for p in _TARGETS for o in shapes.objects(shape, p)), key=str))
                + (((SH.targetClass, shape),) if (shape, RDF.type, RDFS.Class) in shapes else ()),
                path=path, severity=shapes.value(shape, SH.severity) or SH.Violation,
                messages=tuple(own) + tuple(m for m in shape_messages if m not in own)))
    return core, tuple(found)


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


def focus_nodes(data: GraphView, targets: tuple[tuple[Node, Node], ...]) -> list[Node]:
    """The focus nodes of a shape's targets in the data graph (classes with rdfs:subClassOf*)."""
    queries = {
        SH.targetClass: "SELECT DISTINCT ?f WHERE {{ ?f a/<{rdfs}subClassOf>* <{o}> }}",
        SH.targetSubjectsOf: "SELECT DISTINCT ?f WHERE {{ ?f <{o}> ?x }}",
        SH.targetObjectsOf: "SELECT DISTINCT ?f WHERE {{ ?x <{o}> ?f }}",
    }
    found: dict[Node, None] = {}
    for predicate, obj in targets:
        if predicate == SH.targetNode:
            found[obj] = None
            continue
        for row in data.select(queries[predicate].format(rdfs=RDFS, o=obj)):
            found[row["f"]] = None
    return list(found)


def _message(text: str, bindings: dict[str, Node]) -> Literal:
    for name, value in bindings.items():
        text = re.sub("{[?$]%s}" % re.escape(name), str(value).replace("\\", "\\\\"), text)
    return Literal(text)


def evaluate(data: GraphView, constraints: tuple[SparqlConstraint, ...], report: Graph) -> list[Node]:
    """Add a ``sh:ValidationResult`` to ``report`` for each violating solution; return the result nodes."""
    results = []
    for c in constraints:
        for focus in focus_nodes(data, c.targets):
            seen = set()
            for row in data.select(c.query, {"this": focus}):
                if "failure" in row:
                    raise SparqlFailure(f"the SPARQL constraint of {c.shape} reported a failure for {focus}")
                key = tuple(sorted((k, v) for k, v in row.items()))
                if key in seen:
                    continue
                seen.add(key)
                value = row.get("value", None if c.path is not None else focus)
                path = row.get("path", c.path)
                node = BNode()
                report.add((node, RDF.type, SH.ValidationResult))
                report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
                report.add((node, SH.sourceShape, c.shape))
                report.add((node, SH.sourceConstraint, c.constraint))
                report.add((node, SH.resultSeverity, c.severity))
                report.add((node, SH.focusNode, row.get("this", focus)))
                if value is not None:
                    report.add((node, SH.value, value))
                if path is not None:
                    report.add((node, SH.resultPath, path))
                bindings = dict(row)
                if value is not None:
                    bindings["value"] = value
                for message in c.messages:
                    report.add((node, SH.resultMessage, _message(str(message), bindings)))
                results.append(node)
    return results
