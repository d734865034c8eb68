"""One analysis as OSCAL assessment results: a result whose findings are the analysis's gaps.

The result holds one finding per gap that holds on the analysis's reference date
(:attr:`mapper.analysis.Analysis.gaps`, so the count is fscai's own; in its order), its target the measure's
statement in the catalog (``fsc-N.s.i_smt``) with state ``not-satisfied``. A finding carries the
gap's kind, subject, conformance statement and its status, the evidence and date it turns on, as
props named after the vocabulary's properties; what is missing as its description and why the
measure applies as its remarks, both languages each; the gap record's IRI as its ``canonical``
link. Evidence a gap names (evidence past its next review date) is an observation the finding
points to; the analysis holds no other evidence record, so no other is carried.

OSCAL asks for the assessment plan the results follow (``import-ap``); fscai writes none, so the
href names a plan that does not exist and its remarks say so.
"""

from __future__ import annotations

from mapper.analysis import Analysis
from mapper.export.oscal_base import (
    canonical,
    digest,
    in_order,
    metadata,
    paragraphs,
    prop,
    stable_uuid,
    statement_id,
    timestamp,
    title,
)
from mapper.gaps import Gap
from mapper.graphs import institution_of
from mapper.labels import Label, Labels
from mapper.namespaces import FSC
from mapper.report.rows import TITLE, gap_count_line

RESULTS_REMARK = Label(
    "每一於基準日成立之缺口為一項 finding，其 target 為該建議措施於 catalog.json 之 statement（狀態 not-satisfied），"
    "缺口數即 fscai gaps 之缺口紀錄數；缺口所涉逾下次檢視日之佐證另為 observation。已有佐證之措施、待定之判斷、"
    "風險等級及 SHACL 驗證結果不在本文件。",
    "Each gap holding on the reference date is one finding whose target is the measure's statement in "
    "catalog.json (state not-satisfied); the findings are as many as fscai gaps counts gap records. Evidence a gap "
    "names (past its next review date) is an observation. Measures evidenced, verdicts left undetermined, risk "
    "tiers and the SHACL validation are not carried.",
)
NO_PLAN = Label(
    "未產出評估計畫：fscai 之評估即對申報之自動分析，不另作計畫；此 href 僅為 OSCAL 所必需，所指檔案不存在。",
    "No assessment plan is produced: fscai's assessment is the automated analysis of the submission, made without "
    "one; this href is only what OSCAL requires, and names no file.",
)
EVERY_MEASURE = Label(
    "每項建議措施皆就申報之每一對象（機構、AI系統、第三方業者）判斷是否適用；適用者檢視其落實情形聲明及佐證。",
    "Every measure was decided, for each subject of the submission (the institution, its AI systems, its vendors), "
    "to apply or not; where it applies, its conformance statements and evidence were examined.",
)


def plan_href(ubn: str) -> str:
    """The relative href of the assessment plan OSCAL asks for: a name only, no file is written."""
    return f"assessment-plan-{ubn}.json"


def assessment_results_document(analysis: Analysis) -> dict:
    """The OSCAL assessment results (the top-level ``{"assessment-results": ...}`` object) of one
    analysis, dated its reference date."""
    ubn = institution_of(analysis.submission_graph)
    body = {
        "import-ap": {"href": plan_href(ubn), "remarks": paragraphs(NO_PLAN)},
        "results": [_result(analysis)],
    }
    return institution_document(analysis, "assessment-results", "oscal-assessment-results", TITLE, RESULTS_REMARK, body)


def institution_document(analysis: Analysis, model: str, tag: str, heading: Label, remark: Label,
                         body: dict) -> dict:
    """One institution's OSCAL document ``{model: ...}``: ``body`` with its UUID (from ``tag`` and the
    content's digest, which is also its version) and metadata, dated the analysis's reference date."""
    version = digest(body)
    named = Label(f"{heading.zh}：{analysis.institution_label.zh}", f"{heading.en}: {analysis.institution_label.en}")
    return {model: {
        "uuid": stable_uuid(analysis.submission_graph, tag, version),
        "metadata": metadata(named, timestamp(analysis.as_of), version, remark, parties=[institution_party(analysis)]),
        **body,
    }}


