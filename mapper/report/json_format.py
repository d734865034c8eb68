"""The JSON report: one object per institution with summary, tiers, gaps and undetermined verdicts.

Labels are ``{"zh": ..., "en": ...}`` objects; each gap is the flat :class:`mapper.report.rows.GapRow`
(the CSV's columns), so a gap reads the same in JSON and CSV.

Layout: the document is indented, and each record of a list inside an institution (a gap, a tier,
a summary cell) is one line, so a report of thousands of gaps reads, greps and diffs a gap per
line, and each line is written by the json module's C encoder (``indent`` would make it fall back
to its much slower Python encoder).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Sequence

from mapper import __version__
from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.labels import Label
from mapper.report.rows import (
    TITLE,
    coverage_grid,
    gap_rows,
    summary_counts,
    tier_rows,
    undetermined_rows,
    validation_counts,
)


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
                                "gap_records": cell.gap_records, "undetermined": cell.undetermined})
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
        "gaps": _records(gap_rows(analysis)),
        "validation": _validation(analysis),
        "undetermined": [{"measure_notation": u.measure_notation, "measure": _label(u.measure),
                          "subject": u.subject, "subject_label": _label(u.subject_label), "why": _label(u.why),
                          "missing_inputs": [{"iri": iri, "label": _label(label)} for iri, label in u.missing_inputs]}
                         for u in undetermined_rows(analysis)],
    }


def _validation(analysis: Analysis) -> dict | None:
    """The SHACL findings (as ``fscai validate --format json`` gives them), or None when the
    analysis did not validate the submission."""
    counts = validation_counts(analysis)
    if counts is None:
        return None
    return {"conforms": analysis.validation.conforms, "counts": counts,
            "findings": _records(analysis.validation.findings)}


def render_json(analyses: Sequence[Analysis]) -> str:
    """All the analyses as one JSON document (UTF-8 text, not ASCII-escaped)."""
    document = {"title": _label(TITLE), "generator": f"fscai {__version__}",
                "institutions": [institution_document(a) for a in analyses]}
    return dumps(document)


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    """The index of per-institution files: who, which file, and the totals."""
    document = {"title": _label(TITLE), "generator": f"fscai {__version__}",
                "reports": [{"institution": a.institution, "label": _label(a.institution_label),
                             "ubn": institution_of(a.submission_graph), "submission_graph": a.submission_graph,
                             "as_of": a.as_of.isoformat(), "file": name, **summary_counts(a)}
                            for a, name in entries]}
    return dumps(document)


def _records(rows: Sequence) -> list[dict]:
    """Flat records (dataclasses of strings, such as GapRow or Finding) as dicts, without ``asdict``'s deep copies."""
    names = [f.name for f in fields(rows[0])] if rows else []
    return [{name: getattr(row, name) for name in names} for row in rows]


def dumps(value) -> str:
    """``value`` as indented JSON whose records nested two lists deep take one line each.

    >>> print(dumps({"institutions": [{"ubn": "1", "gaps": [{"id": 1, "why": {"zh": "甲"}}, {"id": 2}]}]}), end="")
    {
      "institutions": [
        {
          "ubn": "1",
          "gaps": [
            {"id": 1, "why": {"zh": "甲"}},
            {"id": 2}
          ]
        }
      ]
    }
    """
    return _dumps(value, 0, 0) + "\n"


def _dumps(value, depth: int, lists: int) -> str:
    inner = "  " * (depth + 1)
    if isinstance(value, dict) and value and lists < 2:
        items = (f"{inner}{json.dumps(key, ensure_ascii=False)}: {_dumps(item, depth + 1, lists)}"
                 for key, item in value.items())
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, (list, tuple)) and value and lists < 2:
        items = (inner + _dumps(item, depth + 1, lists + 1) for item in value)
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return json.dumps(value, ensure_ascii=False)

