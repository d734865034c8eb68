"""What an analyst asks of a trace: a gap's explanation, a vendor's dependents, the measures most
often missing, a node's neighbourhood, and the graph as Cytoscape.js elements."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx

from mapper.catalogue.records import sort_key
from mapper.labels import Label


@dataclass(frozen=True)
class TraceNode:
    """One node as a record. On a path, ``rel`` is the edge that led to it; ``why`` is why the
    measure applies (on the subject step and the gap), ``missing`` what the gap lacks."""

    id: str
    kind: str
    label: Label
    notation: str | None = None
    rel: str | None = None
    why: Label | None = None
    missing: Label | None = None


def trace_node(trace: nx.DiGraph, node: str, *, rel: str | None = None, why: Label | None = None) -> TraceNode:
    data = trace.nodes[node]
    missing = Label(data["missing_zh"], data["missing_en"]) if "missing_zh" in data else None
    if why is None and "why_zh" in data:
        why = Label(data["why_zh"], data["why_en"])
    return TraceNode(node, data["kind"], Label(data["label_zh"], data["label_en"]), data.get("notation"),
                     rel, why, missing)


def _predecessor(trace: nx.DiGraph, node: str, rel: str) -> str | None:
    return next((p for p in trace.predecessors(node) if trace.edges[p, node]["rel"] == rel), None)


def explain_gap(trace: nx.DiGraph, gap: str) -> list[TraceNode]:
    """The path principle → section → measure → subject → gap, with why and what is missing.

    Walks the graph back from the gap node (its subject, the measure it names, the measure's
    section and principle). Raises ``KeyError`` for an id that is not a gap node.
    """
    data = trace.nodes[gap] if gap in trace else None
    if not data or data.get("kind") != "gap":
        raise KeyError(f"no gap node {gap!r} in the trace")
    subject, measure = data["subject"], data["measure"]
    applies = trace.get_edge_data(measure, subject) or {}
    why = Label(applies["why_zh"], applies["why_en"]) if "why_zh" in applies else None
    path = [trace_node(trace, gap, rel="hasGap"), trace_node(trace, subject, rel=applies.get("rel"), why=why),
            trace_node(trace, measure, rel="hasMeasure")]
    parent = _predecessor(trace, measure, "hasMeasure")
    if parent is not None and trace.nodes[parent]["kind"] == "section":
        path.append(trace_node(trace, parent, rel="hasSection"))
        parent = _predecessor(trace, parent, "hasSection")
    if parent is not None:
        path.append(trace_node(trace, parent))
    return path[::-1]


@dataclass(frozen=True)
class DependentSystem:
    system: TraceNode
    institution: TraceNode | None
    measures: tuple[TraceNode, ...]  # the measures that apply to the system
    gaps: int  # the system's gaps


@dataclass(frozen=True)
class VendorDependents:
    vendor: TraceNode
    systems: tuple[DependentSystem, ...]
    institutions: tuple[TraceNode, ...]  # with a system using the vendor, or engaging it directly
    measures: tuple[TraceNode, ...]  # that apply to any of the systems
    vendor_measures: tuple[TraceNode, ...]  # that apply to the vendor itself (general chapter 5)
    vendor_gaps: int


def _notation_key(trace: nx.DiGraph, node: str) -> tuple:
    return sort_key(trace.nodes[node].get("notation", ""))


def _measures_of(trace: nx.DiGraph, subject: str) -> list[str]:
    return sorted((m for m in trace.predecessors(subject) if trace.edges[m, subject]["rel"] == "appliesTo"),
                  key=lambda m: _notation_key(trace, m))


def _gaps_of(trace: nx.DiGraph, subject: str) -> int:
    return sum(1 for n in trace.successors(subject) if trace.nodes[n]["kind"] == "gap")


def vendor_dependents(trace: nx.DiGraph, vendor: str) -> VendorDependents:
    """The systems using ``vendor`` (in every institution), the measures that apply to them, and
    the institutions that depend on it. Raises ``KeyError`` if the vendor is not in the trace."""
    if vendor not in trace or trace.nodes[vendor]["kind"] != "vendor":
        raise KeyError(f"no vendor node {vendor!r} in the trace")
    systems, institutions, measures = [], set(), set()
    for system in sorted(p for p in trace.predecessors(vendor) if trace.edges[p, vendor]["rel"] == "usesVendor"):
        owner = trace.nodes[system].get("institution")
        applying = _measures_of(trace, system)
        measures.update(applying)
        if owner:
            institutions.add(owner)
        systems.append(DependentSystem(trace_node(trace, system), trace_node(trace, owner) if owner else None,
                                       tuple(trace_node(trace, m) for m in applying), _gaps_of(trace, system)))
    institutions.update(p for p in trace.predecessors(vendor) if trace.edges[p, vendor]["rel"] == "engages")
    return VendorDependents(
        vendor=trace_node(trace, vendor), systems=tuple(systems),
        institutions=tuple(trace_node(trace, i) for i in sorted(institutions)),
        measures=tuple(trace_node(trace, m) for m in sorted(measures, key=lambda m: _notation_key(trace, m))),
        vendor_measures=tuple(trace_node(trace, m) for m in _measures_of(trace, vendor)),
        vendor_gaps=_gaps_of(trace, vendor),
    )


@dataclass(frozen=True)
class MeasureGaps:
    measure: TraceNode
    total: int
    by_kind: tuple[tuple[str, int], ...]  # (gap kind code, count), most frequent first
    subjects: int
    institutions: int


def most_missing(trace: nx.DiGraph, top: int = 10) -> tuple[MeasureGaps, ...]:
    """The measures most often with gaps, with counts per gap kind (ties in guideline order)."""
    kinds: dict[str, Counter] = defaultdict(Counter)
    subjects: dict[str, set] = defaultdict(set)
    institutions: dict[str, set] = defaultdict(set)
    for _, data in trace.nodes(data=True):
        if data["kind"] != "gap":
            continue
        measure = data["measure"]
        kinds[measure][data["gap_kind"]] += 1
        subjects[measure].add(data["subject"])
        institutions[measure].add(data["institution"])
    ranked = sorted(kinds, key=lambda m: (-sum(kinds[m].values()), _notation_key(trace, m)))
    return tuple(MeasureGaps(trace_node(trace, m), sum(kinds[m].values()),
                             tuple(sorted(kinds[m].items(), key=lambda kv: (-kv[1], kv[0]))),
                             len(subjects[m]), len(institutions[m]))
                 for m in ranked[:top])


#: The drawing's layers, top to bottom, by a node's kind: principle → section → measure → subject
#: (institution, system, vendor) → evidence | gap.
LAYERS = {"principle": 0, "chapter": 0, "section": 1, "measure": 2, "institution": 3, "system": 3, "vendor": 3,
          "subject": 3, "evidence": 4, "gap": 4}


def layer_of(kind: str | None) -> int:
    """The layer of a node of ``kind`` (:data:`LAYERS`; a kind not named there is a subject's)."""
    return LAYERS.get(kind or "", LAYERS["subject"])


def group_of(trace: nx.DiGraph, node: str) -> str | None:
    """The principle (or chapter) a node of the guideline's side belongs to: a principle itself, a
    section's or measure's chapter, a gap's measure's chapter; ``None`` for subjects and evidence."""
    data = trace.nodes[node]
    kind = data["kind"]
    if kind in ("principle", "chapter"):
        return node
    if kind in ("section", "measure"):
        return data.get("chapter")
    if kind == "gap" and data.get("measure") in trace:
        return trace.nodes[data["measure"]].get("chapter")
    return None


def gap_nodes(trace: nx.DiGraph) -> list[str]:
    """Every gap node id, in insertion order."""
    return [n for n, kind in trace.nodes(data="kind") if kind == "gap"]


def subgraph_for(trace: nx.DiGraph, iri: str, depth: int = 2) -> nx.DiGraph:
    """The neighbourhood of a node (a system, a measure, ...): every node within ``depth`` edges,
    in either direction, with the edges among them. Raises ``KeyError`` for an unknown node."""
    if iri not in trace:
        raise KeyError(f"no node {iri!r} in the trace")
    return nx.ego_graph(trace, iri, radius=depth, undirected=True)


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def to_cytoscape_json(graph: nx.DiGraph) -> list[dict]:
    """The graph as Cytoscape.js elements (a JSON-ready list): nodes with ``id``, ``label_zh``,
    ``label_en``, ``kind`` and their other attributes; edges with ``id``, ``source``,
    ``target``, ``rel`` and theirs."""
    elements = []
    for node, data in graph.nodes(data=True):
        elements.append({"group": "nodes", "data": {"id": node, **{k: _plain(v) for k, v in data.items()}}})
    for source, target, data in graph.edges(data=True):
        elements.append({"group": "edges", "data": {"id": f"{source} -> {target}", "source": source,
                                                    "target": target, **{k: _plain(v) for k, v in data.items()}}})
    return elements
