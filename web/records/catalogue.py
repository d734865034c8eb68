"""Catalogue records: the tree, a principle, a section, a measure and where it applies."""

from __future__ import annotations

from collections import Counter

from flask import url_for

from mapper.analysis import Analysis
from mapper.catalogue.records import Ref, Statement
from mapper.namespaces import FSC
from web.analyses import catalogue, latest_analyses
from web.downloads import table_of
from web.facts import submission_facts
from web.listing import Filter, Spec, show
from web.records.common import (
    NotFound,
    analyses_for,
    conformance_record,
    gap_record,
    institution_ref,
    kind_label,
    lab,
    ref,
    statements_by_pair,
    subject_ref,
    ubn_of,
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
    """Each measure's gap records over every newest analysis (from their per-measure tallies)."""
    counts: Counter = Counter()
    for analysis in latest_analyses():
        for iri, n in analysis.by_measure.items():
            counts[iri] += n.gap_records
    return counts


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


def applications(measure_iri: str, analysis: Analysis) -> tuple[list[tuple], int]:
    """Where one measure applies (or cannot be decided) in one submission, as list items
    (analysis, verdict, subject kinds, its gaps); and how many subjects it does not apply to."""
    kinds = subject_kinds(analysis)
    gaps: dict[str, list] = {}
    for g in analysis.gaps:
        if g.measure.iri == measure_iri:
            gaps.setdefault(g.subject, []).append(g)
    found, not_applying = [], 0
    for verdict in analysis.classification.verdicts:
        if verdict.measure != measure_iri:
            continue
        if verdict.verdict == "does-not-apply":
            not_applying += 1
            continue
        found.append((analysis, verdict, kinds.get(verdict.subject, "subject"), gaps.get(verdict.subject, [])))
    return found, not_applying


def application_record(item: tuple) -> dict:
    """One subject a measure applies to (or may): its verdict, statements, evidence and gaps."""
    analysis, verdict, kind, gaps = item
    labels = analysis.classification.labels
    statements = statements_by_pair(analysis).get((verdict.measure, verdict.subject), [])
    return {
        "institution": institution_ref(analysis), "subject": subject_ref(verdict.subject, kind, analysis),
        "verdict": verdict.verdict, "verdict_label": verdict_label(verdict.verdict), "why": lab(verdict.why),
        "missing_inputs": [{"iri": i, "label": lab(labels(i))} for i in verdict.missing_inputs],
        "statements": [conformance_record(s, analysis) for s in statements],
        "gaps": [gap_record(g, analysis) for g in gaps],
    }


def _application_spec(notation: str) -> Spec:
    columns = [("ubn", lambda i: ubn_of(i[0])), ("institution", lambda i: lab(i[0].institution_label)),
               ("subject", lambda i: i[1].subject), ("subject_kind", lambda i: i[2]),
               ("subject_label", lambda i: lab(i[0].classification.labels(i[1].subject))),
               ("verdict", lambda i: i[1].verdict), ("why", lambda i: lab(i[1].why)),
               ("gaps", lambda i: " ".join(g.kind.code for g in i[3]))]
    return Spec(name=f"measure-{notation}-subjects", per=25, table=lambda items: table_of(items, columns),
                sorts={"institution": lambda i: ubn_of(i[0]), "subject": lambda i: (i[2] != "institution", i[1].subject),
                       "verdict": lambda i: i[1].verdict, "gaps": lambda i: len(i[3])},
                filters={"institution": Filter(lambda i: ubn_of(i[0]), lambda i: lab(i[0].institution_label)),
                         "verdict": Filter(lambda i: i[1].verdict, lambda i: verdict_label(i[1].verdict)),
                         "subject_kind": Filter(lambda i: i[2], lambda i: kind_label(i[2]))})


def measure(notation: str, ubn: str | None = None) -> dict:
    """A measure, and the subjects it applies to (of one institution with ``institution=UBN``),
    listed as the URL asks; the counts are of every subject in scope, whatever the filters."""
    found = next((m for m in catalogue().assessables if m.notation == notation), None)
    if found is None:
        raise NotFound(f"no measure {notation}")
    items, not_applying = [], 0
    for analysis in analyses_for(ubn):
        listed, skipped = applications(found.iri, analysis)
        items.extend(listed)
        not_applying += skipped
    items.sort(key=lambda i: (ubn_of(i[0]), i[2] != "institution", i[1].subject))
    listed = show(_application_spec(notation), items, application_record)
    gaps = sum(len(i[3]) for i in items)
    return {**guideline_statement(found), "institution": ubn, "applies_to_list": listed, "applies_to": listed["rows"],
            "applies": sum(1 for i in items if i[1].verdict == "applies"),
            "undetermined": sum(1 for i in items if i[1].verdict == "undetermined"),
            "does_not_apply": not_applying, "gaps": gaps,
            "gaps_url": url_for("pages.gaps", measure=notation, institution=ubn),
            "trace_url": url_for("pages.trace", iri=found.iri)}
