"""The view model of a report: the rows every format (and the viewer) reads.

Every renderer in :mod:`mapper.report` renders the records built here, so every gap says the same
things in every format: the measure (notation, zh-Hant, English), its principle, section and
stage, the subject, why the measure applies and what is missing, both languages each.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapper.analysis import Analysis, CoverageCell, sum_cells
from mapper.catalogue.records import Ref, sort_key
from mapper.graphs import institution_of
from mapper.labels import Label

NO_STAGE = Ref("-", "-", Label("未分階段", "not in a stage table"))
NOT_GIVEN = Label("—", "—")
TITLE = Label("金融業運用AI指引落實缺口報告", "FSC AI guideline gap report")


@dataclass(frozen=True)
class GapRow:
    """One gap, flat: what a CSV row, a JSON object and a table row say."""

    id: str
    institution: str
    institution_zh: str
    institution_en: str
    ubn: str
    as_of: str
    subject: str
    subject_kind: str
    subject_zh: str
    subject_en: str
    measure: str
    measure_notation: str
    measure_zh: str
    measure_en: str
    modality: str
    modal_keyword: str
    principle: str
    principle_notation: str
    principle_zh: str
    principle_en: str
    section: str
    section_notation: str
    section_zh: str
    section_en: str
    stage: str
    stage_notation: str
    stage_zh: str
    stage_en: str
    gap_kind: str
    gap_kind_zh: str
    gap_kind_en: str
    why_zh: str
    why_en: str
    missing_zh: str
    missing_en: str
    statement: str
    status: str
    status_zh: str
    status_en: str
    evidence: str
    evidence_zh: str
    evidence_en: str
    date: str


@dataclass(frozen=True)
class TierRow:
    system: str
    system_label: Label
    declared: Label
    derived: Label
    effective: Label
    agrees: bool | None
    score: int | None
    explanation: Label
    missing_factors: tuple[Label, ...]


@dataclass(frozen=True)
class UndeterminedRow:
    measure_notation: str
    measure: Label
    subject: str
    subject_label: Label
    why: Label
    missing_inputs: tuple[tuple[str, Label], ...]  # (IRI, label)


def _ref_fields(ref: Ref | None, prefix: str) -> dict[str, str]:
    ref = ref or Ref("", "", Label("", ""))
    return {prefix: ref.iri, f"{prefix}_notation": ref.notation, f"{prefix}_zh": ref.label.zh,
            f"{prefix}_en": ref.label.en}


def gap_rows(analysis: Analysis) -> tuple[GapRow, ...]:
    """Every gap the analysis lists (:attr:`~mapper.analysis.Analysis.listed`: all, unless a
    filter narrows the list; the counts stay the submission's) as a :class:`GapRow`, in its order."""
    labels = analysis.classification.labels
    modality = {m.iri: m.modality or "" for m in analysis.catalogue.assessables}
    keyword = {m.iri: m.modal_keyword or "" for m in analysis.catalogue.assessables}
    ubn = institution_of(analysis.submission_graph)
    rows = []
    for gap in analysis.listed:
        missing = gap.missing
        status = labels(gap.status) if gap.status else Label("", "")
        evidence = gap.evidence_label or Label("", "")
        rows.append(GapRow(
            id=gap.id, institution=analysis.institution,
            institution_zh=analysis.institution_label.zh, institution_en=analysis.institution_label.en, ubn=ubn,
            as_of=analysis.as_of.isoformat(), subject=gap.subject, subject_kind=gap.subject_kind,
            subject_zh=gap.subject_label.zh, subject_en=gap.subject_label.en,
            **_ref_fields(gap.measure, "measure"), modality=modality.get(gap.measure.iri, ""),
            modal_keyword=keyword.get(gap.measure.iri, ""),
            **_ref_fields(gap.chapter, "principle"), **_ref_fields(gap.section, "section"),
            **_ref_fields(gap.stage or NO_STAGE, "stage"),
            gap_kind=gap.kind.code, gap_kind_zh=gap.kind.label.zh, gap_kind_en=gap.kind.label.en,
            why_zh=gap.why.zh, why_en=gap.why.en, missing_zh=missing.zh, missing_en=missing.en,
            statement=gap.statement or "", status=gap.status or "", status_zh=status.zh, status_en=status.en,
            evidence=gap.evidence or "", evidence_zh=evidence.zh, evidence_en=evidence.en, date=gap.date or "",
        ))
    return tuple(rows)


@dataclass(frozen=True)
class GapGroup:
    """The gaps of one kind: the kind's explanation (what such a gap lacks, from the ontology),
    said once for the group, and beside each row only what its own text adds (a target date, an
    evidence document and its review date), so a long list does not repeat one paragraph per gap."""

    kind: str
    label: Label
    explanation: Label
    rows: tuple[GapRow, ...]
    details: tuple[Label, ...]  # one per row: its "what is missing" beyond the explanation ("" if nothing)


def _beyond(text: str, prefix: str) -> str:
    """What ``text`` says after ``prefix`` (all of it when it does not start so).

    >>> _beyond("缺佐證（目標日 2026-09-30）", "缺佐證"), _beyond("other", "缺佐證")
    ('（目標日 2026-09-30）', 'other')
    """
    return text[len(prefix):].strip() if text.startswith(prefix) else text


def gap_groups(analysis: Analysis) -> tuple[GapGroup, ...]:
    """The listed gaps by kind, in the kinds' order (``fsc:order``); a group's rows keep the
    analysis's order (by subject)."""
    kinds, members = {}, {}
    for gap, row in zip(analysis.listed, gap_rows(analysis)):
        kinds.setdefault(gap.kind.code, gap.kind)
        members.setdefault(gap.kind.code, []).append(row)
    groups = []
    for code in sorted(kinds, key=lambda c: (kinds[c].order, c)):
        kind, rows = kinds[code], tuple(members[code])
        details = tuple(Label(_beyond(r.missing_zh, kind.missing.zh), _beyond(r.missing_en, kind.missing.en))
                        for r in rows)
        groups.append(GapGroup(code, kind.label, kind.missing, rows, details))
    return tuple(groups)


def tier_rows(analysis: Analysis) -> tuple[TierRow, ...]:
    """Each AI system's declared and derived tier with the rule's explanation."""
    labels = analysis.classification.labels

    def name(iri: str | None) -> Label:
        return labels(iri) if iri else NOT_GIVEN

    return tuple(TierRow(t.system, t.system_label, name(t.declared), name(t.derived), name(t.effective), t.agrees,
                         t.score, t.explanation or NOT_GIVEN, tuple(labels(f) for f in t.missing_factors))
                 for t in analysis.classification.tiers)


def undetermined_rows(analysis: Analysis) -> tuple[UndeterminedRow, ...]:
    """The verdicts left undetermined, with the inputs the submission lacks."""
    labels = analysis.classification.labels
    measures = {m.iri: m for m in analysis.catalogue.assessables}
    rows = []
    for v in analysis.undetermined:
        m = measures.get(v.measure)
        rows.append(UndeterminedRow(m.notation if m else v.measure, m.label if m else labels(v.measure), v.subject,
                                    labels(v.subject), v.why, tuple((i, labels(i)) for i in v.missing_inputs)))
    return tuple(sorted(rows, key=lambda r: (r.subject, sort_key(r.measure_notation))))


@dataclass(frozen=True)
class Grid:
    """The principle × stage summary: rows are chapters with measures, columns the stages."""

    rows: tuple[Ref, ...]
    columns: tuple[Ref, ...]
    cells: tuple[CoverageCell, ...]

    def cell(self, chapter: str | None, stage: str | None) -> CoverageCell:
        """The sum over the cells matching ``chapter`` and ``stage`` (None: any)."""
        return sum_cells(self.cells, chapter, stage)


def coverage_grid(analysis: Analysis) -> Grid:
    cat = analysis.catalogue
    with_measures = {m.chapter.iri for m in cat.measures}
    rows = tuple(Ref(c.iri, c.notation, c.label) for c in cat.chapters if c.iri in with_measures)
    stages = tuple(Ref(t.iri, t.notation, t.label) for t in cat.terms_of("LifecycleStage"))
    return Grid(rows, stages + (NO_STAGE,), analysis.coverage())


def cell_text(cell: CoverageCell) -> str:
    """``applicable/evidenced/gaps`` (gaps: pairs with a gap, so applicable = evidenced + gaps), or
    ``·`` for an empty cell.

    >>> cell_text(CoverageCell("1", "S1", 8, 2, 6, 7, 0)), cell_text(CoverageCell("1", "S2", 0, 0, 0, 0, 0))
    ('8/2/6', '·')
    """
    if not (cell.applicable or cell.gaps):
        return "·"
    return f"{cell.applicable}/{cell.evidenced}/{cell.gaps}"


def kind_label(analysis: Analysis, kind: str) -> Label:
    """What the catalogue calls a kind of subject (``institution``, ``system``, ``vendor``, ``subject``)."""
    return analysis.catalogue.vocabulary.kind(kind)


def severity_labels(analysis: Analysis) -> dict[str, Label]:
    """The SHACL severities as the catalogue words them, most severe first (empty without a validation)."""
    if analysis.validation is None:
        return {}
    return {s.name: s.label for s in analysis.validation.severities}


def validation_counts(analysis: Analysis) -> dict[str, int] | None:
    """Findings per SHACL severity, or None when the analysis did not validate the submission."""
    if analysis.validation is None:
        return None
    return {severity: analysis.validation.count(severity) for severity in severity_labels(analysis)}


def validation_line(analysis: Analysis) -> str | None:
    """One bilingual line on the validation, or None when the analysis did not validate.

    >>> from rdflib import Graph
    >>> from mapper.catalogue.ontology import catalogue_graph
    >>> from mapper.validate import Validation, severities_of
    >>> from types import SimpleNamespace
    >>> validation = Validation(True, (), Graph(), severities=severities_of(catalogue_graph()))
    >>> print(validation_line(SimpleNamespace(validation=validation)))
    資料驗證（SHACL）：符合，違規 0、警告 0、資訊 0 / validation (SHACL): conforms, 0 violations, 0 warnings, 0 infos
    """
    counts = validation_counts(analysis)
    if counts is None:
        return None
    conforms = analysis.validation.conforms
    labels = severity_labels(analysis)
    zh = "、".join(f"{label.zh} {counts[s]}" for s, label in labels.items())
    en = ", ".join(f"{counts[s]} {label.en}{'s' * (counts[s] != 1)}" for s, label in labels.items())
    return (f"資料驗證（SHACL）：{'符合' if conforms else '不符合'}，{zh} / validation (SHACL): "
            f"{'conforms' if conforms else 'does not conform'}, {en}")


def gap_count_line(analysis: Analysis) -> str:
    """The submission's gap count in both languages: pairs with a gap, and the gap records beside.

    >>> from types import SimpleNamespace
    >>> cell = CoverageCell("*", "*", 10, 7, 3, 4, 0)
    >>> print(gap_count_line(SimpleNamespace(coverage=lambda: (cell,))))
    缺口：3 組（措施、對象）有缺口，缺口紀錄 4 筆 / gaps: 3 (measure, subject) pairs with a gap, 4 gap records
    """
    pairs = sum(c.gaps for c in analysis.coverage())
    records = sum(c.gap_records for c in analysis.coverage())
    return (f"缺口：{pairs} 組（措施、對象）有缺口，缺口紀錄 {records} 筆 / gaps: {pairs} (measure, subject) "
            f"pair{'s' * (pairs != 1)} with a gap, {records} gap record{'s' * (records != 1)}")


def summary_counts(analysis: Analysis) -> dict[str, int]:
    total = coverage_grid(analysis).cell(None, None)
    return {"applicable": total.applicable, "evidenced": total.evidenced, "gaps": total.gaps,
            "gap_records": total.gap_records, "undetermined": len(analysis.undetermined)}
