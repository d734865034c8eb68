"""Subject records: an institution, an AI system, a vendor, a piece of evidence, and the gap list."""

from __future__ import annotations

from collections import Counter, defaultdict

from flask import url_for
from rdflib import Literal

from mapper.analysis import Analysis
from mapper.catalogue.records import Ref, sort_key
from mapper.namespaces import FSC
from mapper.report.rows import tier_rows
from mapper.trace import vendor_dependents
from web.analyses import latest_analyses
from web.downloads import table_of
from web.facts import current_trace, properties, select_about, submission_facts, valid_iri
from web.listing import Filter, Spec, show
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
    ubn_of,
    verdict_label,
)
from web.records.gaps import gap_page, items_of

DCT = "http://purl.org/dc/terms/"
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
    """The gap records per kind, each count linking to the gap list it counts (per kind of subject too)."""
    grouped: dict[str, list] = defaultdict(list)
    for gap in analysis.gaps:
        grouped[gap.kind.code].append(gap)
    found = []
    for code, gaps in sorted(grouped.items(), key=lambda kv: kv[1][0].kind.order):
        kind = gaps[0].kind
        per_kind = Counter(g.subject_kind for g in gaps)
        found.append({"kind": code, "label": lab(kind.label), "missing": lab(kind.missing), "count": len(gaps),
                      "by_subject_kind": dict(per_kind),
                      "list_url": url_for("pages.gaps", institution=ubn, kind=code),
                      "subject_kind_urls": {k: url_for("pages.gaps", institution=ubn, kind=code, subject_kind=k)
                                            for k in per_kind}})
    return found


def _system_spec(ubn: str) -> Spec:
    columns = [("system", lambda i: i[0].system), ("label", lambda i: lab(i[0].system_label)),
               ("declared", lambda i: lab(i[0].declared)), ("derived", lambda i: lab(i[0].derived)),
               ("effective", lambda i: lab(i[0].effective)), ("agrees", lambda i: i[0].agrees),
               ("score", lambda i: i[0].score), ("gaps", lambda i: i[2]), ("undetermined", lambda i: i[3]),
               ("vendors", lambda i: " ".join(i[4]))]
    return Spec(name=f"institution-{ubn}-systems", prefix="systems.", per=20, table=lambda items: table_of(items, columns),
                sorts={"name": lambda i: i[0].system_label.zh, "declared": lambda i: i[0].declared.en,
                       "derived": lambda i: i[0].derived.en, "score": lambda i: i[0].score,
                       "gaps": lambda i: i[2], "undetermined": lambda i: i[3]},
                filters={"tier": Filter(lambda i: _local(i[1].effective), lambda i: lab(i[0].effective))})


def _vendor_spec(ubn: str) -> Spec:
    columns = [("vendor", lambda i: i[0]), ("label", lambda i: lab(i[3])), ("systems", lambda i: i[1]),
               ("gaps", lambda i: i[2])]
    return Spec(name=f"institution-{ubn}-vendors", prefix="vendors.", per=20, table=lambda items: table_of(items, columns),
                sorts={"name": lambda i: i[3].zh, "systems": lambda i: i[1], "gaps": lambda i: i[2]})


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else None


