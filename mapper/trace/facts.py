"""What the trace reads from the store beside the analysis: statements, evidence, systems, vendors.

The analysis records hold no store, so what the trace needs beyond them is read here, per
submission graph, by the engine's ``trace-statements.rq`` and ``trace-vendors.rq``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from mapper.labels import Label, local_name
from mapper.namespaces import FSC
from mapper.rq import query_text
from mapper.store import Store


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

    @cached_property
    def by_pair(self) -> dict[tuple[str, str], list[StatementRecord]]:
        """(measure, subject) → the statements about it, grouped once per facts (a page of a
        500-system institution grouped them once per subject: bench/README)."""
        found: dict[tuple[str, str], list[StatementRecord]] = {}
        for statement in self.statements:
            found.setdefault((statement.measure, statement.subject), []).append(statement)
        return found


def _opt(term) -> str | None:
    return None if term is None else str(term)


def _label(zh, en, fallback: str) -> Label:
    zh, en = _opt(zh), _opt(en)
    return Label(zh or en or fallback, en or zh or fallback)




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
            iri=ev, label=_label(row.get("titleZh"), row.get("titleEn"), local_name(ev)),
            issued=_opt(row.get("issued")), next_review=_opt(row.get("review")), owner=owner,
            owner_label=_label(row.get("ownerZh"), row.get("ownerEn"), local_name(owner)) if owner else None,
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
