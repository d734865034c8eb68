"""An institution's submissions over time, and what changed between two of them: read from the
store, never derived at request time.

``fscai load`` analyses each submission when it is loaded (:func:`mapper.analysis.intake`), and
the derived graph of an older submission stays when a newer one arrives (``fscai analyse``
re-derives only each institution's newest): so an older submission's analysis is read like the
newest's (:func:`web.analyses.analysis_of`, cached), flagged when it was derived under an earlier
knowledge version than the store's catalogue. A submission nobody analysed (written by another
tool) is listed with its date and no counts, and the changes page still answers for it what the
submissions themselves say.

Each submission is counted on the last day it was its institution's newest: the date of the next
submission, or the viewer's reference date for the newest (so the newest's counts are the
institution page's). The counts are :class:`mapper.analysis.Counts` from ``Analysis.tally``.

What changed is the regulator's ``submission-changes`` question (``queries/submission-changes.rq``)
run for the two dates, row for row; the gaps opened and closed beside it compare the two stored
analyses' gap records, each counted on its day as above.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from flask import current_app, url_for
from werkzeug.exceptions import BadRequest

from mapper.analysis import Analysis, Counts
from mapper.catalogue.records import Ref, sort_key
from mapper.classify import analysed_graphs, current_graphs
from mapper.graphs import CATALOGUE_GRAPH, SUBMISSION_GRAPH_PREFIX, derived_graph, submitted_on
from mapper.labels import Labels, read_labels
from mapper.namespaces import FSC
from mapper.query_library import read_query
from web.analyses import analysis_of
from web.config import as_of, layout
from web.identity import principal
from web.records.common import NotFound, kind_label, lab, measure_ref, principles
from web.store import get_store

#: The ``?aspect`` codes of ``submission-changes`` -> the vocabulary's term whose label names them.
ASPECT_TERMS = {"system": str(FSC.AISystem), "tier": str(FSC.effectiveRiskTier), "status": str(FSC.status)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: How many gridlines the chart's value axis has at most.
TICKS = 5


@dataclass(frozen=True)
class Submission:
    """One submission of an institution: its graph and date, the day it is counted on, and whether
    its analysis is in the store (``analysed``) and derived under the catalogue's version (``current``)."""

    graph: str
    date: str
    counted_on: dt.date
    analysed: bool
    current: bool


def submissions(ubn: str) -> list[Submission]:
    """The institution's submissions the request's principal may read, oldest first; ``NotFound``
    when there is none (an unknown UBN, or another institution's)."""
    store = get_store()
    prefix = f"{SUBMISSION_GRAPH_PREFIX}{ubn}/"
    graphs = sorted(g for g in store.graphs() if g.startswith(prefix))
    if not graphs:
        raise NotFound(f"no institution with UBN {ubn}")
    analysed, current = analysed_graphs(store), current_graphs(store)
    reference = as_of(current_app)
    found = []
    for i, graph in enumerate(graphs):
        later = dt.date.fromisoformat(submitted_on(graphs[i + 1])) if i + 1 < len(graphs) else reference
        found.append(Submission(graph, submitted_on(graph), min(later, reference),
                                derived_graph(graph) in analysed, derived_graph(graph) in current))
    return found


def analysis(submission: Submission) -> Analysis | None:
    """The stored analysis of ``submission`` counted on its day; None if it was never analysed.
    Cached per graph and day (the graphs come from the principal's own listing)."""
    if not submission.analysed:
        return None
    cache = current_app.extensions.setdefault("fscai.history", {})
    key = (submission.graph, submission.counted_on)
    if key not in cache:
        cache[key] = dataclasses.replace(analysis_of(submission.graph), as_of=submission.counted_on)
    return cache[key]


def totals(found: Analysis) -> tuple[Counts, dict[str, int]]:
    """The submission's :class:`Counts` and its gaps per principle (chapter notation)."""
    by_principle = found.tally(lambda m: m.chapter.notation)
    return sum(by_principle.values(), Counts()), {p: n.gaps for p, n in by_principle.items()}


def _links(ubn: str, newest: bool, chapters: list[str]) -> dict:
    """Where the lists a count counts live: only the newest submission's lists have pages."""
    if not newest:
        return {}
    gaps = url_for("pages.gaps", institution=ubn)
    return {"systems": url_for("pages.institution", ubn=ubn) + "#systems", "gaps": gaps, "gap_records": gaps,
            "applicable": url_for("pages.matrix", institution=ubn), "evidenced": url_for("pages.matrix", institution=ubn),
            "principles": {p: url_for("pages.gaps", institution=ubn, principle=p) for p in chapters}}


