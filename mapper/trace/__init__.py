"""The trace: principle → section → measure → subject → evidence | gap, as a networkx graph.

One :class:`networkx.DiGraph` over one or many analysed submissions. Node ids are IRIs (a gap
node's id is :func:`gap_id`); every node has ``kind`` (``principle``, ``chapter``, ``section``,
``measure``, ``institution``, ``system``, ``vendor``, ``evidence``, ``gap``; ``subject`` for a
subject only a verdict names, traced without facts), ``label_zh`` and ``label_en``; every edge
has ``rel``:

=================  ===========================  ==============================================
rel                from → to                    meaning
=================  ===========================  ==============================================
hasSection         principle/chapter → section  the guideline's structure
hasMeasure         section → measure            (chapter → measure for a measure in no section)
appliesTo          measure → subject            the measure applies; ``why_zh``/``why_en``
undeterminedFor    measure → subject            a rule input is missing; ``missing_inputs``
operates           institution → system         the submission describes the system
engages            institution → vendor         the submission describes the vendor
usesVendor         system → vendor              ``fsc:usesVendor``
evidencedBy        subject → evidence           a conformance statement's evidence; ``measures``
hasGap             subject → gap                one :class:`mapper.gaps.Gap`
overdueEvidence    gap → evidence               the evidence past its review date
=================  ===========================  ==============================================

A vendor several institutions name with one IRI is one node, linked to each institution's
systems. The analysis records hold no store, so what the trace needs beyond them (statements,
evidence, systems and vendors) is read by :func:`read_facts` and passed to :func:`build_trace`.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("https://x.example/v", kind="vendor", label_zh="雲端業者", label_en="Cloud vendor")
>>> g.add_node("https://x.example/s", kind="system", label_zh="客服", label_en="Assistant")
>>> g.add_edge("https://x.example/s", "https://x.example/v", rel="usesVendor")
>>> [e["data"]["rel"] for e in to_cytoscape_json(g) if e["group"] == "edges"]
['usesVendor']
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import networkx as nx

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.catalogue.records import Catalogue, Label, sort_key
from mapper.gaps import Gap
from mapper.namespaces import FSC
from mapper.queries import query_text
from mapper.store import Store



# --- what the trace reads from the store beside the analysis ---------------------------------


@dataclass(frozen=True)
class EvidenceRecord:
    iri: str
    label: Label
    issued: str | None
    next_review: str | None
    owner: str | None
    owner_label: Label | None
    link: str | None  # schema:url or dcat:downloadURL
    sha256: str | None


@dataclass(frozen=True)
class StatementRecord:
    """One conformance statement: a measure, a subject, a status, and its evidence."""

    iri: str
    measure: str
    subject: str
    status: str | None
    target_date: str | None
    reason: str | None
    alternative: str | None
    evidence: tuple[EvidenceRecord, ...]


@dataclass(frozen=True)
class SubmissionFacts:
    """Statements, systems, vendors and system → vendor links of one submission graph."""

    submission_graph: str
    statements: tuple[StatementRecord, ...]
    systems: tuple[str, ...]
    vendors: tuple[str, ...]
    vendor_links: tuple[tuple[str, str], ...]  # (system, vendor)


def _opt(term) -> str | None:
    return None if term is None else str(term)


def _label(zh, en, fallback: str) -> Label:
    zh, en = _opt(zh), _opt(en)
    return Label(zh or en or fallback, en or zh or fallback)


def _local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def read_statements(store: Store, submission_graph: str) -> tuple[StatementRecord, ...]:
    """The submission's conformance statements with their evidence (``trace-statements.rq``)."""
    statements: dict[str, dict] = {}
    evidence: dict[str, dict[str, EvidenceRecord]] = defaultdict(dict)
    for row in store.select(query_text("trace-statements"), default_graphs=[submission_graph]):
        iri = str(row["statement"])
        statements.setdefault(iri, {
            "iri": iri, "measure": str(row["measure"]), "subject": str(row["subject"]),
            "status": _opt(row.get("status")), "target_date": _opt(row.get("targetDate")),
            "reason": _opt(row.get("reason")), "alternative": _opt(row.get("alternative")),
        })
        if row.get("evidence") is None:
            continue
        ev = str(row["evidence"])
        if ev in evidence[iri]:
            continue  # a second title or label in the same language: keep the first
        owner = _opt(row.get("owner"))
        evidence[iri][ev] = EvidenceRecord(
            iri=ev, label=_label(row.get("titleZh"), row.get("titleEn"), _local(ev)),
            issued=_opt(row.get("issued")), next_review=_opt(row.get("review")), owner=owner,
            owner_label=_label(row.get("ownerZh"), row.get("ownerEn"), _local(owner)) if owner else None,
            link=_opt(row.get("url")) or _opt(row.get("download")), sha256=_opt(row.get("sha256")),
        )
    return tuple(StatementRecord(**s, evidence=tuple(sorted(evidence[i].values(), key=lambda e: e.iri)))
                 for i, s in sorted(statements.items()))


