"""The trace drawing's data (Cytoscape.js elements with each node's page); search is web/records/search.py."""

from __future__ import annotations

from collections import Counter

import networkx as nx
from flask import url_for

from mapper.catalogue.records import sort_key
from mapper.trace import explain_gap, group_of, layer_of, to_cytoscape_json
from web.facts import current_trace, valid_iri
from web.records.common import NotFound, kind_label, lab

#: The drawing stays readable (and the browser fast) up to this many nodes; the nearest are kept.
MAX_NODES = 250
#: Above this many nodes the drawing starts with every principle collapsed, and the page says what is hidden.
COLLAPSE_ABOVE = 80
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
    """The drawing's short caption (the tooltip and panel give the full labels): a measure's notation
    and the start of its name, a gap's kind and measure, anything else both labels cut short."""
    notation, kind = data.get("notation"), data.get("kind")
    if kind == "gap":
        return f"{_short(data.get('gap_label_zh', ''), 9)} {notation}\n{_short(data.get('gap_label_en', ''), 18)}"
    if kind == "measure":
        return f"{notation}\n{_short(data.get('label_zh', ''), 7)}"
    prefix = f"{notation} " if notation else ""
    return f"{prefix}{_short(data.get('label_zh', ''), 9)}\n{_short(data.get('label_en', ''), 18)}"


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
        return trace.subgraph(_with_context(trace, set(distance))), 0
    ranked = sorted(distance, key=lambda n: (distance[n], _KIND_RANK.get(trace.nodes[n]["kind"], 9), n))
    return trace.subgraph(_with_context(trace, set(ranked[:MAX_NODES]))), len(distance) - MAX_NODES


def _with_context(trace: nx.DiGraph, keep: set[str]) -> set[str]:
    """``keep`` with the section and principle of each of its measures and the principle of each of
    its gaps: the guideline's side the drawing is layered and grouped by (beyond MAX_NODES)."""
    context = set()
    for node in keep:
        data = trace.nodes[node]
        if data["kind"] == "measure":
            context.update(n for n in (data.get("section"), data.get("chapter")) if n)
        context.add(group_of(trace, node))
    return keep | {n for n in context if n and n in trace}


def _groups(trace: nx.DiGraph, sub: nx.DiGraph, focus: str) -> list[dict]:
    """The principles a drawing can collapse, with how many nodes each hides (its sections, measures
    and gaps; never the focus): the page's and trace.js's one definition of a group."""
    size = Counter(g for n in sub if n != focus and (g := group_of(trace, n)) not in (None, n) and g in sub)
    heads = sorted(size, key=lambda g: (sort_key(trace.nodes[g].get("notation") or "0"), g))
    return [{"id": g, "notation": trace.nodes[g].get("notation"), "size": size[g],
             "label": {"zh": trace.nodes[g]["label_zh"], "en": trace.nodes[g]["label_en"]}} for g in heads]


def _kinds(nodes: list[dict]) -> list[dict]:
    """The kinds drawn, top layer first, with their labels and counts (the page's kind filters)."""
    count = Counter(n["kind"] for n in nodes)
    return [{"kind": k, "label": kind_label(k), "count": count[k], "layer": layer_of(k)}
            for k in sorted(count, key=lambda k: (layer_of(k), -_KIND_RANK.get(k, 9)))]


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
        data["layer"] = layer_of(data["kind"])
        data["group"] = group_of(graph, data["id"])
        label = kind_label(data["kind"]) or {"zh": data["kind"], "en": data["kind"]}
        data["kind_label_zh"], data["kind_label_en"] = label["zh"], label["en"]
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
    groups = [] if path else _groups(graph, sub, iri)
    collapsed = sub.number_of_nodes() > COLLAPSE_ABOVE and bool(groups)
    return {"iri": iri, "kind": focus["kind"], "kind_label": kind_label(focus["kind"]),
            "label": {"zh": focus["label_zh"], "en": focus["label_en"]}, "url": node_url(iri, focus),
            "depth": depth, "elements": elements, "nodes": nodes,
            "node_count": sub.number_of_nodes(), "edge_count": sub.number_of_edges(), "left_out": left_out,
            "path": path, "data_url": url_for("api.trace", iri=iri, depth=depth),
            "kinds": _kinds(nodes), "groups": groups, "collapse_above": COLLAPSE_ABOVE, "collapsed": collapsed,
            "hidden": sum(g["size"] for g in groups) if collapsed else 0,
            "hidden_groups": len(groups) if collapsed else 0}
