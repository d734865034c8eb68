"""The home page's and the coverage matrix's records."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from flask import url_for

from mapper.analysis import CoverageCell
from mapper.catalogue.records import Ref, sort_key
from mapper.report.rows import NO_STAGE
from web.analyses import catalogue, latest_analyses, unanalysed
from web.records.common import (
    NotFound,
    analyses_for,
    institution_ref,
    institution_summary,
    measure_ref,
    principles,
    ref,
)

# --- home ------------------------------------------------------------------------------------


def home() -> dict:
    """Every institution's summary; the newest submissions nobody analysed yet, listed apart."""
    return {"principles": principles(), "institutions": [institution_summary(a) for a in latest_analyses()],
            "unanalysed": unanalysed()}


# --- the coverage matrix ---------------------------------------------------------------------


def _share(cell: CoverageCell) -> float | None:
    return None if not cell.applicable else round(cell.evidenced / cell.applicable, 4)


def _cell_record(cell: CoverageCell, ubn: str | None) -> dict:
    return {"chapter": cell.chapter, "stage": cell.stage, "applicable": cell.applicable,
            "evidenced": cell.evidenced, "gaps": cell.gaps, "undetermined": cell.undetermined,
            "share": _share(cell), "url": url_for("pages.matrix_cell", chapter=cell.chapter, stage=cell.stage,
                                                  institution=ubn or None)}


def _sum(cells: Sequence[CoverageCell], chapter: str, stage: str) -> CoverageCell:
    picked = [c for c in cells if chapter in ("*", c.chapter) and stage in ("*", c.stage)]
    return CoverageCell(chapter, stage, *(sum(getattr(c, f) for c in picked)
                                          for f in ("applicable", "evidenced", "gaps", "undetermined")))


def stage_columns() -> list[dict]:
    stages = [Ref(t.iri, t.notation, t.label) for t in catalogue().terms_of("LifecycleStage")]
    return [ref(s) for s in stages] + [ref(NO_STAGE)]


def matrix(ubn: str | None = None) -> dict:
    """Principles × lifecycle stages (+ not in a stage): applicable pairs, evidenced, gaps."""
    analyses = analyses_for(ubn)
    cells = [c for a in analyses for c in a.coverage()]
    columns, rows = stage_columns(), principles()
    grid = []
    for row in rows:
        grid.append({**row, "cells": [_cell_record(_sum(cells, row["notation"], col["notation"]), ubn)
                                      for col in columns],
                     "total": _cell_record(_sum(cells, row["notation"], "*"), ubn)})
    totals = [_cell_record(_sum(cells, "*", col["notation"]), ubn) for col in columns]
    return {"institution": ubn, "institutions": [institution_ref(a) for a in latest_analyses()],
            "columns": columns, "rows": grid, "totals": totals,
            "total": _cell_record(_sum(cells, "*", "*"), ubn)}


def matrix_cell(chapter: str, stage: str, ubn: str | None = None) -> dict:
    """One cell's measures, each with its applicable, evidenced, gap and undetermined counts."""
    rows = {p["notation"]: p for p in principles()}
    columns = {c["notation"]: c for c in stage_columns()}
    if chapter not in rows or stage not in columns:
        raise NotFound(f"no matrix cell {chapter} × {stage}")
    analyses = analyses_for(ubn)
    measures = [m for m in catalogue().measures
                if m.chapter.notation == chapter and (m.stage.notation if m.stage else "-") == stage]
    wanted = {m.iri for m in measures}
    counts = {m.iri: Counter() for m in measures}
    for analysis in analyses:
        with_gap = {(g.measure.iri, g.subject) for g in analysis.gaps}
        for verdict in analysis.classification.verdicts:
            if verdict.measure in wanted:
                counts[verdict.measure][verdict.verdict] += 1
                if verdict.verdict == "applies" and (verdict.measure, verdict.subject) not in with_gap:
                    counts[verdict.measure]["evidenced"] += 1
        for gap in analysis.gaps:
            if gap.measure.iri in wanted:
                counts[gap.measure.iri]["gaps"] += 1
                counts[gap.measure.iri]["gap:" + gap.kind.code] += 1
    listed = []
    for m in sorted(measures, key=lambda m: sort_key(m.notation)):
        c = counts[m.iri]
        listed.append({**measure_ref(Ref(m.iri, m.notation, m.label)), "modality": m.modality,
                       "applicable": c["applies"], "evidenced": c["evidenced"], "gaps": c["gaps"],
                       "undetermined": c["undetermined"], "does_not_apply": c["does-not-apply"],
                       "gaps_by_kind": {k[4:]: n for k, n in sorted(c.items()) if k.startswith("gap:")}})
    cells = [c for a in analyses for c in a.coverage()]
    return {"institution": ubn, "chapter": rows[chapter], "stage": columns[stage],
            "cell": _cell_record(_sum(cells, chapter, stage), ubn), "measures": listed,
            "matrix_url": url_for("pages.matrix", institution=ubn or None)}


def institutions() -> list[dict]:
    """Every institution's summary, as the home page lists them."""
    return home()["institutions"]