def _row(ubn: str, submission: Submission, previous: Submission | None, newest: bool) -> dict:
    found = analysis(submission)
    row = {"date": submission.date, "graph": submission.graph, "counted_on": submission.counted_on.isoformat(),
           "analysed": submission.analysed, "current": submission.current, "newest": newest,
           "changes_url": url_for("pages.changes", ubn=ubn, **{"from": previous.date, "to": submission.date})
           if previous else None}
    if found is None:
        return {**row, "systems": None, "counts": None, "gaps_by_principle": {}, "links": {}}
    counts, by_principle = totals(found)
    return {**row, "systems": len(found.classification.tiers), "counts": {**dataclasses.asdict(counts),
            "by_kind": dict(counts.by_kind)}, "gaps_by_principle": by_principle,
            "links": _links(ubn, newest, [p["notation"] for p in principles()])}


def _label(found: list[Submission], ubn: str) -> dict:
    """The institution's name, from its newest analysed submission (its UBN if none is)."""
    for submission in reversed(found):
        if submission.analysed:
            return lab(analysis(submission).institution_label)
    return {"zh": ubn, "en": ubn}


def _ticks(top: int) -> list[int]:
    """Round gridline values from 0 to at least ``top``, at most :data:`TICKS` + 1 of them.

    >>> _ticks(0), _ticks(7), _ticks(23), _ticks(180)
    ([0, 1], [0, 2, 4, 6, 8], [0, 5, 10, 15, 20, 25], [0, 50, 100, 150, 200])
    """
    step = 1
    while -(-top // step) > TICKS:  # 1, 2, 5, 10, 20, 50, ...
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return list(range(0, max(step, -(-top // step) * step) + 1, step))


def history(ubn: str) -> dict:
    """The institution's submissions over time, with their counts and the gaps per principle as a chart."""
    found = submissions(ubn)
    rows = [_row(ubn, s, found[i - 1] if i else None, i == len(found) - 1) for i, s in enumerate(found)]
    chapters = principles()
    series = [{"principle": p, "values": [r["gaps_by_principle"].get(p["notation"], 0) if r["analysed"] else None
                                          for r in rows]} for p in chapters]
    top = max((v for s in series for v in s["values"] if v is not None), default=0)
    return {"ubn": ubn, "label": _label(found, ubn), "url": url_for("pages.institution", ubn=ubn),
            "as_of": as_of(current_app).isoformat(), "submissions": rows,
            "changes_url": url_for("pages.changes", ubn=ubn) if len(found) > 1 else None,
            "chart": {"dates": [r["date"] for r in rows], "series": series, "ticks": _ticks(top)}}


# --- what changed between two submissions ----------------------------------------------------


def _date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not _DATE.match(value):
        raise BadRequest(description=f"'{name}' must be a date YYYY-MM-DD, got {value!r}")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(description=f"'{name}' is not a date: {value!r}") from None
    return value


def _pair(found: list[Submission], start: str | None, end: str | None) -> tuple[Submission, Submission] | None:
    """The two submissions compared: ``end`` (default the newest) and ``start`` (default the one
    just before it), as the query's own defaults; None when there is nothing before."""
    by_date = {s.date: s for s in found}
    for value, name in ((start, "from"), (end, "to")):
        if value is not None and value not in by_date:
            raise NotFound(f"no submission of this institution dated {value} ('{name}')")
    later = by_date[end] if end else found[-1]
    if start is not None:
        if start >= later.date:
            raise BadRequest(description=f"'from' ({start}) must be earlier than 'to' ({later.date})")
        return by_date[start], later
    earlier = [s for s in found if s.date < later.date]
    return (earlier[-1], later) if earlier else None


def _changed_rows(ubn: str, earlier: Submission, later: Submission) -> list[dict[str, str]]:
    """The rows of ``submission-changes`` for the two dates, over their graphs and the catalogue
    (the same rows as over the whole store: the query reads no other graph for them), cached per
    principal."""
    who = principal()
    key = (earlier.graph, later.graph, who.role, who.ubn)
    cache = current_app.extensions.setdefault("fscai.changes", {})
    if key not in cache:
        text = read_query("submission-changes", layout(current_app)).bind(
            {"ubn": ubn, "from": earlier.date, "to": later.date})
        graphs = [earlier.graph, later.graph, derived_graph(earlier.graph), derived_graph(later.graph), CATALOGUE_GRAPH]
        cache[key] = [{k: str(v) for k, v in row.items()} for row in get_store().select(text, named_graphs=graphs)]
    return cache[key]


def _value(value: str | None, labels: Labels) -> dict | None:
    if value is None:
        return None
    if value == "none":  # a statement that states no status
        return {"iri": None, "label": None, "none": True}
    return {"iri": value, "label": lab(labels(value)), "none": False}


def _change(row: dict[str, str], labels: Labels, systems_now: set[str]) -> dict:
    subject = row["subject"]
    notation = row.get("measureNotation")
    url = url_for("pages.system", iri=subject) if subject in systems_now else None
    return {"aspect": row["aspect"], "aspect_label": lab(labels(ASPECT_TERMS[row["aspect"]])),
            "change": row["change"], "subject": {"iri": subject, "label": lab(labels(subject)), "url": url},
            "measure": {"notation": notation, "url": url_for("pages.measure", notation=notation)} if notation else None,
            "before": _value(row.get("before"), labels), "after": _value(row.get("after"), labels)}


def _gap_key(gap) -> tuple[str, str, str]:
    return gap.kind.code, gap.measure.iri, gap.subject


def _grouped(gaps: list, found: Analysis) -> list[dict]:
    """``gaps`` as one row per (subject, gap kind) with the measures it concerns: a retired
    system's dozens of gaps are one row, not dozens."""
    groups: dict[tuple[str, str], list] = {}
    for gap in gaps:
        groups.setdefault((gap.subject, gap.kind.code), []).append(gap)
    rows = []
    for (subject, _), members in groups.items():
        first = members[0]
        rows.append({"kind": first.kind.code, "kind_label": lab(first.kind.label), "count": len(members),
                     "subject": {"iri": subject, "kind": first.subject_kind, "kind_label": kind_label(first.subject_kind),
                                 "label": lab(found.classification.labels(subject))},
                     "measures": [measure_ref(Ref(g.measure.iri, g.measure.notation, g.measure.label))
                                  for g in sorted(members, key=lambda g: sort_key(g.measure.notation))]})
    return sorted(rows, key=lambda r: (-r["count"], r["subject"]["label"]["en"], r["kind"]))


def _gap_changes(earlier: Submission, later: Submission) -> dict | None:
    """The gaps the later submission opened and closed, from the two stored analyses (None unless
    both were analysed), grouped by subject and kind."""
    before, after = analysis(earlier), analysis(later)
    if before is None or after is None:
        return None
    old = {_gap_key(g): g for g in before.gaps}
    new = {_gap_key(g): g for g in after.gaps}
    opened = [g for k, g in new.items() if k not in old]
    closed = [g for k, g in old.items() if k not in new]
    return {"opened": _grouped(opened, after), "closed": _grouped(closed, before),
            "opened_count": len(opened), "closed_count": len(closed)}


def _labels_of(earlier: Submission, later: Submission) -> Labels:
    """The labels of both submissions and the catalogue: those their stored analyses already read
    (the later one's first), or read from the store when one of them was not analysed (reading
    them again for two 500-system submissions took seconds a request)."""
    before, after = analysis(earlier), analysis(later)
    if before is None or after is None:
        return read_labels(get_store(), [earlier.graph, later.graph, CATALOGUE_GRAPH])
    return Labels({**before.classification.labels.by_iri, **after.classification.labels.by_iri})


def changes(ubn: str, start: str | None = None, end: str | None = None) -> dict:
    """What changed between two submissions of the institution (default: its two newest)."""
    start, end = _date(start, "from"), _date(end, "to")
    found = submissions(ubn)
    rows_by_date = {r["date"]: r for r in (_row(ubn, s, None, i == len(found) - 1) for i, s in enumerate(found))}
    record = {"ubn": ubn, "label": _label(found, ubn), "url": url_for("pages.institution", ubn=ubn),
              "history_url": url_for("pages.history", ubn=ubn), "dates": [s.date for s in found],
              "from": None, "to": None, "before": None, "after": None, "changes": [], "gaps": None,
              "query_url": url_for("sparql.library_query", name="submission-changes")}
    pair = _pair(found, start, end)
    if pair is None:
        return record
    earlier, later = pair
    labels = _labels_of(earlier, later)
    newest = analysis(found[-1])
    systems_now = {t.system for t in newest.classification.tiers} if newest else set()
    return {**record, "from": earlier.date, "to": later.date,
            "before": rows_by_date[earlier.date], "after": rows_by_date[later.date],
            "changes": [_change(row, labels, systems_now) for row in _changed_rows(ubn, earlier, later)],
            "gaps": _gap_changes(earlier, later)}
