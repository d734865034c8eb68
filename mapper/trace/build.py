"""Build the trace graph: principle → section → measure → subject → evidence | gap, with networkx."""

from __future__ import annotations

from typing import Iterable, Sequence

import networkx as nx

from mapper.analysis import Analysis
from mapper.catalogue.records import Catalogue
from mapper.graphs import institution_of
from mapper.labels import Label, local_name
from mapper.store import Store
from mapper.trace.facts import SubmissionFacts, read_facts


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
    for m in catalogue.assessables:  # measures, and the main concepts assessed on their own
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
                     declared_tier=local_name(tier.declared) if tier and tier.declared else None,
                     derived_tier=local_name(tier.derived) if tier and tier.derived else None)
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
        node = gap.id
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
