"""Plain-text reports for the terminal: the principle × stage summary table and the gap list.

Traditional Chinese characters take two columns in a terminal, so cells are padded by display
width (:func:`display_width`), not by ``len``.

>>> display_width("AI系統"), pad("AI系統", 8) + "|", pad("12", 4, right=True)
(6, 'AI系統  |', '  12')
"""

from __future__ import annotations

import unicodedata
from typing import Sequence

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.report.rows import cell_text, coverage_grid, gap_count_line, gap_rows, kind_label, validation_line


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and fullwidth characters take two,
    combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def heading(analysis: Analysis) -> str:
    label = analysis.institution_label
    return (f"{label.zh} {label.en}（{institution_of(analysis.submission_graph)}）"
            f"基準日 / as of {analysis.as_of.isoformat()}")


def summary_table(analysis: Analysis) -> str:
    """The principle × stage table: applicable / evidenced / gaps per cell, with totals.

    Rows are labelled in Traditional Chinese with the English name on the line below; the
    stage columns are named by notation, with a bilingual legend after the table.
    """
    grid = coverage_grid(analysis)
    header = ["原則 Principle", *(c.notation for c in grid.columns), "合計 Total"]
    body: list[tuple[list[str], str | None]] = []
    for row in grid.rows:
        cells = [cell_text(grid.cell(row.notation, col.notation)) for col in grid.columns]
        body.append(([f"{row.notation}  {row.label.zh}", *cells, cell_text(grid.cell(row.notation, None))],
                     f"{' ' * (len(row.notation) + 2)}{row.label.en}"))
    totals = [cell_text(grid.cell(None, col.notation)) for col in grid.columns]
    body.append((["合計 Total", *totals, cell_text(grid.cell(None, None))], None))
    widths = [max(display_width(r[i]) for r in [header] + [b for b, _ in body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, widths[i], right=i > 0) for i, c in enumerate(cells)).rstrip()

    lines = [heading(analysis), "每格：適用／已佐證／有缺口（措施、對象組數）   each cell: applicable / evidenced / with a gap ((measure, subject) pairs)", "",
             line(header), "  ".join("-" * w for w in widths)]
    for cells, english in body:
        if english is None:
            lines.append("  ".join("-" * w for w in widths))
        lines.append(line(cells))
        if english:
            lines.append(english)
    lines.append("")
    lines += [f"{col.notation:<3}{col.label.zh}  {col.label.en}" for col in grid.columns]
    lines.append(f"待定（缺漏資料）/ undetermined (missing inputs): {len(analysis.undetermined)}")
    if analysis.validation is not None:
        lines.append(validation_line(analysis))
    return "\n".join(lines) + "\n"


def render_gaps_text(analyses: Sequence[Analysis]) -> str:
    """Every gap, grouped by institution and subject, each field zh-Hant / English."""
    out: list[str] = []
    for analysis in analyses:
        rows = gap_rows(analysis)
        out += [f"== {heading(analysis)} ==", gap_count_line(analysis), ""]
        subject = None
        for r in rows:
            if r.subject != subject:
                subject = r.subject
                kind = kind_label(analysis, r.subject_kind)
                out += [f"■ {r.subject_zh} / {r.subject_en}  [{kind.zh} / {kind.en}]  <{r.subject}>"]
            section = f"{r.section_notation} {r.section_zh} / {r.section_en}" if r.section else "—"
            out += [
                f"  {r.measure_notation}  {r.measure_zh} / {r.measure_en}" + (f"  「{r.modal_keyword}」" if r.modal_keyword else ""),
                f"      缺口 / Gap: {r.gap_kind_zh} / {r.gap_kind_en}",
                f"      原則 / Principle: {r.principle_notation} {r.principle_zh} / {r.principle_en}",
                f"      章節 / Section: {section}",
                f"      階段 / Stage: {r.stage_notation} {r.stage_zh} / {r.stage_en}",
                f"      適用理由 / Why it applies: {r.why_zh} / {r.why_en}",
                f"      缺漏 / What is missing: {r.missing_zh} / {r.missing_en}",
            ]
        out.append("")
    return "\n".join(out)
