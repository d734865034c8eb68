"""The gap list (``/gaps``): every gap of the newest submissions, filtered, sorted and paged as the
URL asks (:mod:`web.listing`), grouped by gap kind so a kind's explanation is written once.

The same list serves a system's and a vendor's gaps (``subject=``), an institution's gaps of one
kind (``institution=``, ``kind=``), a principle's (``principle=``), a matrix cell's (``principle=``,
``stage=``) and a measure's (``measure=``): every count of gaps on a page links here. Its
download rows are :class:`mapper.report.rows.GapRow`, what every report writes.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Sequence

from flask import url_for

from mapper.analysis import Analysis
from mapper.catalogue.records import sort_key
from mapper.gaps import Gap
from mapper.namespaces import FSC
from mapper.report.csv_format import HEADER
from mapper.report.rows import NO_STAGE, gap_rows
from web.analyses import catalogue
from web.downloads import Table
from web.listing import Filter, Spec, group_runs, show
from web.records.common import analyses_for, gap_record, kind_label, lab, ubn_of

#: The status filter's value of a gap with no conformance statement.
NO_STATUS = "none"


@dataclass(frozen=True)
class GapItem:
    gap: Gap
    analysis: Analysis
    ubn: str


def items_of(analyses: Sequence[Analysis], keep=lambda gap: True) -> list[GapItem]:
    """Every gap of ``analyses`` (that ``keep`` keeps) as list items, in the analyses' order."""
    return [GapItem(g, a, ubn_of(a)) for a in analyses for g in a.gaps if keep(g)]


def _local(iri: str | None) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else NO_STATUS


def _status_label(item: GapItem) -> dict:
    if not item.gap.status:
        return {"zh": "無落實說明", "en": "no statement"}
    return lab(item.analysis.classification.labels(item.gap.status))


def _table(items: Sequence[GapItem]) -> Table:
    """The items' :class:`GapRow` values, in the list's order."""
    rows = {}
    for analysis in {id(i.analysis): i.analysis for i in items}.values():
        rows.update({row.id: row for row in gap_rows(analysis)})
    return Table(tuple(HEADER), tuple(astuple(rows[i.gap.id]) for i in items))


def gap_spec(prefix: str = "", per: int = 50) -> Spec:
    """The gap list's filters, sort keys and download table."""
    modality = {m.iri: m.modality for m in catalogue().assessables}
    words = catalogue().vocabulary

    def stage(item: GapItem):
        return item.gap.stage or NO_STAGE

    return Spec(
        name="gaps", prefix=prefix, per=per, default_sort="kind", table=_table,
        sorts={"kind": lambda i: i.gap.kind.order, "measure": lambda i: sort_key(i.gap.measure.notation),
               "subject": lambda i: (i.gap.subject_kind != "institution", i.gap.subject_label.en.lower()),
               "institution": lambda i: i.ubn, "principle": lambda i: sort_key(i.gap.chapter.notation),
               "stage": lambda i: stage(i).notation, "status": lambda i: _local(i.gap.status),
               "date": lambda i: i.gap.date},
        filters={
            "institution": Filter(lambda i: i.ubn, lambda i: lab(i.analysis.institution_label)),
            "kind": Filter(lambda i: i.gap.kind.code, lambda i: lab(i.gap.kind.label)),
            "principle": Filter(lambda i: i.gap.chapter.notation, lambda i: lab(i.gap.chapter.label)),
            "stage": Filter(lambda i: stage(i).notation, lambda i: lab(stage(i).label)),
            "modality": Filter(lambda i: modality.get(i.gap.measure.iri),
                               lambda i: lab(words.label(str(FSC[modality[i.gap.measure.iri]])))),
            "status": Filter(lambda i: _local(i.gap.status), _status_label),
            "subject_kind": Filter(lambda i: i.gap.subject_kind, lambda i: kind_label(i.gap.subject_kind)),
            "measure": Filter(lambda i: i.gap.measure.notation, lambda i: lab(i.gap.measure.label)),
            "subject": Filter(lambda i: i.gap.subject, lambda i: lab(i.gap.subject_label), choices=False),
        })


def gap_entry(item: GapItem) -> dict:
    """A gap as a page shows it: its record, the kind's explanation apart from the gap's own detail."""
    gap = item.gap
    shared, own = gap.kind.missing, gap.missing
    return {**gap_record(gap, item.analysis), "kind_order": gap.kind.order,
            "kind_missing": lab(shared),
            "detail": {"zh": own.zh[len(shared.zh):].strip(), "en": own.en[len(shared.en):].strip()}
            if own != shared else None}


def _pairs(kept: Sequence[GapItem]) -> int:
    """The distinct (institution, measure, subject) pairs among the listed gaps: what a page's gap
    count counts (:class:`mapper.analysis.Counts`)."""
    return len({(i.ubn, i.gap.measure.iri, i.gap.subject) for i in kept})


def gap_page(items: Sequence[GapItem], prefix: str = "", per: int = 50) -> dict:
    """The requested page of ``items``, its rows grouped by kind, and the pairs the list counts."""
    listed = show(gap_spec(prefix, per), items, gap_entry, summary=_pairs)
    return {**listed, "groups": group_runs(listed["rows"], "kind")}


def gap_list(ubn: str | None) -> dict:
    """``/gaps``: the gaps of one institution (``institution=UBN``: a 404 if unknown) or of every
    institution, filtered, sorted and paged as the URL asks."""
    return {"institution": ubn, "list": gap_page(items_of(analyses_for(ubn))),
            "url": url_for("pages.gaps")}
