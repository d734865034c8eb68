"""The HTML report: one self-contained page (inline CSS, no scripts, no external assets).

Traditional Chinese first (``lang="zh-Hant"``), English beside it (``lang="en"``), so the page
works offline and on an air-gapped network.

>>> both(Label("公平 & 問責", "fairness & accountability"))
'<span lang="zh-Hant">公平 &amp; 問責</span><br><span lang="en" class="en">fairness &amp; accountability</span>'
"""

from __future__ import annotations

from html import escape
from itertools import groupby
from typing import Sequence

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.catalogue.records import Label
from mapper.report.rows import SUBJECT_KINDS, TITLE, cell_text, coverage_grid, gap_rows, summary_counts, \
    severity_labels, tier_rows, undetermined_rows, validation_line

STYLE = """
body { font-family: "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif; margin: 2em; color: #1a1a1a; }
h1, h2, h3, h4 { font-weight: 600; } h2 { border-bottom: 2px solid #345; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #eef2f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.en { color: #555; font-size: .92em; } code { font-size: .85em; color: #444; word-break: break-all; }
.gap { font-weight: 600; color: #8a1c1c; } .ok { color: #1c6b2a; } .warn { color: #8a1c1c; }
.muted { color: #777; } nav ul { columns: 2; }
"""


def text(value: str) -> str:
    return escape(str(value), quote=False)


def both(label: Label, notation: str = "") -> str:
    prefix = f"{text(notation)} " if notation else ""
    zh = f'<span lang="zh-Hant">{prefix}{text(label.zh)}</span>'
    if not label.en or label.en == label.zh:
        return zh
    return f'{zh}<br><span lang="en" class="en">{text(label.en)}</span>'


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>\n" for r in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def _h(zh: str, en: str) -> str:
    return both(Label(zh, en))


def _summary(analysis: Analysis) -> str:
    grid = coverage_grid(analysis)
    header = [_h("原則", "Principle"), *(both(c.label, c.notation) for c in grid.columns), _h("合計", "Total")]
    rows = [[both(r.label, r.notation), *(cell_text(grid.cell(r.notation, c.notation)) for c in grid.columns),
             cell_text(grid.cell(r.notation, None))] for r in grid.rows]
    rows.append([_h("合計", "Total"), *(cell_text(grid.cell(None, c.notation)) for c in grid.columns),
                 cell_text(grid.cell(None, None))])
    return (f"<h3>{_h('摘要：原則 × 階段', 'Summary: principle × stage')}</h3>\n"
            f"<p>{_h('每格：適用／已佐證／缺口', 'each cell: applicable / evidenced / gaps')}</p>\n"
            + _table(header, rows, numeric=set(range(1, len(header)))))


def _tiers(analysis: Analysis) -> str:
    out = f"<h3>{_h('風險等級：申報與推導', 'Risk tiers: declared and derived')}</h3>\n"
    tiers = tier_rows(analysis)
    if not tiers:
        return out + f"<p>{_h('無AI系統', 'No AI system.')}</p>\n"
    agrees = {True: f'<span class="ok">{_h("一致", "agrees")}</span>',
              False: f'<span class="warn">{_h("不一致", "disagrees")}</span>', None: "—"}
    rows = [[both(t.system_label) + f"<br><code>{text(t.system)}</code>", both(t.declared), both(t.derived),
             agrees[t.agrees], "—" if t.score is None else str(t.score), both(t.explanation),
             "<br>".join(both(f) for f in t.missing_factors) or "—"] for t in tiers]
    return out + _table([_h("AI系統", "AI system"), _h("申報", "Declared"), _h("推導", "Derived"),
                         _h("一致", "Agrees"), _h("分數", "Score"), _h("推導規則說明", "The rule's explanation"),
                         _h("未評估因素", "Factors not assessed")], rows, numeric={4})


def _gaps(analysis: Analysis, anchor: str) -> str:
    gaps = gap_rows(analysis)
    out = [f"<h3>{_h('缺口（依對象）', 'Gaps by subject')} ({len(gaps)})</h3>"]
    if not gaps:
        return out[0] + f"\n<p>{_h('無缺口', 'No gaps.')}</p>\n"
    groups = [list(g) for _, g in groupby(gaps, key=lambda r: r.subject)]
    out.append("<nav><ul>" + "".join(
        f'<li><a href="#{anchor}-s{n}">{text(g[0].subject_zh)} / {text(g[0].subject_en)}</a> ({len(g)})</li>'
        for n, g in enumerate(groups, 1)) + "</ul></nav>")
    for n, group in enumerate(groups, 1):
        first, kind = group[0], SUBJECT_KINDS[group[0].subject_kind]
        out.append(f'<section id="{anchor}-s{n}"><h4>{both(Label(first.subject_zh, first.subject_en))} '
                   f'<span class="muted">({text(kind.zh)} / {text(kind.en)})</span></h4>'
                   f"<p><code>{text(first.subject)}</code></p>")
        rows = [[both(Label(r.measure_zh, r.measure_en), r.measure_notation),
                 both(Label(r.principle_zh, r.principle_en), r.principle_notation),
                 both(Label(r.section_zh, r.section_en), r.section_notation) if r.section else "—",
                 both(Label(r.stage_zh, r.stage_en), r.stage_notation),
                 f'<span class="gap">{both(Label(r.gap_kind_zh, r.gap_kind_en))}</span>',
                 both(Label(r.why_zh, r.why_en)), both(Label(r.missing_zh, r.missing_en))] for r in group]
        out.append(_table([_h("措施", "Measure"), _h("原則", "Principle"), _h("章節", "Section"), _h("階段", "Stage"),
                           _h("缺口", "Gap"), _h("適用理由", "Why it applies"), _h("缺漏", "What is missing")], rows)
                   + "</section>")
    return "\n".join(out) + "\n"


