"""The CSV report: one row per gap, the columns of :class:`mapper.report.rows.GapRow`.

UTF-8 without a byte-order mark, ``\\n`` line ends, a header row; every text field has its
zh-Hant column first and its English column beside it.

>>> HEADER[:4]
['id', 'institution', 'institution_zh', 'institution_en']
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, fields
from typing import Sequence

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.report.rows import GapRow, gap_rows, summary_counts

HEADER = [f.name for f in fields(GapRow)]
INDEX_HEADER = ["ubn", "institution", "institution_zh", "institution_en", "submission_graph", "as_of", "file",
                "applicable", "evidenced", "gaps", "gap_records", "undetermined"]


def _write(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def render_csv(analyses: Sequence[Analysis]) -> str:
    return _write(HEADER, (astuple(r) for a in analyses for r in gap_rows(a)))


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    rows = []
    for a, name in entries:
        counts = summary_counts(a)
        rows.append([institution_of(a.submission_graph), a.institution, a.institution_label.zh,
                     a.institution_label.en, a.submission_graph, a.as_of.isoformat(), name,
                     *(counts[k] for k in ("applicable", "evidenced", "gaps", "gap_records", "undetermined"))])
    return _write(INDEX_HEADER, rows)
