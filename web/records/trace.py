"""The trace drawing's data (Cytoscape.js elements with each node's page) and search."""

from __future__ import annotations

import networkx as nx
from flask import url_for

from mapper.catalogue.records import Ref, sort_key
from mapper.trace import explain_gap, to_cytoscape_json
from web.analyses import catalogue, latest_analyses
from web.facts import current_trace, submission_facts, valid_iri
from web.records.common import NotFound, institution_ref, kind_label, lab, measure_ref, subject_ref

#: The drawing stays readable (and the browser fast) up to this many nodes; the nearest are kept.
MAX_NODES = 250
_KIND_RANK = {"gap": 0, "measure": 1, "system": 2, "vendor": 3, "evidence": 4, "institution": 5,
              "section": 6, "principle": 7, "chapter": 7}


def node_url(node: str, data: dict) -> str | None:
    kind = data.get("kind")
    if kind in ("principle", "chapter"):
        return url_for("pages.principle", notation=data["notation"])
    if kind in ("section", "measure"):
        return url_for(f"pages.{kind}", notation=data["notation"])
    if kind == "institution" and data.get("ubn"):
        return url_for("pages.institution", ubn=data["ubn"])
    if kind in ("system", "vendor", "evidence"):
        return url_for(f"pages.{kind}", iri=node)
    if kind == "gap":
        return url_for("pages.trace", iri=node)
    return None


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def caption(data: dict) -> str:
    notation = data.get("notation")
    if data.get("kind") == "gap":
        return f"{data.get('gap_label_zh', '')} {notation}\n{_short(data.get('gap_label_en', ''), 28)}"
    prefix = f"{notation} " if notation and data.get("kind") != "gap" else ""
    return f"{prefix}{_short(data.get('label_zh', ''), 14)}\n{_short(data.get('label_en', ''), 28)}"


def _within(trace: nx.DiGraph, iri: str, depth: int) -> dict[str, int]:
    """Node → distance for every node within ``depth`` edges of ``iri``, in either direction.

    The same nodes as :func:`mapper.trace.subgraph_for`, found by a breadth-first walk over
    predecessors and successors: ``nx.ego_graph(undirected=True)`` copies the whole trace into
    an undirected graph first, on every request.
    """
    distance, frontier = {iri: 0}, [iri]
    for step in range(1, depth + 1):
        reached = []
        for node in frontier:
            for other in (*trace.predecessors(node), *trace.successors(node)):
                if other not in distance:
                    distance[other] = step
                    reached.append(other)
        frontier = reached
    return distance


def _neighbourhood(trace: nx.DiGraph, iri: str, depth: int) -> tuple[nx.DiGraph, int]:
    """The node's neighbourhood (a gap: its explanation path), capped at MAX_NODES nearest nodes."""
    if trace.nodes[iri]["kind"] == "gap":
        keep = {n.id for n in explain_gap(trace, iri)} | set(trace.successors(iri))
        return trace.subgraph(keep), 0
    distance = _within(trace, iri, depth)
    if len(distance) <= MAX_NODES:
        return trace.subgraph(distance), 0
    ranked = sorted(distance, key=lambda n: (distance[n], _KIND_RANK.get(trace.nodes[n]["kind"], 9), n))
    return trace.subgraph(ranked[:MAX_NODES]), len(distance) - MAX_NODES


def trace(iri: str, depth: int = 1) -> dict:
    """The drawing around a node of the trace: a system, measure, vendor, gap, ... (``NotFound`` else)."""
    if not valid_iri(iri):
        raise NotFound(f"not an IRI: {iri!r}")
    graph = current_trace()
    if iri not in graph:
        raise NotFound(f"<{iri}> is not in the trace")
    depth = max(1, min(int(depth), 2))
    sub, left_out = _neighbourhood(graph, iri, depth)
    elements = to_cytoscape_json(sub)
    nodes = []
    for element in elements:
        data = element["data"]
        if element["group"] != "nodes":
            continue
        data["url"] = node_url(data["id"], data)
        data["caption"] = caption(data)
        data["focus"] = data["id"] == iri
        nodes.append({"id": data["id"], "kind": data["kind"], "kind_label": kind_label(data["kind"]),
                      "label": {"zh": data["label_zh"], "en": data["label_en"]}, "notation": data.get("notation"),
                      "url": data["url"]})
    nodes.sort(key=lambda n: (_KIND_RANK.get(n["kind"], 9), sort_key(n["notation"] or "0"), n["id"]))
    focus = graph.nodes[iri]
    path = []
    if focus["kind"] == "gap":
        for step in explain_gap(graph, iri):
            path.append({"id": step.id, "kind": step.kind, "kind_label": kind_label(step.kind),
                         "label": lab(step.label), "notation": step.notation, "why": lab(step.why),
                         "missing": lab(step.missing), "url": node_url(step.id, graph.nodes[step.id])})
    return {"iri": iri, "kind": focus["kind"], "kind_label": kind_label(focus["kind"]),
            "label": {"zh": focus["label_zh"], "en": focus["label_en"]}, "url": node_url(iri, focus),
            "depth": depth, "elements": elements, "nodes": nodes,
            "node_count": sub.number_of_nodes(), "edge_count": sub.number_of_edges(), "left_out": left_out,
            "path": path, "data_url": url_for("api.trace", iri=iri, depth=depth)}


# --- search ----------------------------------------------------------------------------------

LIMIT = 50


def _matches(q: str, *texts: str | None) -> bool:
    q = q.casefold()
    return any(t and q in t.casefold() for t in texts)


def search(q: str) -> dict:
    """Measures by notation or words of either label; institutions, AI systems, vendors and
    evidence by name (or UBN, or IRI)."""
    q = (q or "").strip()
    found = {"q": q, "measures": [], "institutions": [], "systems": [], "vendors": [], "evidence": []}
    if not q:
        return found
    for m in catalogue().measures:
        if m.notation.startswith(q) or _matches(q, m.label.zh, m.label.en):
            found["measures"].append({**measure_ref(Ref(m.iri, m.notation, m.label)), "principle": lab(m.chapter.label),
                                      "stage": lab(m.stage.label) if m.stage else None})
    seen_vendors, seen_evidence = set(), set()
    for analysis in latest_analyses():
        labels = analysis.classification.labels
        inst = institution_ref(analysis)
        if _matches(q, inst["ubn"], analysis.institution_label.zh, analysis.institution_label.en):
            found["institutions"].append(inst)
        for tier in analysis.classification.tiers:
            label = labels(tier.system)
            if _matches(q, label.zh, label.en, tier.system):
                found["systems"].append({**subject_ref(tier.system, "system", analysis), "institution": inst})
        facts = submission_facts(analysis)
        for v in facts.vendors:
            label = labels(v)
            if v not in seen_vendors and _matches(q, label.zh, label.en, v):
                seen_vendors.add(v)
                found["vendors"].append(subject_ref(v, "vendor", analysis))
        for statement in facts.statements:
            for ev in statement.evidence:
                if ev.iri not in seen_evidence and _matches(q, ev.label.zh, ev.label.en):
                    seen_evidence.add(ev.iri)
                    found["evidence"].append({**subject_ref(ev.iri, "evidence", analysis), "institution": inst})
    for key in ("measures", "institutions", "systems", "vendors", "evidence"):
        found[f"{key}_total"] = len(found[key])
        found[key] = found[key][:LIMIT]
    return found
