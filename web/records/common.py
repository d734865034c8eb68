"""What every record of the viewer shares: labels, references to catalogue terms, subjects, gaps
and conformance statements as plain JSON-ready dicts, and :class:`NotFound`."""

from __future__ import annotations

from flask import url_for

from mapper.analysis import Analysis
from mapper.catalogue.records import Ref
from mapper.gaps import Gap
from mapper.graphs import institution_of
from mapper.labels import Label
from mapper.report.rows import NO_STAGE, coverage_grid
from web.analyses import analysis_for_institution, catalogue, latest_analyses
from web.facts import submission_facts


def kind_label(kind: str | None) -> dict | None:
    """What the catalogue calls a kind of subject or trace node (``system``, ``gap``, ...)."""
    return None if kind is None else lab(catalogue().vocabulary.kind(kind))


def verdict_label(verdict: str) -> dict:
    """What the catalogue calls a verdict (``applies``, ``does-not-apply``, ``undetermined``)."""
    return lab(catalogue().vocabulary.verdict(verdict))


class NotFound(LookupError):
    """The page's subject is not in the store or the catalogue (a 404)."""


def lab(label: Label | None) -> dict | None:
    return None if label is None else {"zh": label.zh, "en": label.en}


def ref(r: Ref | None, endpoint: str | None = None) -> dict | None:
    if r is None:
        return None
    record = {"iri": r.iri, "notation": r.notation, "label": lab(r.label)}
    if endpoint and r.notation not in ("", "-"):
        record["url"] = url_for(endpoint, notation=r.notation)
    return record


def measure_ref(r: Ref) -> dict:
    return ref(r, "pages.measure")


def analyses_for(ubn: str | None) -> list[Analysis]:
    """One institution's analysis (``NotFound`` if unknown), or every institution's."""
    if not ubn:
        return latest_analyses()
    analysis = analysis_for_institution(ubn)
    if analysis is None:
        raise NotFound(f"no institution with UBN {ubn}")
    return [analysis]


def ubn_of(analysis: Analysis) -> str:
    return institution_of(analysis.submission_graph)


def submitted_on(analysis: Analysis) -> str:
    return analysis.submission_graph.rstrip("/").rsplit("/", 1)[-1]


def institution_ref(analysis: Analysis) -> dict:
    ubn = ubn_of(analysis)
    return {"iri": analysis.institution, "ubn": ubn, "label": lab(analysis.institution_label),
            "url": url_for("pages.institution", ubn=ubn)}


def subject_url(kind: str, iri: str, analysis: Analysis | None = None) -> str | None:
    if kind == "institution" and analysis is not None:
        return url_for("pages.institution", ubn=ubn_of(analysis))
    if kind in ("system", "vendor", "evidence"):
        return url_for(f"pages.{kind}", iri=iri)
    return None


def subject_ref(iri: str, kind: str, analysis: Analysis) -> dict:
    return {"iri": iri, "kind": kind, "kind_label": kind_label(kind),
            "label": lab(analysis.classification.labels(iri)), "url": subject_url(kind, iri, analysis)}


def term(iri: str | None, analysis: Analysis) -> dict | None:
    """A vocabulary or catalogue value (status, tier, level, stage, ...) with its labels."""
    return None if not iri else {"iri": str(iri), "label": lab(analysis.classification.labels(str(iri)))}


def gap_record(gap: Gap, analysis: Analysis) -> dict:
    node = gap.id
    evidence = None
    if gap.evidence:
        evidence = {"iri": gap.evidence, "label": lab(gap.evidence_label),
                    "url": url_for("pages.evidence", iri=gap.evidence)}
    return {
        "id": node, "kind": gap.kind.code, "kind_label": lab(gap.kind.label),
        "measure": measure_ref(gap.measure), "principle": ref(gap.chapter, "pages.principle"),
        "stage": ref(gap.stage or NO_STAGE), "subject": subject_ref(gap.subject, gap.subject_kind, analysis),
        "institution": institution_ref(analysis), "why": lab(gap.why), "missing": lab(gap.missing),
        "statement": gap.statement, "status": term(gap.status, analysis), "evidence": evidence, "date": gap.date,
        "trace_url": url_for("pages.trace", iri=node),
    }


def statements_by_pair(analysis: Analysis) -> dict[tuple[str, str], list]:
    """(measure, subject) → the submission's conformance statements about it (cached with its facts)."""
    return submission_facts(analysis).by_pair


def conformance_record(statement, analysis: Analysis) -> dict:
    return {
        "iri": statement.iri, "status": term(statement.status, analysis), "target_date": statement.target_date,
        "reason": statement.reason, "alternative": statement.alternative,
        "evidence": [{"iri": e.iri, "label": lab(e.label), "next_review": e.next_review,
                      "overdue": bool(e.next_review and e.next_review < analysis.as_of.isoformat()),
                      "url": url_for("pages.evidence", iri=e.iri)} for e in statement.evidence],
    }


def principles() -> list[dict]:
    """The chapters that hold measures (general chapter, principles 1-6), in guideline order."""
    with_measures = {m.chapter.iri for m in catalogue().measures}
    return [ref(Ref(c.iri, c.notation, c.label), "pages.principle") for c in catalogue().chapters
            if c.iri in with_measures]


def institution_summary(analysis: Analysis) -> dict:
    facts = submission_facts(analysis)
    total = coverage_grid(analysis).cell(None, None)
    by_principle = analysis.tally(lambda m: m.chapter.notation)
    return {
        **institution_ref(analysis), "submission_graph": analysis.submission_graph,
        "submitted": submitted_on(analysis), "as_of": analysis.as_of.isoformat(),
        # vendors the systems use, as the regulator's `institutions` query counts them
        "systems": len(analysis.classification.tiers), "vendors": len({vendor for _, vendor in facts.vendor_links}),
        "applicable": total.applicable, "evidenced": total.evidenced, "gaps": total.gaps,
        "gap_records": total.gap_records, "undetermined": len(analysis.undetermined),
        "gaps_by_principle": {p["notation"]: by_principle[p["notation"]].gaps if p["notation"] in by_principle else 0
                              for p in principles()},
        "matrix_url": url_for("pages.matrix", institution=ubn_of(analysis)),
    }
