"""Subject records: an institution, an AI system, a vendor, a piece of evidence, and the gap list."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict

from flask import url_for
from rdflib import Literal

from mapper.analysis import Analysis
from mapper.catalogue.records import Ref, sort_key
from mapper.namespaces import FSC
from mapper.report.rows import gap_rows, tier_rows
from mapper.trace import vendor_dependents
from web.analyses import latest_analyses
from web.facts import current_trace, properties, select_about, submission_facts, valid_iri
from web.records.catalogue import subject_kinds
from web.records.common import (
    NotFound,
    analyses_for,
    conformance_record,
    gap_record,
    institution_ref,
    institution_summary,
    lab,
    measure_ref,
    statements_by_pair,
    subject_ref,
    term,
    verdict_label,
)

DCT = "http://purl.org/dc/terms/"
#: A gap kind with more gaps than this is shown as counts per subject (the API lists them all).
GAP_LIST_LIMIT = 60
TRAITS = ("generativeAI", "openGenerativeAI", "criticalSystem", "amlOrFraudUse", "customerFacing",
          "personalDataUse", "vendorProvided")


def _text(values) -> dict | None:
    """A zh-Hant / en pair from language-tagged literals (either side falls back to the other)."""
    by_lang = {}
    for value in values or ():
        if isinstance(value, Literal):
            by_lang.setdefault((value.language or "").lower(), str(value))
    zh = by_lang.get("zh-hant") or by_lang.get("zh") or by_lang.get("")
    en = by_lang.get("en")
    return None if not (zh or en) else {"zh": zh or en, "en": en or zh}


def _first(props: dict, prop: str) -> str | None:
    values = props.get(prop)
    return str(values[0]) if values else None


def _terms(props: dict, prop: str, analysis: Analysis) -> list[dict]:
    return [term(str(v), analysis) for v in props.get(prop, ())]


def _owner(iri: str, found) -> tuple[Analysis, dict]:
    """The newest submission that says something about ``iri`` and passes ``found(analysis, props)``."""
    if not valid_iri(iri):
        raise NotFound(f"not an IRI: {iri!r}")
    for analysis in latest_analyses():
        if found(analysis):
            return analysis, properties(iri, analysis)
    raise NotFound(f"nothing known about <{iri}>")


# --- institution -----------------------------------------------------------------------------


def _gaps_by_kind(analysis: Analysis, ubn: str) -> list[dict]:
    """The gaps grouped by kind; a kind with more than GAP_LIST_LIMIT is counted per subject."""
    grouped: dict[str, list] = defaultdict(list)
    for gap in analysis.gaps:
        grouped[gap.kind.code].append(gap)
    found = []
    for code, gaps in sorted(grouped.items(), key=lambda kv: kv[1][0].kind.order):
        kind = gaps[0].kind
        entry = {"kind": code, "label": lab(kind.label), "missing": lab(kind.missing), "count": len(gaps),
                 "by_subject_kind": dict(Counter(g.subject_kind for g in gaps)),
                 "list_url": url_for("api.gaps", institution=ubn, kind=code), "gaps": [], "by_subject": []}
        if len(gaps) <= GAP_LIST_LIMIT:
            entry["gaps"] = [gap_record(g, analysis) for g in gaps]
        else:
            per_subject = Counter((g.subject, g.subject_kind) for g in gaps)
            entry["by_subject"] = [{**subject_ref(iri, kind_, analysis), "count": n}
                                   for (iri, kind_), n in per_subject.most_common()]
        found.append(entry)
    return found


def institution(ubn: str) -> dict:
    analysis = analyses_for(ubn)[0]
    facts = submission_facts(analysis)
    props = properties(analysis.institution, analysis)
    gaps_by_subject = Counter(g.subject for g in analysis.gaps)
    undetermined = Counter(v.subject for v in analysis.undetermined)
    vendors_of = defaultdict(list)
    for system, vendor in facts.vendor_links:
        vendors_of[system].append(vendor)
    systems = [{
        **subject_ref(row.system, "system", analysis), "declared": lab(row.declared), "derived": lab(row.derived),
        "agrees": row.agrees, "score": row.score, "gaps": gaps_by_subject.get(row.system, 0),
        "undetermined": undetermined.get(row.system, 0),
        "vendors": [subject_ref(v, "vendor", analysis) for v in sorted(vendors_of[row.system])],
    } for row in tier_rows(analysis)]
    users = Counter(v for _, v in facts.vendor_links)
    vendors = [{**subject_ref(v, "vendor", analysis), "systems": users.get(v, 0), "gaps": gaps_by_subject.get(v, 0)}
               for v in facts.vendors]
    return {**institution_summary(analysis), "type": _terms(props, str(FSC.institutionType), analysis),
            "governance": _terms(props, str(FSC.governanceRole), analysis),
            "policies": [{**term(str(p), analysis), "url": url_for("pages.evidence", iri=str(p))}
                         for p in props.get(str(FSC.policy), ())],
            "training": _terms(props, str(FSC.training), analysis),
            "system_list": systems, "vendor_list": vendors, "gaps_by_kind": _gaps_by_kind(analysis, ubn),
            "institution_gaps": gaps_by_subject.get(analysis.institution, 0),
            "trace_url": url_for("pages.trace", iri=analysis.institution)}


# --- AI system -------------------------------------------------------------------------------


def system(iri: str) -> dict:
    analysis, props = _owner(iri, lambda a: any(t.system == iri for t in a.classification.tiers))
    labels = analysis.classification.labels
    tier = next(r for r in tier_rows(analysis) if r.system == iri)
    factors = [{"factor": term(str(row["factor"]), analysis), "notation": str(row.get("notation") or ""),
                "level": term(row.get("level") and str(row["level"]), analysis),
                "assessed_on": row.get("assessedOn") and str(row["assessedOn"]),
                "assessed_by": term(row.get("assessedBy") and str(row["assessedBy"]), analysis)}
               for row in select_about("system-factors", iri, analysis)]
    statements = statements_by_pair(analysis)
    gaps = [g for g in analysis.gaps if g.subject == iri]
    measures = {m.iri: m for m in analysis.catalogue.assessables}
    applicable, undetermined = [], []
    for verdict in analysis.classification.verdicts_for(iri):
        measure = measures.get(verdict.measure)
        if measure is None or verdict.verdict == "does-not-apply":
            continue
        record = {"measure": measure_ref(Ref(measure.iri, measure.notation, measure.label)),
                  "stage": lab(measure.stage.label) if measure.stage else None,
                  "verdict": verdict.verdict, "verdict_label": verdict_label(verdict.verdict), "why": lab(verdict.why)}
        if verdict.verdict == "undetermined":
            record["missing_inputs"] = [{"iri": i, "label": lab(labels(i))} for i in verdict.missing_inputs]
            undetermined.append(record)
            continue
        record["statements"] = [conformance_record(s, analysis) for s in statements.get((measure.iri, iri), [])]
        record["gaps"] = [{"kind": g.kind.code, "kind_label": lab(g.kind.label)} for g in gaps
                          if g.measure.iri == measure.iri]
        applicable.append(record)
    key = lambda r: sort_key(r["measure"]["notation"])  # noqa: E731
    traits = {name: {"label": lab(labels(str(FSC[name]))), "value": props[str(FSC[name])][0].toPython()}
              for name in TRAITS if str(FSC[name]) in props}
    return {
        **subject_ref(iri, "system", analysis), "institution": institution_ref(analysis),
        "purpose": _text(props.get(str(FSC.purpose))),
        "stage_reached": term(_first(props, str(FSC.stageReached)), analysis),
        "oversight": _terms(props, str(FSC.oversightMode), analysis), "traits": traits, "factors": factors,
        "tier": {"declared": lab(tier.declared), "derived": lab(tier.derived), "effective": lab(tier.effective),
                 "score": tier.score, "agrees": tier.agrees, "explanation": lab(tier.explanation),
                 "missing_factors": [lab(f) for f in tier.missing_factors]},
        "vendors": [subject_ref(str(v), "vendor", analysis) for v in props.get(str(FSC.usesVendor), ())],
        "measures": sorted(applicable, key=key), "undetermined": sorted(undetermined, key=key),
        "gaps": [gap_record(g, analysis) for g in gaps], "trace_url": url_for("pages.trace", iri=iri),
    }


# --- vendor ----------------------------------------------------------------------------------


def _oversight(iri: str, analysis: Analysis) -> dict:
    labels = analysis.classification.labels
    rows = []
    for row in select_about("vendor-oversight", iri, analysis):
        value = str(row["value"])
        is_evidence = row.get("isEvidence") is not None
        evidence = row.get("assessmentEvidence")
        rows.append({
            "property": term(str(row["p"]), analysis), "value": lab(labels(value)), "iri": value,
            "url": url_for("pages.evidence", iri=value) if is_evidence else None,
            "assessed_on": row.get("assessedOn") and str(row["assessedOn"]),
            "level": term(row.get("level") and str(row["level"]), analysis),
            "conclusion": _text([c for c in (row.get("conclusionZh"), row.get("conclusionEn")) if c is not None]),
            "evidence": {"iri": str(evidence), "label": lab(labels(str(evidence))),
                         "url": url_for("pages.evidence", iri=str(evidence))} if evidence is not None else None,
        })
    rows.sort(key=lambda r: (r["property"]["label"]["en"], r["iri"]))
    services = [str(s) for s in properties(iri, analysis).get(str(FSC.service), ())]
    return {"institution": institution_ref(analysis), "services": sorted(services), "oversight": rows,
            "gaps": [gap_record(g, analysis) for g in analysis.gaps if g.subject == iri]}


def vendor(iri: str) -> dict:
    if not valid_iri(iri):
        raise NotFound(f"not an IRI: {iri!r}")
    analyses = latest_analyses()
    try:
        dependents = vendor_dependents(current_trace(analyses), iri)
    except KeyError:
        raise NotFound(f"no vendor <{iri}>") from None
    by_iri = {a.institution: a for a in analyses}
    systems = []
    for dep in dependents.systems:
        owner = by_iri.get(dep.institution.id) if dep.institution else None
        systems.append({"iri": dep.system.id, "label": lab(dep.system.label),
                        "url": url_for("pages.system", iri=dep.system.id),
                        "institution": institution_ref(owner) if owner else None, "gaps": dep.gaps,
                        "measures": len(dep.measures)})
    engaged = [a for a in analyses if iri in submission_facts(a).vendors]
    return {
        "iri": iri, "kind": "vendor", "label": lab(dependents.vendor.label), "url": url_for("pages.vendor", iri=iri),
        "systems": systems, "institutions": [institution_ref(by_iri[i.id]) for i in dependents.institutions
                                             if i.id in by_iri],
        "measures": [measure_ref(Ref(m.id, m.notation or "", m.label)) for m in dependents.measures],
        "vendor_measures": [measure_ref(Ref(m.id, m.notation or "", m.label)) for m in dependents.vendor_measures],
        "vendor_gaps": dependents.vendor_gaps, "by_institution": [_oversight(iri, a) for a in engaged],
        "trace_url": url_for("pages.trace", iri=iri),
    }


# --- evidence --------------------------------------------------------------------------------


def _is_document(analysis: Analysis, iri: str) -> bool:
    props = properties(iri, analysis)
    types = {str(t) for t in props.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ())}
    return bool(str(FSC.Evidence) in types or DCT + "title" in props or str(FSC.evidenceKind) in props)


def evidence(iri: str) -> dict:
    analysis, props = _owner(iri, lambda a: _is_document(a, iri))
    labels = analysis.classification.labels
    review = _first(props, str(FSC.nextReviewDate))
    kinds = subject_kinds(analysis)
    measures = {m.iri: m for m in analysis.catalogue.assessables}
    statements, others, seen = [], [], set()
    # in an order of the code's, not the engine's: the first row of a citer is the one kept
    rows = sorted(select_about("evidence-citations", iri, analysis),
                  key=lambda r: tuple(str(r.get(k) or "") for k in ("citer", "measure", "subject", "status", "p", "type")))
    for row in rows:
        citer = str(row["citer"])
        if citer in seen:
            continue
        seen.add(citer)
        measure = measures.get(str(row.get("measure")))
        if measure is not None:
            subject = str(row["subject"])
            statements.append({"iri": citer, "measure": measure_ref(Ref(measure.iri, measure.notation, measure.label)),
                               "subject": subject_ref(subject, kinds.get(subject, "subject"), analysis),
                               "status": term(row.get("status") and str(row["status"]), analysis)})
        else:
            kind = kinds.get(citer)
            others.append({"iri": citer, "label": lab(labels(citer)), "property": term(str(row["p"]), analysis),
                           "type": term(row.get("type") and str(row["type"]), analysis),
                           "url": url_for("pages.institution", ubn=institution_ref(analysis)["ubn"])
                           if kind == "institution" else (url_for(f"pages.{kind}", iri=citer) if kind else None)})
    statements.sort(key=lambda s: (sort_key(s["measure"]["notation"]), s["subject"]["iri"]))
    others.sort(key=lambda o: (o["iri"], o["property"]["iri"] if o["property"] else ""))
    title = _text(props.get(DCT + "title")) or lab(labels(iri))
    return {
        "iri": iri, "kind": "evidence", "label": title, "title": title, "url": url_for("pages.evidence", iri=iri),
        "institution": institution_ref(analysis),
        "evidence_kind": term(_first(props, str(FSC.evidenceKind)), analysis),
        "owner": term(_first(props, str(FSC.owner)), analysis), "issued": _first(props, DCT + "issued"),
        "next_review": review, "as_of": analysis.as_of.isoformat(),
        "overdue": bool(review and review < analysis.as_of.isoformat()),
        "link": _first(props, "https://schema.org/url") or _first(props, "http://www.w3.org/ns/dcat#downloadURL"),
        "sha256": _first(props, str(FSC.sha256)), "statements": statements, "cited_by": others,
        "gaps": [gap_record(g, analysis) for g in analysis.gaps if g.evidence == iri],
    }


# --- gaps ------------------------------------------------------------------------------------


def gap_list(ubn: str | None, kind: str | None = None) -> list[dict]:
    """Every gap of one institution (or all), of one kind (or all), flat, as the reports write them."""
    return [asdict(row) for analysis in analyses_for(ubn) for row in gap_rows(analysis)
            if kind in (None, row.gap_kind)]

