"""The trace: principle → section → measure → subject → evidence | gap, as a networkx graph.

One :class:`networkx.DiGraph` over one or many analysed submissions. Node ids are IRIs (a gap
node's id is :attr:`mapper.gaps.Gap.id`); every node has ``kind`` (``principle``, ``chapter``, ``section``,
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

import networkx as nx  # noqa: F401 (doctest)

from mapper.trace.build import build_trace, trace_store
from mapper.trace.facts import EvidenceRecord, StatementRecord, SubmissionFacts, read_facts, read_statements
from mapper.trace.questions import (
                                    LAYERS,
                                    DependentSystem,
                                    MeasureGaps,
                                    TraceNode,
                                    VendorDependents,
                                    explain_gap,
                                    gap_nodes,
                                    group_of,
                                    layer_of,
                                    most_missing,
                                    subgraph_for,
                                    to_cytoscape_json,
                                    trace_node,
                                    vendor_dependents,
)

__all__ = ["LAYERS", "DependentSystem", "EvidenceRecord", "MeasureGaps", "StatementRecord", "SubmissionFacts", "TraceNode",
           "VendorDependents", "build_trace", "explain_gap", "gap_nodes", "group_of", "layer_of", "most_missing",
           "read_facts", "read_statements", "subgraph_for", "to_cytoscape_json", "trace_node", "trace_store", "vendor_dependents"]
