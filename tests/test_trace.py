"""mapper.trace on the real example submissions: paths, evidence, shared vendors, counts, viewer JSON.

The examples are ``data/examples/minimal-submission.ttl`` and every directory under
``data/examples/`` (one institution's files each), all loaded into one memory store. A second
institution derived from the minimal one, naming the same vendor IRI, proves that a shared vendor
is one node linked to both institutions' systems.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from mapper.analysis import analyse
from mapper.catalogue.install import install_catalogue
from mapper.catalogue.ontology import catalogue_graph
from mapper.catalogue.records import read_catalogue
from mapper.layout import project_layout
from mapper.load import catalogue_terms_from, load_submission
from mapper.rq import query_text
from mapper.store import open_store
from mapper.trace import (
    build_trace,
    explain_gap,
    gap_nodes,
    most_missing,
    read_facts,
    read_statements,
    subgraph_for,
    to_cytoscape_json,
    trace_store,
    vendor_dependents,
)

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "data" / "examples"
MINIMAL = EXAMPLES / "minimal-submission.ttl"
AS_OF = dt.date(2026, 11, 25)
RDF_SUFFIXES = {".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf"}
SHARED_VENDOR = "https://bank.example/fscai/cloud-vendor"
SECOND_UBN = "24681358"


@functools.cache
def example_submissions() -> tuple[tuple[Path, ...], ...]:
    """The minimal submission, then each example directory's files as one submission (listed once
    per test session, so every test sees the same set)."""
    submissions = [(MINIMAL,)]
    for directory in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        files = tuple(sorted(p for p in directory.iterdir() if p.suffix in RDF_SUFFIXES))
        if files:
            submissions.append(files)
    return tuple(submissions)


@functools.cache
def _catalogue():
    layout = project_layout(REPO)
    return layout, read_catalogue(catalogue_graph(layout))


def analyse_submissions(submissions) -> tuple:
    """Load each submission into one memory store and analyse it: (store, analyses)."""
    layout, catalogue = _catalogue()
    store = open_store("memory:")
    install_catalogue(store, layout)
    terms = catalogue_terms_from(store)
    graphs = [load_submission(store, files, catalogue_terms=terms).graph_iri for files in submissions]
    assert len(set(graphs)) == len(graphs), "two example submissions share a UBN and date"
    return store, tuple(analyse(store, g, as_of=AS_OF, layout=layout, catalogue=catalogue, install=False)
                        for g in graphs)


@functools.cache
def example_analyses() -> tuple:
    """(store, analyses) of every example submission; shared with tests/test_report.py."""
    return analyse_submissions(example_submissions())


def second_institution(directory: Path) -> Path:
    """The minimal submission, re-issued by another bank that names the same vendor IRI."""
    text = MINIMAL.read_text(encoding="utf-8")
    replacements = [("ex:cloud-vendor", f"<{SHARED_VENDOR}>"),
                    ("<https://bank.example/fscai/>", "<https://second-bank.example/fscai/>"),
                    ('"12345675"', f'"{SECOND_UBN}"'), ("範例商業銀行", "範例第二商業銀行"),
                    ("Example Commercial Bank", "Second Example Commercial Bank")]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = directory / "second-bank.ttl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def examples():
    store, analyses = example_analyses()
    return store, analyses, trace_store(store, analyses)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    store, analyses = analyse_submissions([(MINIMAL,), (second_institution(tmp_path_factory.mktemp("second")),)])
    return store, analyses, trace_store(store, analyses)


def test_examples_found_and_analysed(examples):
    _, analyses, trace = examples
    assert len(analyses) == len(example_submissions()) >= 1
    assert all(a.gaps for a in analyses), "every example has gaps to trace"
    institutions = [n for n, kind in trace.nodes(data="kind") if kind == "institution"]
    assert sorted(institutions) == sorted(a.institution for a in analyses)


def test_every_gap_is_one_node(examples):
    _, analyses, trace = examples
    expected = {g.id: (a.institution, g) for a in analyses for g in a.gaps}
    assert len(expected) == sum(len(a.gaps) for a in analyses), "gap ids are unique"
    assert set(gap_nodes(trace)) == set(expected)
    for node, (institution, gap) in expected.items():
        data = trace.nodes[node]
        assert data["kind"] == "gap" and data["gap_kind"] == gap.kind.code
        assert (data["measure"], data["subject"], data["institution"]) == (gap.measure.iri, gap.subject, institution)
        assert trace.edges[gap.subject, node]["rel"] == "hasGap"


def test_explain_gap_walks_principle_section_measure_subject_gap(examples):
    _, analyses, trace = examples
    for analysis in analyses:
        for gap in analysis.gaps:
            path = explain_gap(trace, gap.id)
            kinds = [step.kind for step in path]
            assert kinds[0] in ("principle", "chapter") and kinds[-1] == "gap", kinds
            assert kinds[1:-1] == (["section", "measure", gap.subject_kind] if gap.section
                                   else ["measure", gap.subject_kind])
            chapter, *_, measure, subject, last = path
            assert (chapter.id, chapter.notation) == (gap.chapter.iri, gap.chapter.notation)
            if gap.section:
                assert path[1].id == gap.section.iri
            assert (measure.id, measure.notation, measure.label) == (gap.measure.iri, gap.measure.notation,
                                                                     gap.measure.label)
            assert (subject.id, subject.label) == (gap.subject, gap.subject_label)
            for before, after in zip(path, path[1:]):
                assert trace.edges[before.id, after.id]["rel"] == after.rel
            assert subject.rel == "appliesTo" and subject.why == gap.why
            assert last.why == gap.why and last.missing == gap.missing
            assert last.missing.zh and last.missing.en and last.why.zh and last.why.en


def test_explain_gap_refuses_other_nodes(examples):
    _, analyses, trace = examples
    with pytest.raises(KeyError):
        explain_gap(trace, analyses[0].gaps[0].measure.iri)
    with pytest.raises(KeyError):
        explain_gap(trace, "urn:fscai:gap:none")


def test_catalogue_tree_and_subjects(examples):
    _, analyses, trace = examples
    catalogue = analyses[0].catalogue
    for measure in catalogue.measures:
        parent = measure.section.iri if measure.section else measure.chapter.iri
        assert trace.edges[parent, measure.iri]["rel"] == "hasMeasure"
    for analysis in analyses:
        for verdict in analysis.classification.verdicts:
            if verdict.verdict == "applies":
                edge = trace.edges[verdict.measure, verdict.subject]
                assert edge["rel"] == "appliesTo" and analysis.institution in edge["institutions"]
            elif verdict.verdict == "does-not-apply":
                assert not trace.has_edge(verdict.measure, verdict.subject) or \
                    trace.edges[verdict.measure, verdict.subject]["rel"] == "appliesTo"  # applies elsewhere
        for tier in analysis.classification.tiers:
            assert trace.nodes[tier.system]["kind"] == "system"
            assert trace.edges[analysis.institution, tier.system]["rel"] == "operates"


def test_statements_bring_their_evidence(examples):
    store, analyses, trace = examples
    seen = 0
    for analysis in analyses:
        for statement in read_statements(store, analysis.submission_graph):
            for evidence in statement.evidence:
                edge = trace.edges[statement.subject, evidence.iri]
                assert edge["rel"] == "evidencedBy" and statement.measure in edge["measures"]
                assert trace.nodes[evidence.iri]["kind"] == "evidence"
                assert trace.nodes[evidence.iri]["label_zh"] == evidence.label.zh
                seen += 1
    assert seen >= 3  # the minimal submission alone has three pieces of statement evidence


def test_read_statements_agrees_with_statements_rq(examples):
    store, analyses, _ = examples
    for analysis in analyses:
        rows = store.select(query_text("statements"), default_graphs=[analysis.submission_graph])
        expected = {(str(r["statement"]), str(r["measure"]), str(r["subject"]), str(r.get("status") or ""),
                     str(r.get("evidence") or "")) for r in rows}
        got = {(s.iri, s.measure, s.subject, s.status or "", e.iri if e else "")
               for s in read_statements(store, analysis.submission_graph) for e in s.evidence or (None,)}
        assert got == expected


def test_overdue_evidence_is_linked_from_its_gap(examples):
    _, analyses, trace = examples
    overdue = [(a, g) for a in analyses for g in a.gaps if g.evidence]
    assert overdue, "the examples have evidence past its review date at 2026-11-25"
    for analysis, gap in overdue:
        assert trace.edges[gap.id, gap.evidence]["rel"] == "overdueEvidence"


def test_shared_vendor_is_one_node_linked_to_both_institutions(pair):
    _, analyses, trace = pair
    assert [trace.nodes[n]["kind"] for n in trace if n == SHARED_VENDOR] == ["vendor"]
    assert trace.nodes[SHARED_VENDOR]["institutions"] == tuple(sorted(a.institution for a in analyses))
    dependents = vendor_dependents(trace, SHARED_VENDOR)
    systems = {s.system.id for s in dependents.systems}
    assert systems == {"https://bank.example/fscai/assistant", "https://second-bank.example/fscai/assistant"}
    assert {i.id for i in dependents.institutions} == {a.institution for a in analyses}
    for system in dependents.systems:
        assert system.institution.id in {a.institution for a in analyses}
        applying = {m for m in trace.predecessors(system.system.id)
                    if trace.edges[m, system.system.id]["rel"] == "appliesTo"}
        assert {m.id for m in system.measures} == applying and applying
        assert system.gaps == sum(1 for a in analyses for g in a.gaps if g.subject == system.system.id)
    assert {m.id for m in dependents.measures} == {m.id for s in dependents.systems for m in s.measures}
    assert {m.notation for m in dependents.vendor_measures} >= {"G.5.1", "G.5.2"}
    # each institution has its own gaps on the shared vendor
    assert dependents.vendor_gaps == sum(1 for a in analyses for g in a.gaps if g.subject == SHARED_VENDOR)
    assert len({trace.nodes[n]["institution"] for n in trace.successors(SHARED_VENDOR)
                if trace.nodes[n]["kind"] == "gap"}) == 2


def test_vendor_dependents_in_the_examples(examples):
    store, analyses, trace = examples
    users: dict[str, set] = {}
    owners: dict[str, str] = {}
    for analysis in analyses:
        facts = read_facts(store, analysis.submission_graph)
        owners.update({s: analysis.institution for s in facts.systems})
        for system, vendor in facts.vendor_links:
            users.setdefault(vendor, set()).add(system)
    assert users, "the examples use vendors"
    for vendor, systems in users.items():
        dependents = vendor_dependents(trace, vendor)
        assert {s.system.id for s in dependents.systems} == systems
        assert {s.institution.id for s in dependents.systems} == {owners[s] for s in systems}
        assert {owners[s] for s in systems} <= {i.id for i in dependents.institutions}
    with pytest.raises(KeyError):
        vendor_dependents(trace, analyses[0].institution)


def test_most_missing_counts_match_the_gaps(examples):
    _, analyses, trace = examples
    by_measure = Counter(g.measure.iri for a in analyses for g in a.gaps)
    by_kind = Counter((g.measure.iri, g.kind.code) for a in analyses for g in a.gaps)
    ranking = most_missing(trace, top=len(by_measure))
    assert len(ranking) == len(by_measure)
    assert sum(r.total for r in ranking) == sum(len(a.gaps) for a in analyses)
    for row in ranking:
        assert row.total == by_measure[row.measure.id] == sum(n for _, n in row.by_kind)
        assert dict(row.by_kind) == {k: n for (m, k), n in by_kind.items() if m == row.measure.id}
        assert row.subjects == len({g.subject for a in analyses for g in a.gaps if g.measure.iri == row.measure.id})
    totals = [r.total for r in ranking]
    assert totals == sorted(totals, reverse=True)
    assert most_missing(trace) == ranking[:10]
    assert len(most_missing(trace, top=3)) == min(3, len(ranking))


def test_subgraph_for_a_system_and_a_measure(examples):
    _, analyses, trace = examples
    system = analyses[0].classification.tiers[0].system
    near = subgraph_for(trace, system, depth=1)
    assert system in near
    assert set(nx.all_neighbors(trace, system)) == set(near) - {system}
    wider = subgraph_for(trace, system, depth=2)
    assert set(near) < set(wider)
    assert any(wider.nodes[n]["kind"] == "section" for n in wider)
    measure = analyses[0].gaps[-1].measure.iri
    around = subgraph_for(trace, measure)
    assert trace.nodes[measure]["chapter"] in around
    with pytest.raises(KeyError):
        subgraph_for(trace, "https://nowhere.example/x")


def test_cytoscape_elements(examples):
    _, analyses, trace = examples
    elements = json.loads(json.dumps(to_cytoscape_json(trace), ensure_ascii=False))
    nodes = [e["data"] for e in elements if e["group"] == "nodes"]
    edges = [e["data"] for e in elements if e["group"] == "edges"]
    assert len(nodes) == trace.number_of_nodes() and len(edges) == trace.number_of_edges()
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes)
    for node in nodes:
        assert node["kind"] and node["label_zh"] and node["label_en"]
    for edge in edges:
        assert edge["source"] in ids and edge["target"] in ids and edge["rel"]
        assert edge["id"] not in ids
    gap = next(n for n in nodes if n["kind"] == "gap")
    assert gap["why_zh"] and gap["why_en"] and gap["missing_zh"] and gap["missing_en"]


def test_trace_without_store_facts_still_traces_gaps(examples):
    _, analyses, _ = examples
    trace = build_trace(analyses)
    assert not [n for n, kind in trace.nodes(data="kind") if kind == "evidence" and not any(
        trace.edges[p, n]["rel"] == "overdueEvidence" for p in trace.predecessors(n))]
    gap = analyses[0].gaps[0]
    assert explain_gap(trace, gap.id)[-1].missing == gap.missing
