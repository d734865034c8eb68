"""Gaps: which applicable measure lacks what, for which subject, and why it applies.

The work is ``mapper/queries/gaps.rq`` run through the store seam; this module turns its rows into
:class:`Gap` records enriched with the catalogue (principle, section, stage) and labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mapper.catalogue.records import Catalogue, Ref, sort_key
from mapper.classify import Classification
from mapper.graphs import CATALOGUE_GRAPH, derived_graph
from mapper.labels import KIND_TERMS, Label
from mapper.rq import query_text
from mapper.store import Store

#: A subject's class -> the engine's name for its kind.
SUBJECT_KINDS = {KIND_TERMS[kind]: kind for kind in ("institution", "system", "vendor")}


@dataclass(frozen=True)
class GapKind:
    iri: str
    code: str
    order: int
    label: Label
    missing: Label


@dataclass(frozen=True)
class Gap:
    #: The stored record's IRI, the gap's stable id (the trace's node, a report row's ``id``):
    #: written by ``mapper/queries/gap-records.rq``.
    id: str
    kind: GapKind
    measure: Ref
    chapter: Ref  # the principle, or the general chapter
    section: Ref | None
    stage: Ref | None
    subject: str
    subject_kind: str  # "institution" | "system" | "vendor"
    subject_label: Label
    why: Label
    statement: str | None
    status: str | None
    evidence: str | None
    evidence_label: Label | None
    #: The review or target date after which a date-dependent gap holds (``fsc:overdueAfter``).
    date: str | None

    def holds_on(self, as_of: dt.date) -> bool:
        """Whether the gap holds on the reference date: always, unless it holds only after a date.

        The same rule the regulator's queries write as ``FILTER (!BOUND(?after) || ?after < ?asOf)``.
        """
        return self.date is None or dt.date.fromisoformat(self.date) < as_of

    @property
    def missing(self) -> Label:
        """What is missing, in both languages: the kind's definition plus the specifics."""
        zh, en = self.kind.missing.zh, self.kind.missing.en
        if self.evidence_label and self.date:
            zh += f"（佐證「{self.evidence_label.zh}」下次檢視日 {self.date}）"
            en += f" (evidence \"{self.evidence_label.en}\", next review {self.date})"
        elif self.date:
            zh += f"（目標日 {self.date}）"
            en += f" (target date {self.date})"
        return Label(zh, en)


@dataclass(frozen=True)
class GapFilter:
    """Which gaps a list shows (``fscai gaps --kind/--principle/--subject``): of one of ``kinds``
    (codes, ``NoEvidence``), in one of ``principles`` (chapter notations, ``2``), about one of
    ``subjects`` (IRIs); an empty set keeps any. It narrows a list only: the counts stay the
    submission's (:meth:`mapper.analysis.Analysis.tally` counts every gap).

    >>> GapFilter().keeps(None), GapFilter(kinds=frozenset({"Partial"})).active
    (True, True)
    """

    kinds: frozenset[str] = frozenset()
    principles: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.principles or self.subjects)

    def keeps(self, gap: Gap) -> bool:
        if not self.active:
            return True
        return ((not self.kinds or gap.kind.code in self.kinds)
                and (not self.principles or gap.chapter.notation in self.principles)
                and (not self.subjects or gap.subject in self.subjects))


def read_gap_kinds(store: Store) -> dict[str, GapKind]:
    kinds = {}
    for row in store.select_values(query_text("gap-kinds"), default_graphs=[CATALOGUE_GRAPH]):
        iri = str(row["kind"])
        kinds[iri] = GapKind(iri, iri.rsplit("#", 1)[-1], int(row["order"]),
                             Label(str(row["labelZh"]), str(row["labelEn"])),
                             Label(str(row["missingZh"]), str(row["missingEn"])))
    return kinds


def read_gaps(store: Store, classification: Classification, catalogue: Catalogue) -> tuple[Gap, ...]:
    """Every gap record the analysis stored for one submission, whatever the reference date (see
    :meth:`Gap.holds_on`), ordered by subject, measure notation and kind."""
    graphs = [classification.submission_graph, derived_graph(classification.submission_graph), CATALOGUE_GRAPH]
    kinds = read_gap_kinds(store)
    measures = {m.iri: m for m in catalogue.assessables}
    labels = classification.labels
    gaps = []
    for row in store.select_values(query_text("gaps"), default_graphs=graphs):
        measure = measures.get(str(row["measure"]))
        if measure is None:
            continue  # a rule for a measure the catalogue no longer has; the gates report it
        evidence = _opt(row.get("gapEvidence"))
        gaps.append(Gap(
            id=str(row["gap"]), kind=kinds[str(row["kind"])],
            measure=Ref(measure.iri, measure.notation, measure.label),
            chapter=measure.chapter, section=measure.section, stage=measure.stage,
            subject=str(row["subject"]),
            subject_kind=SUBJECT_KINDS[str(row["subjectKind"])],
            subject_label=labels(row["subject"]),
            why=Label(str(row["whyZh"]), str(row["whyEn"])),
            statement=_opt(row.get("statement")), status=_opt(row.get("status")),
            evidence=evidence, evidence_label=labels(evidence) if evidence else None,
            date=_opt(row.get("date")),
        ))
    # evidence and id break the ties (two pieces of evidence past review on one statement), so the order
    # is the same whatever order the engine gives the rows in
    gaps.sort(key=lambda g: (g.subject_kind != "institution", g.subject, sort_key(g.measure.notation), g.kind.order,
                             g.evidence or "", g.id))
    return tuple(gaps)


def _opt(term) -> str | None:
    return None if term is None else str(term)
