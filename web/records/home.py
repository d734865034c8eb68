"""The home page's and the coverage matrix's records."""

from __future__ import annotations

import collections
from typing import Sequence

from flask import current_app, url_for

from mapper.analysis import Counts, CoverageCell, sum_cells
from mapper.catalogue.records import Ref, sort_key
from mapper.namespaces import FSC
from mapper.report.rows import NO_STAGE
from web.analyses import catalogue, market_answers, unanalysed
from web.config import as_of
from web.downloads import table_of
from web.listing import Filter, Spec, show
from web.records.common import (
    NotFound,
    analyses_for,
    lab,
    measure_ref,
    principles,
    ref,
)

# --- home ------------------------------------------------------------------------------------


def home() -> dict:
    """Every institution's summary, from the regulator's named questions ``institutions`` and
    ``gaps-by-principle`` (see :func:`web.analyses.market_answers`); the newest submissions nobody
    analysed yet, listed apart."""
    listed = show(_institution_spec(), market_summaries(), lambda summary: summary)
    return {"principles": principles(), "institutions": listed["rows"], "institutions_list": listed,
            "unanalysed": unanalysed()}


def _institution_spec() -> Spec:
    """The home page's institutions: paged (100 institutions made it 6 screens), sortable, downloadable."""
    columns = [("ubn", lambda i: i["ubn"]), ("institution", lambda i: i["label"]), ("submitted", lambda i: i["submitted"]),
               ("systems", lambda i: i["systems"]), ("vendors", lambda i: i["vendors"]),
               ("applicable", lambda i: i["applicable"]), ("gaps", lambda i: i["gaps"]),
               ("undetermined", lambda i: i["undetermined"])]
    return Spec(name="institutions", per=20, table=lambda items: table_of(items, columns),
                sorts={"ubn": lambda i: i["ubn"], "name": lambda i: i["label"]["en"], "submitted": lambda i: i["submitted"],
                       "systems": lambda i: i["systems"], "vendors": lambda i: i["vendors"], "gaps": lambda i: i["gaps"]})


def market_summaries() -> list[dict]:
    """One record per institution's newest submission, as :func:`institution_summary` words an
    analysis, from the summary records: date, systems, vendors, and the (measure, subject) pairs
    applicable, with a gap (per chapter and in all) and undetermined on the reference date."""
    chapters = collections.defaultdict(dict)
    for row in market_answers("gaps-by-principle"):
        chapters[row["ubn"]][row["chapterNotation"]] = row
    summaries = []
    for row in market_answers("institutions"):
        ubn, per_chapter = row["ubn"], chapters.get(row["ubn"], {})
        applicable, gaps, undetermined = (sum(int(c[k]) for c in per_chapter.values())
                                          for k in ("applicable", "gaps", "undetermined"))
        summaries.append({
            "iri": row["institution"], "ubn": ubn,
            "label": {"zh": row.get("nameZh", ubn), "en": row.get("nameEn", ubn)},
            "url": url_for("pages.institution", ubn=ubn), "submission_graph": row["submission"],
            "submitted": row["submitted"], "as_of": as_of(current_app).isoformat(),
            "systems": int(row["systems"]), "vendors": int(row["vendors"]),
            "applicable": applicable, "evidenced": applicable - gaps, "gaps": gaps, "undetermined": undetermined,
            "gaps_by_principle": {p["notation"]: int(per_chapter[p["notation"]]["gaps"]) if p["notation"] in per_chapter
                                  else 0 for p in principles()},
            "gaps_urls": {p["notation"]: url_for("pages.gaps", institution=ubn, principle=p["notation"])
                          for p in principles()},
            "gaps_url": url_for("pages.gaps", institution=ubn),
            "matrix_url": url_for("pages.matrix", institution=ubn),
        })
    return summaries


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
    listed = [{k: i[k] for k in ("iri", "ubn", "label", "url")} for i in market_summaries()]
    return {"institution": ubn, "institutions": listed,
            "columns": columns, "rows": grid, "totals": totals,
            "total": _cell_record(_sum(cells, "*", "*"), ubn)}


def _measure_spec(chapter: str, stage: str) -> Spec:
    columns = [("measure", lambda x: x["notation"]), ("label", lambda x: x["label"]),
               ("modality", lambda x: x["modality"]), *((k, lambda x, k=k: x[k]) for k in COUNTED),
               ("gaps_by_kind", lambda x: " ".join(f"{k['kind']}={k['count']}" for k in x["gaps_by_kind"]))]
    return Spec(name=f"matrix-{chapter}-{stage}-measures", per=50, table=lambda items: table_of(items, columns),
                sorts={"measure": lambda x: sort_key(x["notation"]), **{k: (lambda x, k=k: x[k]) for k in COUNTED}},
                filters={"modality": Filter(lambda x: x["modality"], lambda x: x["modality_label"])})


#: The counts of a measure in a matrix cell's list, as :class:`mapper.analysis.Counts` names them.
COUNTED = ("applicable", "evidenced", "gaps", "gap_records", "undetermined", "does_not_apply")


def matrix_cell(chapter: str, stage: str, ubn: str | None = None) -> dict:
    """One cell's measures, each with its applicable, evidenced, gap and undetermined counts, each
    count of gaps linking to the gap list it counts."""
    rows = {p["notation"]: p for p in principles()}
    columns = {c["notation"]: c for c in stage_columns()}
    if chapter not in rows or stage not in columns:
        raise NotFound(f"no matrix cell {chapter} × {stage}")
    analyses = analyses_for(ubn)
    measures = [m for m in catalogue().assessables
                if m.chapter.notation == chapter and (m.stage.notation if m.stage else "-") == stage]
    counts: dict[str, Counts] = {}
    for analysis in analyses:
        for iri, n in analysis.by_measure.items():
            counts[iri] = counts.get(iri, Counts()) + n
    kinds = {code: kind for a in analyses for code, kind in a.gap_kinds.items()}
    words = catalogue().vocabulary
    items = []
    for m in sorted(measures, key=lambda m: sort_key(m.notation)):
        c = counts.get(m.iri, Counts())
        gaps_url = url_for("pages.gaps", measure=m.notation, institution=ubn or None)
        items.append({**measure_ref(Ref(m.iri, m.notation, m.label)), "modality": m.modality,
                      "modality_label": lab(words.label(str(FSC[m.modality]))) if m.modality else None,
                      **{k: getattr(c, k) for k in COUNTED}, "gaps_url": gaps_url if c.gaps else None,
                      "gaps_by_kind": [{"kind": k, "kind_label": lab(kinds[k].label), "count": n,
                                        "url": url_for("pages.gaps", measure=m.notation, kind=k, institution=ubn or None)}
                                       for k, n in sorted(c.by_kind, key=lambda kv: kinds[kv[0]].order)]})
    listed = show(_measure_spec(chapter, stage), items, lambda x: x)
    cells = [c for a in analyses for c in a.coverage()]
    return {"institution": ubn, "chapter": rows[chapter], "stage": columns[stage],
            "cell": _cell_record(_sum(cells, chapter, stage), ubn), "measures_list": listed, "measures": listed["rows"],
            "gaps_url": url_for("pages.gaps", principle=chapter, stage=stage, institution=ubn or None),
            "matrix_url": url_for("pages.matrix", institution=ubn or None)}


def institutions() -> list[dict]:
    """Every institution's summary, as the home page lists them."""
    return home()["institutions"]