def read_facts(store: Store, submission_graph: str) -> SubmissionFacts:
    """Everything :func:`build_trace` needs from the store about one submission."""
    systems, vendors, links = set(), set(), set()
    for row in store.select(query_text("trace-vendors"), default_graphs=[submission_graph]):
        subject, kind = str(row["subject"]), str(row["kind"])
        (systems if kind == str(FSC.AISystem) else vendors).add(subject)
        if row.get("vendor") is not None:
            links.add((subject, str(row["vendor"])))
    return SubmissionFacts(submission_graph, read_statements(store, submission_graph),
                           tuple(sorted(systems)), tuple(sorted(vendors)), tuple(sorted(links)))


# --- building the graph ----------------------------------------------------------------------


def gap_id(gap: Gap, institution: str) -> str:
    """A stable node id for one gap of one institution's submission.

    Readable parts (kind, measure) and a digest of the institution, subject and evidence: two
    institutions sharing a vendor each have their own gaps on it, and one statement can have
    two overdue pieces of evidence.

    >>> from mapper.catalogue.records import Ref
    >>> from mapper.gaps import GapKind
    >>> kind = GapKind("https://w3id.org/fscai/def#NoStatement", "NoStatement", 1, Label("", ""), Label("", ""))
    >>> ref = Ref("https://w3id.org/fscai/guideline/draft/measure-1.1.1", "1.1.1", Label("", ""))
    >>> gap = Gap(kind, ref, ref, None, None, "https://bank.example/s", "system", Label("", ""),
    ...           Label("", ""), None, None, None, None, None)
    >>> gap_id(gap, "https://bank.example/bank")
    'urn:fscai:gap:NoStatement:1.1.1:57e933325ccf0a73'
    """
    parts = (institution, gap.subject, gap.measure.iri, gap.kind.iri, gap.evidence or "")
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"urn:fscai:gap:{gap.kind.code}:{gap.measure.notation}:{digest}"


def build_trace(analyses: Sequence[Analysis], facts: Iterable[SubmissionFacts] = ()) -> nx.DiGraph:
    """The trace of one or more analysed submissions (``facts`` from :func:`read_facts`).

    Without facts the trace still holds the catalogue, the institutions, the subjects the
    verdicts and gaps name, and the gaps; the facts add evidence and system → vendor links.
    """
    by_graph = {f.submission_graph: f for f in facts}
    trace = nx.DiGraph()
    for analysis in analyses:
        _add_catalogue(trace, analysis.catalogue)
        _add_submission(trace, analysis, by_graph.get(analysis.submission_graph))
    return trace


def trace_store(store: Store, analyses: Sequence[Analysis]) -> nx.DiGraph:
    """:func:`build_trace` with the facts of each analysed submission read from ``store``."""
    return build_trace(analyses, [read_facts(store, a.submission_graph) for a in analyses])


def _add_node(trace: nx.DiGraph, iri: str, kind: str, label: Label, **attrs) -> None:
    if iri not in trace:
        trace.add_node(iri, kind=kind, label_zh=label.zh, label_en=label.en,
                       **{k: v for k, v in attrs.items() if v is not None})


def _add_catalogue(trace: nx.DiGraph, catalogue: Catalogue) -> None:
    with_measures = {m.chapter.iri for m in catalogue.measures}
    for chapter in catalogue.chapters:
        if chapter.iri not in with_measures:
            continue
        _add_node(trace, chapter.iri, "principle" if chapter.kind == "Principle" else "chapter", chapter.label,
                  notation=chapter.notation)
        for section in chapter.sections:
            _add_node(trace, section.iri, "section", section.label, notation=section.notation,
                      chapter=chapter.iri)
            trace.add_edge(chapter.iri, section.iri, rel="hasSection")
    for m in catalogue.measures:
        stage = m.stage
        _add_node(trace, m.iri, "measure", m.label, notation=m.notation, chapter=m.chapter.iri,
                  section=m.section.iri if m.section else None, modality=m.modality,
                  stage=stage.notation if stage else None, stage_zh=stage.label.zh if stage else None,
                  stage_en=stage.label.en if stage else None)
        trace.add_edge(m.section.iri if m.section else m.chapter.iri, m.iri, rel="hasMeasure")


def _add_subject(trace: nx.DiGraph, iri: str, kind: str, label: Label, institution: str, **attrs) -> None:
    _add_node(trace, iri, kind, label, institutions=(), **attrs)
    data = trace.nodes[iri]
    if data.get("kind") == "subject" and kind != "subject":
        data["kind"] = kind  # a subject first met through a verdict, its kind now known
    if institution not in data["institutions"]:
        data["institutions"] = tuple(sorted((*data["institutions"], institution)))
    if kind in ("institution", "system"):
        data.setdefault("institution", institution)