def institution(ubn: str) -> dict:
    analysis = analyses_for(ubn)[0]
    facts = submission_facts(analysis)
    props = properties(analysis.institution, analysis)
    gaps_by_subject = Counter(g.subject for g in analysis.gaps)
    undetermined = Counter(v.subject for v in analysis.undetermined)
    vendors_of = defaultdict(list)
    for system, vendor in facts.vendor_links:
        vendors_of[system].append(vendor)
    systems = [(row, tier, gaps_by_subject.get(row.system, 0), undetermined.get(row.system, 0),
                sorted(vendors_of[row.system])) for row, tier in zip(tier_rows(analysis), analysis.classification.tiers)]

    def system_record(item) -> dict:
        row, _, gaps, undecided, vendors = item
        return {**subject_ref(row.system, "system", analysis), "declared": lab(row.declared),
                "derived": lab(row.derived), "agrees": row.agrees, "score": row.score, "gaps": gaps,
                "gaps_url": url_for("pages.gaps", institution=ubn, subject=row.system) if gaps else None,
                "undetermined": undecided, "vendors": [subject_ref(v, "vendor", analysis) for v in vendors]}

    users = Counter(v for _, v in facts.vendor_links)
    labels = analysis.classification.labels
    vendors = [(v, users.get(v, 0), gaps_by_subject.get(v, 0), labels(v)) for v in facts.vendors]

    def vendor_record(item) -> dict:
        v, used, gaps, _ = item
        return {**subject_ref(v, "vendor", analysis), "systems": used, "gaps": gaps,
                "gaps_url": url_for("pages.gaps", institution=ubn, subject=v) if gaps else None}

    system_list = show(_system_spec(ubn), systems, system_record)
    vendor_list = show(_vendor_spec(ubn), vendors, vendor_record)
    return {**institution_summary(analysis), "type": _terms(props, str(FSC.institutionType), analysis),
            "governance": _terms(props, str(FSC.governanceRole), analysis),
            "policies": [{**term(str(p), analysis), "url": url_for("pages.evidence", iri=str(p))}
                         for p in props.get(str(FSC.policy), ())],
            "training": _terms(props, str(FSC.training), analysis),
            "systems_list": system_list, "vendors_list": vendor_list,
            # the page's rows, under the names the API had before lists were paged
            "system_list": system_list["rows"], "vendor_list": vendor_list["rows"],
            "gaps_by_kind": _gaps_by_kind(analysis, ubn),
            "institution_gaps": gaps_by_subject.get(analysis.institution, 0),
            "institution_gaps_url": url_for("pages.gaps", institution=ubn, subject=analysis.institution),
            "gaps_url": url_for("pages.gaps", institution=ubn),
            "trace_url": url_for("pages.trace", iri=analysis.institution)}


# --- AI system -------------------------------------------------------------------------------


def _measure_spec() -> Spec:
    columns = [("measure", lambda r: r["measure"]["notation"]), ("label", lambda r: r["measure"]["label"]),
               ("stage", lambda r: r["stage"]), ("why", lambda r: r["why"]),
               ("status", lambda r: "; ".join(s["status"]["label"]["en"] for s in r["statements"] if s["status"])),
               ("gaps", lambda r: " ".join(g["kind"] for g in r["gaps"]))]
    return Spec(name="measures", prefix="measures.", per=8, table=lambda items: table_of(items, columns),
                sorts={"measure": lambda r: sort_key(r["measure"]["notation"]),
                       "stage": lambda r: r["stage_notation"],
                       "gaps": lambda r: len(r["gaps"])},
                filters={"stage": Filter(lambda r: r["stage_notation"], lambda r: r["stage"])})


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
                  "stage_notation": measure.stage.notation if measure.stage else "-", "verdict": verdict.verdict, "verdict_label": verdict_label(verdict.verdict), "why": lab(verdict.why)}
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
    ubn = institution_ref(analysis)["ubn"]
    gap_list = gap_page(items_of([analysis], lambda g: g.subject == iri), prefix="gaps.", per=10)
    measure_list = show(_measure_spec(), sorted(applicable, key=key), lambda r: r)
    return {
        **subject_ref(iri, "system", analysis), "institution": institution_ref(analysis),
        "purpose": _text(props.get(str(FSC.purpose))),
        "stage_reached": term(_first(props, str(FSC.stageReached)), analysis),
        "oversight": _terms(props, str(FSC.oversightMode), analysis), "traits": traits, "factors": factors,
        "tier": {"declared": lab(tier.declared), "derived": lab(tier.derived), "effective": lab(tier.effective),
                 "score": tier.score, "agrees": tier.agrees, "explanation": lab(tier.explanation),
                 "missing_factors": [lab(f) for f in tier.missing_factors]},
        "vendors": [subject_ref(str(v), "vendor", analysis) for v in props.get(str(FSC.usesVendor), ())],
        "measures_list": measure_list, "measures": measure_list["rows"], "applicable": len(applicable),
        "undetermined": sorted(undetermined, key=key),
        "gaps_list": gap_list, "gaps": gap_list["rows"], "gap_count": len(gaps),
        "gaps_by_kind": _kinds_of(gaps, lambda code: url_for("pages.gaps", institution=ubn, subject=iri, kind=code)),
        "gaps_url": url_for("pages.gaps", institution=ubn, subject=iri), "trace_url": url_for("pages.trace", iri=iri),
    }


