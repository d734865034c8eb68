"""Catalogue records: the tree, a principle, a section, a measure and where it applies."""

from __future__ import annotations

from collections import Counter

from flask import url_for

from mapper.analysis import Analysis
from mapper.catalogue.records import Ref, Statement
from mapper.namespaces import FSC
from web.analyses import catalogue, latest_analyses
from web.facts import submission_facts
from web.records.common import (
    NotFound,
    conformance_record,
    gap_record,
    institution_ref,
    lab,
    ref,
    statements_by_pair,
    subject_ref,
    verdict_label,
)


def _vocab(iri: str | None) -> dict | None:
    return None if not iri else {"iri": iri, "label": lab(catalogue().vocabulary.label(iri))}


def statement_summary(s: Statement) -> dict:
    record = {"iri": s.iri, "kind": s.kind, "kind_label": lab(catalogue().vocabulary.label(str(FSC[s.kind]))),
              "notation": s.notation,
              "label": lab(s.label), "stage": ref(s.stage), "stage_inferred": s.stage_inferred,
              "modality": _vocab(str(FSC[s.modality]) if s.modality else None), "modal_keyword": s.modal_keyword}
    if s.assessable:  # a measure, or a main concept assessed on its own: both have a page
        record["url"] = url_for("pages.measure", notation=s.notation)
    return record


def guideline_statement(s: Statement) -> dict:
    src = s.source
    return {**statement_summary(s), "chapter": ref(s.chapter, "pages.principle"),
            "section": ref(s.section, "pages.section"), "order": s.order, "section_inferred": s.section_inferred,
            "notes": list(s.notes),
            # beside a measure, the main concepts whose obligation it carries, each with its own modal word
            "main_concepts": [statement_summary(c) for c in catalogue().carriers_of(s.iri)],
            "carried_by": [statement_summary(m) for m in catalogue().assessables if m.iri in s.carried_by],
            "source": {"document": _vocab(src.document), "chapter": _vocab(src.chapter),
                       "section": _vocab(src.section), "stage_column": _vocab(src.stage_column), "part": src.part}}


def _gap_counts() -> Counter:
    return Counter(g.measure.iri for a in latest_analyses() for g in a.gaps)


def _chapter(notation: str):
    chapter = next((c for c in catalogue().chapters if c.notation == notation), None)
    if chapter is None:
        raise NotFound(f"no chapter or principle {notation}")
    return chapter


def _section_record(section: Ref, statements: list[Statement], gaps: Counter) -> dict:
    return {**ref(section, "pages.section"),
            "statements": [{**statement_summary(s), "gaps": gaps.get(s.iri, 0)} for s in statements]}


def chapter_record(chapter, gaps: Counter) -> dict:
    statements = [s for s in catalogue().statements if s.chapter.iri == chapter.iri]
    return {
        **ref(Ref(chapter.iri, chapter.notation, chapter.label), "pages.principle"), "kind": chapter.kind,
        "statements": [{**statement_summary(s), "gaps": gaps.get(s.iri, 0)} for s in statements if s.section is None],
        "sections": [_section_record(sec, [s for s in statements if s.section and s.section.iri == sec.iri], gaps)
                     for sec in chapter.sections],
        "measures": sum(1 for s in statements if s.kind == "Measure"),
    }


def catalogue_tree() -> dict:
    gaps = _gap_counts()
    return {"chapters": [chapter_record(c, gaps) for c in catalogue().chapters], "counts": catalogue().counts()}


def principle(notation: str) -> dict:
    return chapter_record(_chapter(notation), _gap_counts())


def section(notation: str) -> dict:
    for chapter in catalogue().chapters:
        for sec in chapter.sections:
            if sec.notation == notation:
                statements = [s for s in catalogue().statements if s.section and s.section.iri == sec.iri]
                return {**_section_record(sec, statements, _gap_counts()),
                        "chapter": ref(Ref(chapter.iri, chapter.notation, chapter.label), "pages.principle")}
    raise NotFound(f"no section {notation}")


def subject_kinds(analysis: Analysis) -> dict[str, str]:
    """Subject IRI → ``institution``, ``system`` or ``vendor`` in one submission."""
    facts = submission_facts(analysis)
    kinds = {v: "vendor" for v in facts.vendors}
    kinds.update({t.system: "system" for t in analysis.classification.tiers})
    kinds.update({s: "system" for s in facts.systems})
    kinds[analysis.institution] = "institution"
    return kinds


def applications(measure_iri: str, analysis: Analysis) -> tuple[list[dict], int]:
    """Where one measure applies (or cannot be decided) in one submission, with status and gaps;
    and how many subjects it does not apply to."""
    kinds = subject_kinds(analysis)
    statements = statements_by_pair(analysis)
    gaps = [g for g in analysis.gaps if g.measure.iri == measure_iri]
    found, not_applying = [], 0
    for verdict in analysis.classification.verdicts:
        if verdict.measure != measure_iri:
            continue
        if verdict.verdict == "does-not-apply":
            not_applying += 1
            continue
        labels = analysis.classification.labels
        found.append({
            "institution": institution_ref(analysis),
            "subject": subject_ref(verdict.subject, kinds.get(verdict.subject, "subject"), analysis),
            "verdict": verdict.verdict, "verdict_label": verdict_label(verdict.verdict), "why": lab(verdict.why),
            "missing_inputs": [{"iri": i, "label": lab(labels(i))} for i in verdict.missing_inputs],
            "statements": [conformance_record(s, analysis) for s in statements.get((measure_iri, verdict.subject), [])],
            "gaps": [gap_record(g, analysis) for g in gaps if g.subject == verdict.subject],
        })
    return found, not_applying


def measure(notation: str) -> dict:
    found = next((m for m in catalogue().assessables if m.notation == notation), None)
    if found is None:
        raise NotFound(f"no measure {notation}")
    subjects, not_applying = [], 0
    for analysis in latest_analyses():
        listed, skipped = applications(found.iri, analysis)
        subjects.extend(listed)
        not_applying += skipped
    subjects.sort(key=lambda s: (s["institution"]["ubn"], s["subject"]["kind"] != "institution", s["subject"]["iri"]))
    return {**guideline_statement(found), "applies_to": subjects, "does_not_apply": not_applying,
            "gaps": sum(len(s["gaps"]) for s in subjects),
            "trace_url": url_for("pages.trace", iri=found.iri)}

