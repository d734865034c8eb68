"""The XLSX report: one workbook, one sheet per table, every institution's rows in each sheet.

Sheets, in order: the overview (one row per institution: who, when, the totals), the principle ×
stage summary, the risk tiers, the gaps (the columns of :class:`mapper.report.rows.GapRow`, as the
CSV report), the undetermined verdicts and, when the analysis validated the submission, the SHACL
findings. A sheet's name is bilingual (Traditional Chinese first); its first row is the column
names the CSV and JSON reports use, each text field as a ``_zh`` column with its ``_en`` column
beside it, so a column reads the same in every format; the header row is frozen and filterable.

>>> [name for name, _, _ in SHEETS]
['概況 Overview', '摘要 Summary', '風險等級 Risk tiers', '缺口 Gaps', '待定 Undetermined', '驗證 Validation']
"""

from __future__ import annotations

import io
from dataclasses import astuple, fields
from typing import Callable, Iterable, Sequence

from mapper import __version__
from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.labels import Label
from mapper.report.rows import (
    GapRow,
    coverage_grid,
    gap_rows,
    summary_counts,
    tier_rows,
    undetermined_rows,
    validation_counts,
)
from mapper.validate.findings import Finding

TOTALS = ("applicable", "evidenced", "gaps", "gap_records", "undetermined")


def _two(label: Label | None) -> list[str]:
    return [label.zh, label.en] if label else ["", ""]


def _overview(a: Analysis) -> Iterable[list]:
    counts = summary_counts(a)
    validation = validation_counts(a)
    yield [institution_of(a.submission_graph), a.institution, *_two(a.institution_label), a.submission_graph,
           a.as_of.isoformat(), *(counts[k] for k in TOTALS),
           "" if validation is None else ("yes" if a.validation.conforms else "no"), f"fscai {__version__}"]


def _summary(a: Analysis) -> Iterable[list]:
    grid, ubn = coverage_grid(a), institution_of(a.submission_graph)
    for row in grid.rows:
        for col in grid.columns:
            cell = grid.cell(row.notation, col.notation)
            if cell.applicable or cell.gaps or cell.undetermined:
                yield [ubn, row.notation, *_two(row.label), col.notation, *_two(col.label), cell.applicable,
                       cell.evidenced, cell.gaps, cell.gap_records, cell.undetermined]


def _tiers(a: Analysis) -> Iterable[list]:
    ubn = institution_of(a.submission_graph)
    for t in tier_rows(a):
        yield [ubn, t.system, *_two(t.system_label), *_two(t.declared), *_two(t.derived), *_two(t.effective),
               "" if t.agrees is None else ("yes" if t.agrees else "no"), "" if t.score is None else t.score,
               *_two(t.explanation), "; ".join(f.zh for f in t.missing_factors),
               "; ".join(f.en for f in t.missing_factors)]


def _gaps(a: Analysis) -> Iterable[tuple]:
    return (astuple(r) for r in gap_rows(a))


def _undetermined(a: Analysis) -> Iterable[list]:
    ubn = institution_of(a.submission_graph)
    for u in undetermined_rows(a):
        yield [ubn, u.measure_notation, *_two(u.measure), u.subject, *_two(u.subject_label), *_two(u.why),
               " ".join(iri for iri, _ in u.missing_inputs), "; ".join(label.zh for _, label in u.missing_inputs),
               "; ".join(label.en for _, label in u.missing_inputs)]


FINDING_FIELDS = [f.name for f in fields(Finding)]


def _findings(a: Analysis) -> Iterable[list]:
    if a.validation is None:
        return
    ubn = institution_of(a.submission_graph)
    for finding in a.validation.findings:
        yield [ubn, *("" if (v := getattr(finding, n)) is None else v for n in FINDING_FIELDS)]


#: (sheet name, header, rows of one analysis); the findings' columns are the Finding record's.
SHEETS: tuple[tuple[str, list[str], Callable[[Analysis], Iterable]], ...] = (
    ("概況 Overview", ["ubn", "institution", "institution_zh", "institution_en", "submission_graph", "as_of",
                     *TOTALS, "validation_conforms", "generator"], _overview),
    ("摘要 Summary", ["ubn", "principle", "principle_zh", "principle_en", "stage", "stage_zh", "stage_en",
                    "applicable", "evidenced", "gaps", "gap_records", "undetermined"], _summary),
    ("風險等級 Risk tiers", ["ubn", "system", "system_zh", "system_en", "declared_zh", "declared_en", "derived_zh",
                         "derived_en", "effective_zh", "effective_en", "agrees", "score", "explanation_zh",
                         "explanation_en", "missing_factors_zh", "missing_factors_en"], _tiers),
    ("缺口 Gaps", [f.name for f in fields(GapRow)], _gaps),
    ("待定 Undetermined", ["ubn", "measure_notation", "measure_zh", "measure_en", "subject", "subject_zh",
                         "subject_en", "why_zh", "why_en", "missing_inputs", "missing_inputs_zh",
                         "missing_inputs_en"], _undetermined),
    ("驗證 Validation", ["ubn", *FINDING_FIELDS], _findings),
)


def render_xlsx(analyses: Sequence[Analysis]) -> bytes:
    """All the analyses as one workbook (the bytes of an .xlsx file). The validation sheet is
    there only when some analysis validated its submission."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, header, rows_of in SHEETS:
        if rows_of is _findings and all(a.validation is None for a in analyses):
            continue
        rows = [list(row) for a in analyses for row in rows_of(a)]
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"
        for i, column in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = 40 if column.endswith(("_zh", "_en")) else 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