def _add_submission(trace: nx.DiGraph, analysis: Analysis, facts: SubmissionFacts | None) -> None:
    inst = analysis.institution
    labels = analysis.classification.labels
    _add_subject(trace, inst, "institution", analysis.institution_label, inst,
                 ubn=institution_of(analysis.submission_graph), submission_graph=analysis.submission_graph,
                 as_of=analysis.as_of.isoformat())

    kinds: dict[str, str] = {}
    for tier in analysis.classification.tiers:
        kinds[tier.system] = "system"
    for gap in analysis.gaps:
        kinds.setdefault(gap.subject, gap.subject_kind)
    if facts:
        kinds.update({s: "system" for s in facts.systems})
        kinds.update({v: "vendor" for v in facts.vendors})
    kinds[inst] = "institution"

    tiers = {t.system: t for t in analysis.classification.tiers}
    for subject, kind in sorted(kinds.items()):
        if kind == "institution":
            continue
        tier = tiers.get(subject)
        _add_subject(trace, subject, kind, labels(subject), inst,
                     declared_tier=_local(tier.declared) if tier and tier.declared else None,
                     derived_tier=_local(tier.derived) if tier and tier.derived else None)
        trace.add_edge(inst, subject, rel="operates" if kind == "system" else "engages")
    for system, vendor in facts.vendor_links if facts else ():
        for iri, kind in ((system, "system"), (vendor, "vendor")):
            _add_subject(trace, iri, kind, labels(iri), inst)
        trace.add_edge(system, vendor, rel="usesVendor")

    for v in analysis.classification.verdicts:
        if v.verdict == "does-not-apply" or v.measure not in trace:
            continue
        _add_subject(trace, v.subject, kinds.get(v.subject, "subject"), labels(v.subject), inst)
        if v.verdict == "applies":
            _merge_edge(trace, v.measure, v.subject, "appliesTo", inst, why_zh=v.why.zh, why_en=v.why.en)
        elif not trace.has_edge(v.measure, v.subject):
            _merge_edge(trace, v.measure, v.subject, "undeterminedFor", inst, why_zh=v.why.zh, why_en=v.why.en,
                        missing_inputs=v.missing_inputs)

    for statement in facts.statements if facts else ():
        if statement.subject not in trace:
            _add_subject(trace, statement.subject, kinds.get(statement.subject, "subject"),
                         labels(statement.subject), inst)
        for ev in statement.evidence:
            _add_node(trace, ev.iri, "evidence", ev.label, issued=ev.issued, next_review=ev.next_review,
                      owner=ev.owner, owner_zh=ev.owner_label.zh if ev.owner_label else None,
                      owner_en=ev.owner_label.en if ev.owner_label else None, link=ev.link, sha256=ev.sha256)
            edge = _merge_edge(trace, statement.subject, ev.iri, "evidencedBy", inst)
            for key, value in (("measures", statement.measure), ("statements", statement.iri)):
                if value not in edge.setdefault(key, ()):
                    edge[key] = (*edge[key], value)

    for gap in analysis.gaps:
        node = gap_id(gap, inst)
        missing = gap.missing
        label = Label(f"{gap.kind.label.zh}：{gap.measure.notation}", f"{gap.kind.label.en}: {gap.measure.notation}")
        _add_subject(trace, gap.subject, gap.subject_kind, gap.subject_label, inst)
        _add_node(trace, node, "gap", label, gap_kind=gap.kind.code, gap_label_zh=gap.kind.label.zh,
                  gap_label_en=gap.kind.label.en, measure=gap.measure.iri, notation=gap.measure.notation,
                  subject=gap.subject, institution=inst, why_zh=gap.why.zh, why_en=gap.why.en,
                  missing_zh=missing.zh, missing_en=missing.en, status=gap.status, statement=gap.statement,
                  evidence=gap.evidence, date=gap.date)
        trace.add_edge(gap.subject, node, rel="hasGap")
        if gap.evidence:
            _add_node(trace, gap.evidence, "evidence", gap.evidence_label or labels(gap.evidence))
            trace.add_edge(node, gap.evidence, rel="overdueEvidence")


def _merge_edge(trace: nx.DiGraph, source: str, target: str, rel: str, institution: str, **attrs) -> dict:
    if not trace.has_edge(source, target):
        trace.add_edge(source, target, rel=rel, institutions=(), **attrs)
    edge = trace.edges[source, target]
    if rel == "appliesTo" and edge["rel"] != rel:  # applies in one submission beats undetermined in another
        edge.update(rel=rel, **attrs)
        edge.pop("missing_inputs", None)
    if institution not in edge["institutions"]:
        edge["institutions"] = (*edge["institutions"], institution)
    return edge


# --- what an analyst asks --------------------------------------------------------------------


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
