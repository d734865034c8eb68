"""One analysis's planned items as an OSCAL plan of action and milestones (POA&M).

A planned item is a conformance statement of status planned (``fsc:Planned``) with a target date
(``fsc:targetDate``) for a measure that applies to its subject. The analysis knows each one by
the gap record it stores for it whatever the reference date, "planned past its target date",
which holds from the day after that date (``fsc:overdueAfter``): so the items are the analysis's
records of that kind (:attr:`mapper.analysis.Analysis.records`), one poam-item each. With one
planned statement per (measure, subject), as in the bundled examples, they are as
many as the planned pairs fscai's market summary counts (``fsc:plannedCount``, what the
regulator's ``queries/measure-adoption.rq`` sums); a test holds the two together.

Each item points to a risk (OSCAL keeps dates there): status ``open`` (the measure is not yet in
place), deadline the target date, and one remediation of lifecycle ``planned`` whose milestone
task falls on the target date. An item whose target date has passed on the reference date says so
in its remarks; it is also a finding of the assessment results.

OSCAL asks for the system security plan the POA&M belongs to (``import-ssp``); fscai writes
none, so the href names a plan that does not exist and its remarks say so. OSCAL asks for at least
one item, so an institution with nothing planned gets no POA&M.
"""

from __future__ import annotations

import datetime as dt

from mapper.analysis import Analysis
from mapper.export.oscal_base import (
    canonical,
    in_order,
    paragraphs,
    prop,
    stable_uuid,
    timestamp,
    title,
)
from mapper.export.oscal_results import institution_document
from mapper.gaps import Gap
from mapper.graphs import institution_of
from mapper.labels import Label
from mapper.namespaces import FSC

HEADING = Label("金融業運用AI指引落實規劃項目", "FSC AI guideline plan of action and milestones")
POAM_REMARK = Label(
    "每一規劃項目（狀態為規劃中且載有目標日期之落實情形聲明，其措施適用於該對象）為一項 poam-item，"
    "目標日期為其風險之 deadline 及規劃中補救措施之里程碑；已逾目標日者另為評估結果之 finding。"
    "其他缺口（無聲明、無佐證等）不在本文件，見評估結果。",
    "Each planned item (a conformance statement of status planned with a target date, for a measure that applies "
    "to its subject) is one poam-item; the target date is its risk's deadline and the milestone of its planned "
    "remediation. An item past its target date is also a finding of the assessment results. Other gaps (no "
    "statement, no evidence, ...) are not in this document: see the assessment results.",
)
NO_SSP = Label(
    "未產出系統安全計畫：fscai 不描述系統之控制實作；此 href 僅為 OSCAL 所必需，所指檔案不存在。",
    "No system security plan is produced: fscai does not describe how systems implement controls; this href is "
    "only what OSCAL requires, and names no file.",
)


def ssp_href(ubn: str) -> str:
    """The relative href of the system security plan OSCAL asks for: a name only, no file is written."""
    return f"system-security-plan-{ubn}.json"


def planned_items(analysis: Analysis) -> tuple[Gap, ...]:
    """The analysis's planned items: its records of planned statements with a target date (those of
    kind "planned past its target date", whatever the reference date)."""
    return tuple(in_order(g for g in analysis.records if g.kind.iri == str(FSC.PlannedOverdue) and g.date))


def poam_document(analysis: Analysis) -> dict | None:
    """The OSCAL POA&M (the top-level ``{"plan-of-action-and-milestones": ...}`` object) of one
    analysis's planned items, dated its reference date; None when nothing is planned."""
    items = planned_items(analysis)
    if not items:
        return None
    ubn = institution_of(analysis.submission_graph)
    body = {
        "import-ssp": {"href": ssp_href(ubn), "remarks": paragraphs(NO_SSP)},
        "risks": [_risk(analysis, gap) for gap in items],
        "poam-items": [_item(analysis, gap) for gap in items],
    }
    return institution_document(analysis, "plan-of-action-and-milestones", "oscal-poam", HEADING, POAM_REMARK, body)


def _key(gap: Gap) -> tuple[str, ...]:
    return gap.id, gap.statement or "", gap.date or ""


def _heading(analysis: Analysis, gap: Gap) -> Label:
    status = analysis.classification.labels(gap.status) if gap.status else gap.kind.label
    return Label(f"{status.zh}：{gap.subject_label.zh}", f"{status.en}: {gap.subject_label.en}")


def _target(analysis: Analysis, gap: Gap) -> Label:
    """The measure's text and the target date, both languages."""
    date = analysis.catalogue.vocabulary.label(str(FSC.targetDate))
    return Label(f"{gap.measure.label.zh}（{date.zh} {gap.date}）", f"{gap.measure.label.en} ({date.en} {gap.date})")


def _not_yet(analysis: Analysis, gap: Gap) -> Label:
    """What the risk is: the measure is not yet in place, only planned."""
    status = analysis.classification.labels(gap.status) if gap.status else gap.kind.label
    return Label(f"「{gap.measure.label.zh}」尚未落實（{status.zh}）",
                 f"\"{gap.measure.label.en}\" is not yet in place ({status.en})")


def _risk(analysis: Analysis, gap: Gap) -> dict:
    deadline = timestamp(dt.date.fromisoformat(gap.date))
    date = analysis.catalogue.vocabulary.label(str(FSC.targetDate))
    return {
        "uuid": stable_uuid(*_key(gap), "risk"),
        "title": title(_heading(analysis, gap), gap.measure.notation),
        "description": paragraphs(_target(analysis, gap)),
        "statement": paragraphs(_not_yet(analysis, gap)),
        "status": "open",
        "deadline": deadline,
        "remediations": [{
            "uuid": stable_uuid(*_key(gap), "remediation"),
            "lifecycle": "planned",
            "title": title(_heading(analysis, gap), gap.measure.notation),
            "description": paragraphs(_target(analysis, gap)),
            "tasks": [{"uuid": stable_uuid(*_key(gap), "milestone"), "type": "milestone",
                       "title": title(Label(f"{date.zh} {gap.date}", f"{date.en} {gap.date}")),
                       "timing": {"on-date": {"date": deadline}}}],
        }],
    }


def _item(analysis: Analysis, gap: Gap) -> dict:
    labels = analysis.classification.labels
    overdue = gap.holds_on(analysis.as_of)
    props = [prop("measure", gap.measure.iri, words=gap.measure.label),
             prop("subject", gap.subject, words=gap.subject_label, cls=gap.subject_kind)]
    if gap.status:
        props.append(prop("status", gap.status, words=labels(gap.status)))
    props.append(prop("targetDate", gap.date))
    links = [canonical(gap.statement)] if gap.statement else []
    links.append({"href": gap.id, "rel": "related", "text": title(gap.kind.label)})
    item = {
        "uuid": stable_uuid(*_key(gap), "item"),
        "title": title(_heading(analysis, gap), gap.measure.notation),
        "description": paragraphs(_target(analysis, gap)),
        "props": props,
        "links": links,
        "related-risks": [{"risk-uuid": stable_uuid(*_key(gap), "risk")}],
    }
    if overdue:
        item["remarks"] = paragraphs(Label(f"{gap.kind.label.zh}：{gap.kind.missing.zh}",
                                           f"{gap.kind.label.en}: {gap.kind.missing.en}"))
    return item