def _kinds_of(gaps, url) -> list[dict]:
    """The gaps' kinds in order, each with its count, its explanation and the link to its list."""
    counts = Counter(g.kind for g in gaps)
    return [{"kind": k.code, "kind_label": lab(k.label), "missing": lab(k.missing), "count": n, "url": url(k.code)}
            for k, n in sorted(counts.items(), key=lambda kv: kv[0].order)]


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
    gaps = [gap_record(g, analysis) for g in analysis.gaps if g.subject == iri]
    return {"institution": institution_ref(analysis), "services": sorted(services), "oversight": rows, "gaps": gaps,
            "gaps_url": url_for("pages.gaps", institution=ubn_of(analysis), subject=iri) if gaps else None}


def _vendor_systems_spec() -> Spec:
    columns = [("system", lambda s: s["iri"]), ("label", lambda s: s["label"]),
               ("ubn", lambda s: s["institution"]["ubn"] if s["institution"] else None),
               ("institution", lambda s: s["institution"]["label"] if s["institution"] else None),
               ("measures", lambda s: s["measures"]), ("gaps", lambda s: s["gaps"])]
    ubn = lambda s: s["institution"]["ubn"] if s["institution"] else None  # noqa: E731
    return Spec(name="vendor-systems", per=25, table=lambda items: table_of(items, columns),
                sorts={"name": lambda s: s["label"]["zh"] if s["label"] else s["iri"], "institution": ubn,
                       "measures": lambda s: s["measures"], "gaps": lambda s: s["gaps"]},
                filters={"institution": Filter(ubn, lambda s: s["institution"]["label"] if s["institution"] else None)})


def _oversight_spec() -> Spec:
    return Spec(name="vendor-oversight", prefix="oversight.", per=2, table=lambda items: table_of(items, (
        ("ubn", lambda b: b[1]), ("institution", lambda b: lab(b[0].institution_label)))),
        sorts={"institution": lambda b: b[1]})


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
                        "gaps_url": url_for("pages.gaps", institution=ubn_of(owner), subject=dep.system.id)
                        if owner and dep.gaps else None, "measures": len(dep.measures)})
    engaged = [(a, ubn_of(a)) for a in analyses if iri in submission_facts(a).vendors]
    system_list = show(_vendor_systems_spec(), systems, lambda s: s)
    oversight = show(_oversight_spec(), engaged, lambda b: _oversight(iri, b[0]))
    return {
        "iri": iri, "kind": "vendor", "label": lab(dependents.vendor.label), "url": url_for("pages.vendor", iri=iri),
        "systems_list": system_list, "systems": system_list["rows"], "system_count": len(systems),
        "institutions": [institution_ref(by_iri[i.id]) for i in dependents.institutions if i.id in by_iri],
        "measures": [measure_ref(Ref(m.id, m.notation or "", m.label)) for m in dependents.measures],
        "vendor_measures": [measure_ref(Ref(m.id, m.notation or "", m.label)) for m in dependents.vendor_measures],
        "vendor_gaps": dependents.vendor_gaps, "oversight_list": oversight, "by_institution": oversight["rows"],
        "trace_url": url_for("pages.trace", iri=iri),
    }


# --- evidence --------------------------------------------------------------------------------


def _is_document(analysis: Analysis, iri: str) -> bool:
    props = properties(iri, analysis)
    types = {str(t) for t in props.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ())}
    return bool(str(FSC.Evidence) in types or DCT + "title" in props or str(FSC.evidenceKind) in props)


def evidence(iri: str) -> dict:
    try:  # first where the submission labels it (no query per institution: bench/README)
        analysis, props = _owner(iri, lambda a: iri in a.classification.labels.by_iri and _is_document(a, iri))
    except NotFound:  # a document with neither label nor title
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