def _undetermined(analysis: Analysis) -> str:
    rows = undetermined_rows(analysis)
    out = f"<h3>{_h('待定之適用判斷', 'Undetermined verdicts')} ({len(rows)})</h3>\n"
    if not rows:
        return out + f"<p>{_h('無', 'None.')}</p>\n"
    return out + _table(
        [_h("措施", "Measure"), _h("對象", "Subject"), _h("理由", "Why"), _h("缺漏資料", "Missing inputs")],
        [[both(u.measure, u.measure_notation), both(u.subject_label), both(u.why),
          "<br>".join(f"{both(label)}<br><code>{text(iri)}</code>" for iri, label in u.missing_inputs)]
         for u in rows])


def _validation(analysis: Analysis) -> str:
    """The SHACL findings, most severe first; nothing when the analysis did not validate."""
    line = validation_line(analysis)
    if line is None:
        return ""
    findings = analysis.validation.findings
    out = f"<h3>{_h('資料驗證（SHACL）', 'Validation (SHACL)')} ({len(findings)})</h3>\n<p>{text(line)}</p>\n"
    if not findings:
        return out
    unknown, severities = Label("", ""), severity_labels()
    rows = [[both(severities.get(f.severity, unknown)),
             (f"{text(f.focus_label)}<br>" if f.focus_label else "") + f"<code>{text(f.focus)}</code>",
             f"<code>{text(f.path)}</code>" if f.path else "—",
             text(f.shown_value) if f.shown_value is not None else "—",
             both(Label(f.message_zh, f.message_en)),
             both(Label(f.section_label_zh, f.section_label_en)) if f.section else "—"] for f in findings]
    return out + _table([_h("嚴重度", "Severity"), _h("對象", "Focus"), _h("屬性", "Property"), _h("值", "Value"),
                         _h("說明", "Message"), _h("依據", "Guideline")], rows)


def institution_html(analysis: Analysis, anchor: str) -> str:
    label, counts = analysis.institution_label, summary_counts(analysis)
    facts = [(_h("統一編號", "UBN"), text(institution_of(analysis.submission_graph))),
             (_h("申報圖", "Submission graph"), f"<code>{text(analysis.submission_graph)}</code>"),
             (_h("基準日", "As of"), text(analysis.as_of.isoformat())),
             (_h("適用／已佐證／缺口／待定", "applicable / evidenced / gaps / undetermined"),
              f"{counts['applicable']} / {counts['evidenced']} / {counts['gaps']} / {counts['undetermined']}")]
    if analysis.validation is not None:
        facts.append((_h("資料驗證（SHACL）", "Validation (SHACL)"), text(validation_line(analysis))))
    return (f'<section id="{anchor}">\n<h2>{both(label)}</h2>\n'
            + _table([_h("項目", "Item"), _h("內容", "Value")], [list(f) for f in facts])
            + _summary(analysis) + _tiers(analysis) + _gaps(analysis, anchor) + _undetermined(analysis)
            + _validation(analysis)
            + "</section>\n")


def _page(body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="zh-Hant">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{text(TITLE.zh)} / {text(TITLE.en)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{both(TITLE)}</h1>\n{body}</body>\n</html>\n")


def render_html(analyses: Sequence[Analysis]) -> str:
    anchors = [f"i{institution_of(a.submission_graph)}" for a in analyses]
    nav = ""
    if len(analyses) > 1:
        nav = "<nav><ul>" + "".join(f'<li><a href="#{anchor}">{both(a.institution_label)}</a></li>'
                                    for a, anchor in zip(analyses, anchors)) + "</ul></nav>\n"
    return _page(nav + "".join(institution_html(a, anchor) for a, anchor in zip(analyses, anchors)))


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    rows = []
    for a, name in entries:
        counts = summary_counts(a)
        link = f'<a href="{escape(name)}">{both(a.institution_label)}</a>'
        rows.append([text(institution_of(a.submission_graph)), link,
                     *(str(counts[k]) for k in ("applicable", "evidenced", "gaps", "undetermined"))])
    return _page(_table([_h("統一編號", "UBN"), _h("機構", "Institution"), _h("適用", "Applicable"),
                         _h("已佐證", "Evidenced"), _h("缺口", "Gaps"), _h("待定", "Undetermined")],
                        rows, numeric={2, 3, 4, 5}))
