"""The home page's and the coverage matrix's records."""

from __future__ import annotations

from typing import Sequence

from flask import url_for

from mapper.analysis import Counts, CoverageCell, sum_cells
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
            "evidenced": cell.evidenced, "gaps": cell.gaps, "gap_records": cell.gap_records,
            "undetermined": cell.undetermined,
            "share": _share(cell), "url": url_for("pages.matrix_cell", chapter=cell.chapter, stage=cell.stage,
                                                  institution=ubn or None)}


def _sum(cells: Sequence[CoverageCell], chapter: str, stage: str) -> CoverageCell:
    return sum_cells(cells, None if chapter == "*" else chapter, None if stage == "*" else stage)


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
    counts: dict[str, Counts] = {}
    for analysis in analyses:
        for iri, n in analysis.tally(lambda m: m.iri).items():
            counts[iri] = counts.get(iri, Counts()) + n
    listed = []
    for m in sorted(measures, key=lambda m: sort_key(m.notation)):
        c = counts.get(m.iri, Counts())
        listed.append({**measure_ref(Ref(m.iri, m.notation, m.label)), "modality": m.modality,
                       "applicable": c.applicable, "evidenced": c.evidenced, "gaps": c.gaps,
                       "gap_records": c.gap_records, "undetermined": c.undetermined,
                       "does_not_apply": c.does_not_apply, "gaps_by_kind": dict(c.by_kind)})
    cells = [c for a in analyses for c in a.coverage()]
    return {"institution": ubn, "chapter": rows[chapter], "stage": columns[stage],
            "cell": _cell_record(_sum(cells, chapter, stage), ubn), "measures": listed,
            "matrix_url": url_for("pages.matrix", institution=ubn or None)}


def institutions() -> list[dict]:
    """Every institution's summary, as the home page lists them."""
    return home()["institutions"]
