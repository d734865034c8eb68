"""Render the catalogue: a terminal tree, JSON, CSV and Markdown (Turtle is the ontology itself);
and, in the same four formats, what changed between two of its revisions (:mod:`mapper.catalogue.diff`).

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

from mapper.catalogue.diff import CatalogueDiff, Change, Identity
from mapper.catalogue.ontology import catalogue_graph  # noqa: F401 (doctest)
from mapper.catalogue.records import Catalogue, Statement, read_catalogue  # noqa: F401 (doctest)
from mapper.labels import Label
from mapper.namespaces import FSC

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


# What changed between two revisions (``fscai catalogue diff``) -----------------------------------

#: Each kind of change of a diff, as it is headed in every format: (key, zh-Hant, English).
DIFF_KINDS = (("added", "新增", "added"), ("removed", "刪除", "removed"), ("reworded", "文字修改", "reworded"),
              ("moved", "移動或重新編號", "moved or renumbered"),
              ("changed", "階段或規範強度變更", "changes of stage or modality"))
#: The vocabulary term that names each aspect of a change; translation has none (it is rdfs:label@en).
ASPECT_TERMS = {"stage": FSC.stage, "modality": FSC.modality, "modal_keyword": FSC.modalKeyword}
TRANSLATION = Label("英譯", "English translation")
NO_VALUE = "—"


def _kinds(diff: CatalogueDiff) -> list[tuple[str, str, str, tuple]]:
    return [(key, zh, en, getattr(diff.changes, key)) for key, zh, en in DIFF_KINDS]


def aspect_label(diff: CatalogueDiff, aspect: str) -> Label:
    """What an aspect is called: the vocabulary's word for its property."""
    return diff.vocabulary.label(str(ASPECT_TERMS[aspect])) if aspect in ASPECT_TERMS else TRANSLATION


def _value(diff: CatalogueDiff, change: Change, side: Statement, value: str | None) -> str:
    """A value of an aspect as a reader sees it: a stage with its label, a modality in the vocabulary's words."""
    if value is None:
        return NO_VALUE
    if change.aspect == "stage" and side.stage:
        return f"{value} {side.stage.label.both()}"
    if change.aspect == "modality":
        return diff.vocabulary.label(str(FSC[value])).both()
    return value


def _identity_lines(name: Label, identity: Identity, measures: int) -> list[str]:
    title = identity.title.both() if identity.title else NO_VALUE
    version = identity.version_iri or NO_VALUE
    if identity.version_info:
        version += f" ({identity.version_info})"
    return [f"{name.both()}: {title}",
            f"    來源 / source: {identity.source}",
            f"    文件 / document: {identity.document or NO_VALUE}",
            f"    版本 / version: {version}",
            f"    發布 / issued: {identity.issued or NO_VALUE}",
            f"    建議措施 / measures: {measures}"]


def render_diff_text(diff: CatalogueDiff) -> str:
    """The two identities, then each kind of change with its measures, zh-Hant first, English beside."""
    lines = ["指引目錄差異 / Catalogue diff"]
    lines += _identity_lines(Label("舊版", "old"), diff.old, diff.old_measures)
    lines += _identity_lines(Label("新版", "new"), diff.new, diff.new_measures)
    for key, zh, en, items in _kinds(diff):
        if not items:
            continue
        lines += ["", f"{zh} / {en} ({len(items)})"]
        for item in items:
            if key in ("added", "removed"):
                lines += [f"  {item.notation} [{item.modal_keyword or NO_VALUE}] {item.label.zh}",
                          f"        {item.label.en}"]
            elif key == "reworded":
                lines += [f"  {item.new.notation}",
                          f"    舊 / old: {item.old.label.zh}", f"              {item.old.label.en}",
                          f"    新 / new: {item.new.label.zh}", f"              {item.new.label.en}"]
            elif key == "moved":
                where = (f" (節 / section {_section(item.old)} → {_section(item.new)})"
                         if _section(item.old) != _section(item.new) else "")
                lines += [f"  {item.old.notation} → {item.new.notation}{where} {item.new.label.zh}",
                          f"        {item.new.label.en}"]
            else:
                lines.append(f"  {item.pair.new.notation} {aspect_label(diff, item.aspect).both()}: "
                             f"{_value(diff, item, item.pair.old, item.before)} → "
                             f"{_value(diff, item, item.pair.new, item.after)}")
    if diff.changes.empty:
        lines += ["", "無差異 / no differences: the two revisions' measures are the same"]
    return "\n".join(lines) + "\n"


def _section(m: Statement) -> str:
    return m.section.notation if m.section else NO_VALUE


def _identity_record(identity: Identity, measures: int) -> dict:
    record = asdict(identity)
    record.update(title=_label(identity.title) if identity.title else None, measures=measures)
    return record


def _side(m: Statement) -> dict:
    return {"iri": m.iri, "notation": m.notation, "section": m.section.notation if m.section else None,
            "label": _label(m.label)}


