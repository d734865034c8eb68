"""The Markdown report: per institution, the summary, tiers, gaps by subject and undetermined verdicts.

Table cells put the Traditional Chinese first and the English after a ``<br>``.

>>> cell("a|b", "c\\nd")
'a\\\\|b<br>c d'
"""

from __future__ import annotations

from itertools import groupby
from typing import Sequence

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.labels import Label
from mapper.report.rows import (
    TITLE,
    cell_text,
    coverage_grid,
    gap_rows,
    kind_label,
    severity_labels,
    gap_count_line,
    summary_counts,
    tier_rows,
    undetermined_rows,
    validation_line,
)


def _escape(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def cell(*parts: str) -> str:
    return "<br>".join(_escape(p) for p in parts if p)


def _both(label: Label, notation: str = "") -> str:
    prefix = f"{notation} " if notation else ""
    return cell(prefix + label.zh, label.en)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines + [""]


def _agrees(value: bool | None) -> str:
    return {True: cell("一致", "agrees"), False: cell("不一致", "disagrees"), None: "—"}[value]


def institution_markdown(analysis: Analysis) -> list[str]:
    label = analysis.institution_label
    out = [f"## {label.zh} / {label.en}", "",
           f"- 統一編號 / UBN: {institution_of(analysis.submission_graph)}",
           f"- 申報圖 / Submission graph: `{analysis.submission_graph}`",
           f"- 基準日 / As of: {analysis.as_of.isoformat()}", ""]
    counts = summary_counts(analysis)
    out += [f"適用 {counts['applicable']}、已佐證 {counts['evidenced']}、有缺口 {counts['gaps']}、待定 "
            f"{counts['undetermined']} / applicable {counts['applicable']}, evidenced {counts['evidenced']}, "
            f"with a gap {counts['gaps']}, undetermined {counts['undetermined']} "
            f"（(措施、對象)組 / (measure, subject) pairs）", "", _escape(gap_count_line(analysis)), ""]
    if analysis.validation is not None:
        out += [_escape(validation_line(analysis)), ""]

    grid = coverage_grid(analysis)
    out += ["### 摘要：原則 × 階段 / Summary: principle × stage", "",
            "每格：適用／已佐證／缺口 / each cell: applicable / evidenced / gaps", ""]
    header = [cell("原則", "Principle"), *(_both(c.label, c.notation) for c in grid.columns), cell("合計", "Total")]
    rows = [[_both(r.label, r.notation), *(cell_text(grid.cell(r.notation, c.notation)) for c in grid.columns),
             cell_text(grid.cell(r.notation, None))] for r in grid.rows]
    rows.append([cell("合計", "Total"), *(cell_text(grid.cell(None, c.notation)) for c in grid.columns),
                 cell_text(grid.cell(None, None))])
    out += _table(header, rows)

    out += ["### 風險等級：申報與推導 / Risk tiers: declared and derived", ""]
    tiers = tier_rows(analysis)
    if tiers:
        out += _table([cell("AI系統", "AI system"), cell("申報", "Declared"), cell("推導", "Derived"),
                       cell("一致", "Agrees"), cell("分數", "Score"), cell("推導規則說明", "The rule's explanation"),
                       cell("未評估因素", "Factors not assessed")],
                      [[_both(t.system_label), _both(t.declared), _both(t.derived), _agrees(t.agrees),
                        "—" if t.score is None else str(t.score), _both(t.explanation),
                        "<br>".join(_both(f) for f in t.missing_factors) or "—"] for t in tiers])
    else:
        out += ["無AI系統 / No AI system.", ""]

    gaps = gap_rows(analysis)
    out += [f"### 缺口（依對象） / Gaps by subject ({len(gaps)})", ""]
    for _, group in groupby(gaps, key=lambda r: r.subject):
        group = list(group)
        first, kind = group[0], kind_label(analysis, group[0].subject_kind)
        out += [f"#### {_escape(first.subject_zh)} / {_escape(first.subject_en)} ({kind.zh} / {kind.en})", "",
                f"`{first.subject}`", ""]
        out += _table(
            [cell("措施", "Measure"), cell("原則", "Principle"), cell("章節", "Section"), cell("階段", "Stage"),
             cell("缺口", "Gap"), cell("適用理由", "Why it applies"), cell("缺漏", "What is missing")],
            [[cell(f"{r.measure_notation} {r.measure_zh}" + (f" 「{r.modal_keyword}」" if r.modal_keyword else ""), r.measure_en),
              cell(f"{r.principle_notation} {r.principle_zh}", r.principle_en),
              cell(f"{r.section_notation} {r.section_zh}", r.section_en) if r.section else "—",
              cell(f"{r.stage_notation} {r.stage_zh}", r.stage_en),
              cell(r.gap_kind_zh, r.gap_kind_en), cell(r.why_zh, r.why_en), cell(r.missing_zh, r.missing_en)]
             for r in group])
    if not gaps:
        out += ["無缺口 / No gaps.", ""]

    undetermined = undetermined_rows(analysis)
    out += [f"### 待定之適用判斷 / Undetermined verdicts ({len(undetermined)})", ""]
    if undetermined:
        out += _table([cell("措施", "Measure"), cell("對象", "Subject"), cell("理由", "Why"),
                       cell("缺漏資料", "Missing inputs")],
                      [[_both(u.measure, u.measure_notation), _both(u.subject_label), _both(u.why),
                        "<br>".join(f"{_both(label)} (`{iri}`)" for iri, label in u.missing_inputs)]
                       for u in undetermined])
    else:
        out += ["無 / None.", ""]
    return out + _validation(analysis)


def _validation(analysis: Analysis) -> list[str]:
    """The SHACL findings, most severe first; nothing when the analysis did not validate."""
    line = validation_line(analysis)
    if line is None:
        return []
    findings = analysis.validation.findings
    out = [f"### 資料驗證（SHACL） / Validation (SHACL) ({len(findings)})", "", _escape(line), ""]
    if findings:
        unknown, severities = Label("", ""), severity_labels(analysis)
        out += _table([cell("嚴重度", "Severity"), cell("對象", "Focus"), cell("屬性", "Property"), cell("值", "Value"),
                       cell("說明", "Message"), cell("依據", "Guideline")],
                      [[_both(severities.get(f.severity, unknown)),
                        cell(f.focus_label, f"`{f.focus}`"), f"`{_escape(f.path)}`" if f.path else "—",
                        _escape(f.shown_value) if f.shown_value is not None else "—",
                        cell(f.message_zh, f.message_en),
                        cell(f.section_label_zh, f.section_label_en) if f.section else "—"] for f in findings])
    return out


def render_markdown(analyses: Sequence[Analysis]) -> str:
    out = [f"# {TITLE.zh} / {TITLE.en}", ""]
    for analysis in analyses:
        out += institution_markdown(analysis)
    return "\n".join(out)


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    rows = []
    for a, name in entries:
        counts = summary_counts(a)
        rows.append([institution_of(a.submission_graph), _both(a.institution_label), f"[{name}]({name})",
                     *(str(counts[k]) for k in ("applicable", "evidenced", "gaps", "undetermined"))])
    header = [cell("統一編號", "UBN"), cell("機構", "Institution"), cell("報告", "Report"), cell("適用", "Applicable"),
              cell("已佐證", "Evidenced"), cell("缺口", "Gaps"), cell("待定", "Undetermined")]
    return "\n".join([f"# {TITLE.zh} / {TITLE.en}", "", *_table(header, rows)])