def institution_party(analysis: Analysis) -> dict:
    """The institution as an OSCAL party: its words, its UBN (``fsc:unifiedBusinessNumber``), its IRI."""
    return {"uuid": stable_uuid(analysis.institution), "type": "organization",
            "name": title(analysis.institution_label),
            "external-ids": [{"scheme": str(FSC.unifiedBusinessNumber),
                              "id": institution_of(analysis.submission_graph)}],
            "links": [canonical(analysis.institution)]}


def _result(analysis: Analysis) -> dict:
    words = analysis.catalogue.vocabulary.label
    day = analysis.as_of.isoformat()
    observations = _observations(analysis)
    result: dict = {
        "uuid": stable_uuid(analysis.submission_graph, "oscal-result", day),
        "title": title(Label(f"{analysis.institution_label.zh}（{day}）", f"{analysis.institution_label.en} ({day})")),
        "description": gap_count_line(analysis),
        "start": timestamp(analysis.as_of),
        "links": [{"href": analysis.submission_graph, "rel": "source", "text": title(words(str(FSC.Submission)))}],
        "reviewed-controls": {"description": paragraphs(EVERY_MEASURE), "control-selections": [{"include-all": {}}]},
    }
    if observations:
        result["observations"] = list(observations.values())
    findings = [_finding(analysis, gap, observations) for gap in in_order(analysis.gaps)]
    if findings:
        result["findings"] = findings
    return result


def _evidence_key(analysis: Analysis, gap: Gap) -> str:
    return stable_uuid(analysis.submission_graph, gap.evidence or "", gap.date or "")


def _observations(analysis: Analysis) -> dict[str, dict]:
    """One observation per piece of evidence (and its review date) a holding gap names, by UUID."""
    words = analysis.catalogue.vocabulary.label
    review = words(str(FSC.nextReviewDate))
    out: dict[str, dict] = {}
    for gap in in_order(analysis.gaps):
        if not gap.evidence:
            continue
        key = _evidence_key(analysis, gap)
        if key in out:
            continue
        label = gap.evidence_label or analysis.classification.labels(gap.evidence)
        dated = Label(f"{label.zh}（{review.zh} {gap.date}）", f"{label.en} ({review.en} {gap.date})") if gap.date else label
        observation: dict = {"uuid": key, "title": title(label), "description": paragraphs(dated)}
        if gap.date:
            observation["props"] = [prop("nextReviewDate", gap.date)]
        observation.update({"methods": ["EXAMINE"], "types": ["finding"],
                            "relevant-evidence": [{"href": gap.evidence, "description": title(label)}],
                            "collected": timestamp(analysis.as_of)})
        out[key] = observation
    return out


def _finding(analysis: Analysis, gap: Gap, observations: dict[str, dict]) -> dict:
    words = analysis.catalogue.vocabulary.label
    labels = analysis.classification.labels
    why = words(str(FSC.why))
    notation = gap.measure.notation
    finding = {
        "uuid": stable_uuid(gap.id, gap.statement or "", gap.evidence or "", gap.date or ""),
        "title": title(Label(f"{gap.kind.label.zh}：{gap.subject_label.zh}", f"{gap.kind.label.en}: {gap.subject_label.en}"),
                       notation),
        "description": paragraphs(gap.missing),
        "props": _gap_props(gap, labels),
        "links": [canonical(gap.id)],
        "target": {"type": "statement-id", "target-id": statement_id(notation), "title": title(gap.measure.label, notation),
                   "description": paragraphs(gap.measure.label),
                   "props": [prop("measure", gap.measure.iri)],
                   "status": {"state": "not-satisfied"}},
    }
    key = _evidence_key(analysis, gap)
    if gap.evidence and key in observations:
        finding["related-observations"] = [{"observation-uuid": key}]
    finding["remarks"] = paragraphs(Label(f"{why.zh}：{gap.why.zh}", f"{why.en}: {gap.why.en}"))
    return finding


def _gap_props(gap: Gap, labels: Labels) -> list[dict]:
    props = [prop("gapKind", gap.kind.iri, words=gap.kind.label),
             prop("subject", gap.subject, words=gap.subject_label, cls=gap.subject_kind)]
    if gap.statement:
        props.append(prop("gapStatement", gap.statement))
    if gap.status:
        props.append(prop("status", gap.status, words=labels(gap.status)))
    if gap.evidence:
        props.append(prop("gapEvidence", gap.evidence, words=gap.evidence_label))
    if gap.date:
        props.append(prop("overdueAfter", gap.date))
    return props