def diff_json(diff: CatalogueDiff) -> dict:
    """The diff as plain data: identities, counts, and each kind of change (a pair as its old and new side)."""
    changes = diff.changes
    return {
        "old": _identity_record(diff.old, diff.old_measures),
        "new": _identity_record(diff.new, diff.new_measures),
        "counts": {key: len(items) for key, _, _, items in _kinds(diff)},
        "added": [_measure_record(m) for m in changes.added],
        "removed": [_measure_record(m) for m in changes.removed],
        "reworded": [{"old": _side(p.old), "new": _side(p.new)} for p in changes.reworded],
        "moved": [{"old": _side(p.old), "new": _side(p.new)} for p in changes.moved],
        "changed": [{"aspect": c.aspect, "before": c.before, "after": c.after, "old": _side(c.pair.old),
                     "new": _side(c.pair.new)} for c in changes.changed],
    }


def render_diff_json(diff: CatalogueDiff) -> str:
    return json.dumps(diff_json(diff), ensure_ascii=False, indent=2) + "\n"


DIFF_CSV_COLUMNS = ["change", "old_notation", "new_notation", "old_section", "new_section", "aspect", "before",
                    "after", "label_zh", "label_en"]


def render_diff_csv(diff: CatalogueDiff) -> str:
    """One row per change (the identities are in the other formats): a reworded measure's texts are
    its ``before`` and ``after`` with the aspect ``text``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DIFF_CSV_COLUMNS)
    for m in diff.changes.removed:
        writer.writerow(["removed", m.notation, "", _section(m), "", "", "", "", m.label.zh, m.label.en])
    for m in diff.changes.added:
        writer.writerow(["added", "", m.notation, "", _section(m), "", "", "", m.label.zh, m.label.en])
    for p in diff.changes.reworded:
        writer.writerow(["reworded", p.old.notation, p.new.notation, _section(p.old), _section(p.new), "text",
                         p.old.label.zh, p.new.label.zh, p.new.label.zh, p.new.label.en])
    for p in diff.changes.moved:
        writer.writerow(["moved", p.old.notation, p.new.notation, _section(p.old), _section(p.new), "", "", "",
                         p.new.label.zh, p.new.label.en])
    for c in diff.changes.changed:
        writer.writerow(["changed", c.pair.old.notation, c.pair.new.notation, _section(c.pair.old),
                         _section(c.pair.new), c.aspect, c.before or "", c.after or "", c.pair.new.label.zh,
                         c.pair.new.label.en])
    return out.getvalue()


def render_diff_markdown(diff: CatalogueDiff) -> str:
    """The identities as a table, then one table per kind of change that has any."""
    old, new = diff.old, diff.new

    def title(identity: Identity) -> str:
        return _md_cell(identity.title.both()) if identity.title else NO_VALUE

    lines = ["# 指引目錄差異 / Catalogue diff", "", "| | 舊版 old | 新版 new |", "|---|---|---|",
             f"| 來源 source | `{old.source}` | `{new.source}` |",
             f"| 文件 document | {title(old)} | {title(new)} |",
             f"| 版本 IRI version IRI | {old.version_iri or NO_VALUE} | {new.version_iri or NO_VALUE} |",
             f"| 發布 issued | {old.issued or NO_VALUE} | {new.issued or NO_VALUE} |",
             f"| 建議措施 measures | {diff.old_measures} | {diff.new_measures} |", ""]
    for key, zh, en, items in _kinds(diff):
        if not items:
            continue
        lines += [f"## {zh} / {en[0].upper() + en[1:]} ({len(items)})", ""]
        if key in ("added", "removed"):
            lines += ["| 編號 No. | 用語 | 措施 (zh-Hant) | Measure (en) |", "|---|---|---|---|"]
            lines += [f"| {m.notation} | {m.modal_keyword or NO_VALUE} | {_md_cell(m.label.zh)} | {_md_cell(m.label.en)} |"
                      for m in items]
        elif key == "reworded":
            lines += ["| 編號 No. | 舊文字 old text | 新文字 new text |", "|---|---|---|"]
            lines += [f"| {p.new.notation} | {_md_cell(p.old.label.both())} | {_md_cell(p.new.label.both())} |"
                      for p in items]
        elif key == "moved":
            lines += ["| 舊編號 old No. | 新編號 new No. | 舊節 old section | 新節 new section | 措施 measure |",
                      "|---|---|---|---|---|"]
            lines += [f"| {p.old.notation} | {p.new.notation} | {_section(p.old)} | {_section(p.new)} | "
                      f"{_md_cell(p.new.label.both())} |" for p in items]
        else:
            lines += ["| 編號 No. | 項目 aspect | 舊 old | 新 new |", "|---|---|---|---|"]
            lines += [f"| {c.pair.new.notation} | {aspect_label(diff, c.aspect).both()} | "
                      f"{_md_cell(_value(diff, c, c.pair.old, c.before))} | "
                      f"{_md_cell(_value(diff, c, c.pair.new, c.after))} |" for c in items]
        lines.append("")
    if diff.changes.empty:
        lines += ["無差異 / No differences: the two revisions' measures are the same.", ""]
    return "\n".join(lines)
