"""Render the catalogue: a terminal tree, JSON, CSV and Markdown (Turtle is the ontology itself).

>>> cat = read_catalogue(catalogue_graph())
>>> "2.1.3" in render_text(cat)
True
>>> render_csv(cat).splitlines()[0].split(",")[:3]
['notation', 'label_zh', 'label_en']
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from itertools import groupby

from mapper.catalogue.ontology import catalogue_graph  # noqa: F401 (doctest)
from mapper.catalogue.records import Catalogue, Statement, read_catalogue  # noqa: F401 (doctest)

NO_STAGE = "不分階段 / not placed in a lifecycle stage"


def _stage_key(m: Statement) -> str:
    return m.stage.notation if m.stage else "S9"


def _measure_line(m: Statement) -> str:
    flags = f"[{m.modal_keyword or '—'}]"
    inferred = " (階段係推定 / stage inferred)" if m.stage_inferred else ""
    return f"{m.notation} {flags} {m.label.zh}\n          {m.label.en}{inferred}"


def render_text(cat: Catalogue) -> str:
    """The tree principle → section → stage → measure, zh-Hant first, English beside, with counts."""
    lines = []
    measures = cat.measures
    for chapter in cat.chapters:
        in_chapter = [m for m in measures if m.chapter.iri == chapter.iri]
        if not chapter.sections:
            continue
        lines.append(f"{chapter.notation} {chapter.label.both()}  ({len(in_chapter)} 項措施 / measures)")
        for section in chapter.sections:
            in_section = sorted((m for m in in_chapter if m.section and m.section.iri == section.iri),
                                key=lambda m: (_stage_key(m), m.order))
            if not in_section:
                continue
            lines.append(f"  {section.notation} {section.label.both()}  ({len(in_section)})")
            for _, group in groupby(in_section, key=_stage_key):
                group = list(group)
                stage = group[0].stage
                lines.append(f"    {stage.notation + ' ' + stage.label.both() if stage else NO_STAGE}  ({len(group)})")
                lines.extend(f"        {_measure_line(m)}" for m in group)
    counts = cat.counts()
    lines.append("")
    lines.append("合計 / Totals: " + ", ".join(f"{k}={v}" for k, v in counts.items() if not isinstance(v, dict)))
    lines.append("各章措施數 / measures per chapter: " + ", ".join(f"{k}={v}" for k, v in counts["measures_by_chapter"].items()))
    lines.append("各階段措施數 / measures per stage: " + ", ".join(f"{k}={v}" for k, v in counts["measures_by_stage"].items()))
    return "\n".join(lines) + "\n"


def _label(label) -> dict:
    return {"zh-Hant": label.zh, "en": label.en}


def _ref(ref) -> dict | None:
    return {"iri": ref.iri, "notation": ref.notation, "label": _label(ref.label)} if ref else None


def _term_record(term) -> dict:
    record = asdict(term)
    record["label"] = _label(term.label)
    record["definition"] = _label(term.definition) if term.definition else None
    return record


def _statement_record(s: Statement) -> dict:
    record = asdict(s)
    record.update(label=_label(s.label), chapter=_ref(s.chapter), section=_ref(s.section), stage=_ref(s.stage))
    return record


def _measure_record(m: Statement) -> dict:
    return {
        "iri": m.iri, "notation": m.notation, "label": _label(m.label),
        "chapter": _ref(m.chapter),
        "principle": m.chapter.notation if m.chapter.notation.isdigit() else None,
        "section": _ref(m.section),
        "stage": _ref(m.stage),
        "stage_inferred": m.stage_inferred, "section_inferred": m.section_inferred,
        "modality": m.modality, "modal_keyword": m.modal_keyword,
        "source": asdict(m.source), "editorial_notes": list(m.notes),
    }


def catalogue_json(cat: Catalogue) -> dict:
    by_kind: dict[str, list] = {}
    for term in cat.terms:
        by_kind.setdefault(term.kind, []).append(_term_record(term))
    return {
        "counts": cat.counts(),
        "chapters": [
            {"iri": c.iri, "kind": c.kind, "notation": c.notation, "label": _label(c.label),
             "sections": [_ref(s) for s in c.sections]}
            for c in cat.chapters
        ],
        "principles": [_ref(c) for c in cat.principles],
        "stages": by_kind.get("LifecycleStage", []),
        "risk_factors": by_kind.get("RiskFactor", []),
        "oversight_modes": by_kind.get("HumanOversightMode", []),
        "higher_risk_controls": by_kind.get("HigherRiskControl", []),
        "alternative_considerations": by_kind.get("AlternativeConsideration", []),
        "customer_notice_items": by_kind.get("CustomerNoticeItem", []),
        "defined_terms": by_kind.get("DefinedTerm", []),
        "statements": [_statement_record(s) for s in cat.statements if s.kind != "Measure"],
        "measures": [_measure_record(m) for m in cat.measures],
    }


def render_json(cat: Catalogue) -> str:
    return json.dumps(catalogue_json(cat), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["notation", "label_zh", "label_en", "chapter", "chapter_zh", "section", "section_zh", "stage",
               "stage_zh", "stage_inferred", "modality", "modal_keyword", "source_part", "iri"]


def render_csv(cat: Catalogue) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in cat.measures:
        writer.writerow([m.notation, m.label.zh, m.label.en, m.chapter.notation, m.chapter.label.zh,
                         m.section.notation if m.section else "", m.section.label.zh if m.section else "",
                         m.stage.notation if m.stage else "", m.stage.label.zh if m.stage else "",
                         str(m.stage_inferred).lower(), m.modality or "", m.modal_keyword or "",
                         m.source.part or "", m.iri])
    return out.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(cat: Catalogue) -> str:
    lines = ["# 金融業運用人工智慧(AI)指引草案：建議措施目錄 / Catalogue of measures", ""]
    for chapter in cat.chapters:
        in_chapter = [m for m in cat.measures if m.chapter.iri == chapter.iri]
        if not in_chapter:
            continue
        lines += [f"## {chapter.notation} {chapter.label.zh} / {chapter.label.en}", ""]
        for section in chapter.sections:
            rows = [m for m in in_chapter if m.section and m.section.iri == section.iri]
            if not rows:
                continue
            lines += [f"### {section.notation} {section.label.zh} / {section.label.en}", "",
                      "| 編號 No. | 階段 Stage | 用語 | 措施 (zh-Hant) | Measure (en) |", "|---|---|---|---|---|"]
            for m in rows:
                stage = f"{m.stage.label.zh}{'*' if m.stage_inferred else ''}" if m.stage else "—"
                lines.append(f"| {m.notation} | {stage} | {m.modal_keyword or '—'} | {_md_cell(m.label.zh)} | {_md_cell(m.label.en)} |")
            lines.append("")
    lines.append("\\* 階段係依投影片欄位順序推定 / stage reconstructed from the slide's column order.")
    return "\n".join(lines) + "\n"
