"""The JSON report: one object per institution with summary, tiers, gaps and undetermined verdicts.

Labels are ``{"zh": ..., "en": ...}`` objects; each gap is the flat :class:`mapper.report.GapRow`
(the CSV's columns), so a gap reads the same in JSON and CSV.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Sequence

from mapper import __version__
from mapper.analysis import Analysis, institution_of
from mapper.catalogue import Label
from mapper.report import TITLE, coverage_grid, gap_rows, summary_counts, tier_rows, undetermined_rows


def _label(label: Label) -> dict[str, str]:
    return {"zh": label.zh, "en": label.en}


def institution_document(analysis: Analysis) -> dict:
    grid = coverage_grid(analysis)
    summary = []
    for row in grid.rows:
        for col in grid.columns:
            cell = grid.cell(row.notation, col.notation)
            if cell.applicable or cell.gaps or cell.undetermined:
                summary.append({"principle": row.notation, "principle_label": _label(row.label),
                                "stage": col.notation, "stage_label": _label(col.label),
                                "applicable": cell.applicable, "evidenced": cell.evidenced, "gaps": cell.gaps,
                                "undetermined": cell.undetermined})
    return {
        "institution": analysis.institution,
        "label": _label(analysis.institution_label),
        "ubn": institution_of(analysis.submission_graph),
        "submission_graph": analysis.submission_graph,
        "as_of": analysis.as_of.isoformat(),
        "totals": summary_counts(analysis),
        "summary": summary,
        "tiers": [{"system": t.system, "label": _label(t.system_label), "declared": _label(t.declared),
                   "derived": _label(t.derived), "effective": _label(t.effective), "agrees": t.agrees,
                   "score": t.score, "explanation": _label(t.explanation),
                   "missing_factors": [_label(f) for f in t.missing_factors]} for t in tier_rows(analysis)],
        "gaps": [_plain(r) for r in gap_rows(analysis)],
        "undetermined": [{"measure_notation": u.measure_notation, "measure": _label(u.measure),
                          "subject": u.subject, "subject_label": _label(u.subject_label), "why": _label(u.why),
                          "missing_inputs": [{"iri": iri, "label": _label(label)} for iri, label in u.missing_inputs]}
                         for u in undetermined_rows(analysis)],
    }


def render_json(analyses: Sequence[Analysis]) -> str:
    """All the analyses as one JSON document (UTF-8 text, not ASCII-escaped)."""
    document = {"title": _label(TITLE), "generator": f"fscai {__version__}",
                "institutions": [institution_document(a) for a in analyses]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    """The index of per-institution files: who, which file, and the totals."""
    document = {"title": _label(TITLE), "generator": f"fscai {__version__}",
                "reports": [{"institution": a.institution, "label": _label(a.institution_label),
                             "ubn": institution_of(a.submission_graph), "submission_graph": a.submission_graph,
                             "as_of": a.as_of.isoformat(), "file": name, **summary_counts(a)}
                            for a, name in entries]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _plain(value):
    """A record as JSON-ready values: ``dataclasses.asdict`` without its deep copies (the gap rows
    hold only strings, numbers and nested records; asdict took half of a JSON report's time).

    >>> from mapper.catalogue import Label
    >>> _plain((Label("甲", "a"), [1, None]))
    [{'zh': '甲', 'en': 'a'}, [1, None]]
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
