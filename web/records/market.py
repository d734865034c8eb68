"""The supervisor's market dashboard: the regulator's market-wide questions, as charts with their numbers.

Every number is a row of one of the regulator's named queries (``queries/NAME.rq``), read with
:func:`web.analyses.market_answers` from the summary records written at intake, so the dashboard
and a regulator's SPARQL client give the same numbers (one definition). This module only picks,
groups and orders those rows for the page; every regulatory word (principles, gap kinds, tiers,
oversight modes) comes with the rows from the ontology. Only the regulator sees it: the page
compares institutions, which no institution may read of another.
"""

from __future__ import annotations

from itertools import groupby

from flask import current_app, url_for

from mapper.labels import local_name
from web.access import REGULATOR
from web.analyses import market_answers
from web.config import as_of
from web.identity import principal
from web.records.common import NotFound, principles

#: The named query behind each chart (``queries/NAME.rq``), as the page links them to ``/sparql``.
QUERIES = {"ranking": "gaps-by-principle", "missing": "most-missing-measures",
           "vendors": "vendor-concentration", "tiers": "systems-by-tier-oversight"}
#: How many measures and vendors the charts show (the rest are counted, not drawn).
TOP_MEASURES = 10
TOP_INSTITUTIONS = 15
TOP_VENDORS = 15
#: The ranking's choice for every chapter at once.
ALL = "all"


class RegulatorOnly(PermissionError):
    """The dashboard asked for by anyone but the regulator (a 403)."""


def dashboard(principle: str | None = None, kind: str | None = None) -> dict:
    """The four charts: institutions ranked by gaps in one chapter (``principle``: a notation, or
    every chapter), the measures with the most gap records (of one ``kind``, a gap kind's code, or
    every kind), vendor concentration with the HHI, and systems by risk tier and oversight mode."""
    if principal().role != REGULATOR:
        raise RegulatorOnly("市場概況僅供監理機關檢視 / the market dashboard is for the regulator only")
    chosen = principle or ALL
    chapters = principles()
    if chosen != ALL and chosen not in {p["notation"] for p in chapters}:
        raise NotFound(f"no principle {chosen}")
    missing, kinds = most_missing(kind)
    shown_kinds = [k for k in kinds if any(k["code"] in m["by_kind"] for m in missing)]  # the table's columns
    return {"as_of": as_of(current_app).isoformat(), "principles": chapters, "principle": chosen,
            "kind": kind, "kinds": kinds, "kind_columns": shown_kinds, **_ranked_top(ranking(chosen)),
            "missing": missing, "vendors": vendors(), "tiers": tiers(),
            "queries": {chart: {"name": name, "url": url_for("sparql.ui", query=name),
                                "text_url": url_for("sparql.library_query", name=name)}
                        for chart, name in QUERIES.items()}}


def _percent(gaps: int, applicable: int) -> float | None:
    """As ``gaps-by-principle`` rounds it: a tenth of a percent."""
    return round(1000.0 * gaps / applicable) / 10 if applicable else None


def _ranked_top(ranked: list[dict]) -> dict:
    """The ranking's first :data:`TOP_INSTITUTIONS` (the page stays ~3 screens with 100 institutions)
    and how many more there are: the whole ranking is the query's answer, linked beside it."""
    return {"ranking": ranked[:TOP_INSTITUTIONS], "ranking_more": max(0, len(ranked) - TOP_INSTITUTIONS),
            "ranking_count": len(ranked)}


def ranking(chapter: str) -> list[dict]:
    """Institutions by (measure, subject) pairs with a gap in one chapter, the most first, as the
    ``gaps-by-principle`` rows order them; for every chapter, those rows summed per institution."""
    rows = market_answers(QUERIES["ranking"])
    if chapter != ALL:
        picked = [r for r in rows if r["chapterNotation"] == chapter]
        return [_ranked(r, int(r["gaps"]), int(r["applicable"]), int(r["undetermined"])) for r in picked]
    totals: dict[str, list] = {}
    for r in rows:
        entry = totals.setdefault(r["ubn"], [r, 0, 0, 0])
        entry[1:] = [entry[1] + int(r["gaps"]), entry[2] + int(r["applicable"]), entry[3] + int(r["undetermined"])]
    summed = [_ranked(r, gaps, applicable, undetermined) for r, gaps, applicable, undetermined in totals.values()]
    return sorted(summed, key=lambda r: (-r["gaps"], r["ubn"]))


def _ranked(row: dict, gaps: int, applicable: int, undetermined: int) -> dict:
    ubn = row["ubn"]
    return {"ubn": ubn, "label": {"zh": row.get("institutionZh", ubn), "en": row.get("institutionEn", ubn)},
            "url": url_for("pages.institution", ubn=ubn), "submitted": row["submitted"], "gaps": gaps,
            "applicable": applicable, "percent": _percent(gaps, applicable), "undetermined": undetermined}


def most_missing(kind: str | None = None) -> tuple[list[dict], list[dict]]:
    """The measures with the most gap records (of one gap kind, by its code, if given), at most
    :data:`TOP_MEASURES`, each with its records per kind; and every gap kind the rows name, in
    the ontology's order (for the selector and the legend)."""
    rows = market_answers(QUERIES["missing"])
    kinds = {local_name(r["kind"]): {"code": local_name(r["kind"]), "order": int(r["kindOrder"]),
                                     "label": {"zh": r["kindZh"], "en": r["kindEn"]}} for r in rows}
    if kind and kind not in kinds:
        raise NotFound(f"no gaps of kind {kind}")
    measures = []
    for _, group in groupby(rows, key=lambda r: r["measure"]):
        group = list(group)
        first = group[0]
        by_kind = {local_name(r["kind"]): {"gaps": int(r["gaps"]), "institutions": int(r["institutions"])}
                   for r in group}
        if kind and kind not in by_kind:
            continue
        measures.append({
            "notation": first["notation"], "label": {"zh": first["measureZh"], "en": first["measureEn"]},
            "url": url_for("pages.measure", notation=first["notation"]),
            "gaps": by_kind[kind]["gaps"] if kind else int(first["measureGaps"]),
            "institutions": by_kind[kind]["institutions"] if kind else int(first["measureInstitutions"]),
            "by_kind": by_kind})
    if kind:  # the query orders by every kind's records; a stable sort keeps its order for ties
        measures.sort(key=lambda m: -m["gaps"])
    return measures[:TOP_MEASURES], sorted(kinds.values(), key=lambda k: k["order"])


def vendors() -> dict:
    """Vendors by the AI systems that use them (the most first, at most :data:`TOP_VENDORS`), the
    institutions that depend on each, its share of all (system, vendor) dependencies and the
    market's Herfindahl–Hirschman index over those shares, as ``vendor-concentration`` gives them."""
    rows = market_answers(QUERIES["vendors"])
    listed = [{"iri": r["vendor"], "label": {"zh": r.get("vendorZh", r["vendor"]), "en": r.get("vendorEn", "")},
               "url": url_for("pages.vendor", iri=r["vendor"]), "systems": int(r["systems"]),
               "institutions": int(r["institutions"]), "customer_facing": int(r["customerFacingSystems"]),
               "generative": int(r["generativeSystems"]), "share": float(r["sharePercent"])} for r in rows]
    return {"vendors": listed[:TOP_VENDORS], "more": max(0, len(listed) - TOP_VENDORS), "count": len(listed),
            "hhi": int(rows[0]["hhi"]) if rows else None}


def tiers() -> list[dict]:
    """AI systems per effective risk tier and human-oversight mode, in the query's order (highest
    tier first; modes in the guideline's order)."""
    return [{"tier": {"iri": r["tier"], "label": {"zh": r["tierZh"], "en": r["tierEn"]}},
             "oversight": {"iri": r["oversight"], "label": {"zh": r["oversightZh"], "en": r["oversightEn"]}},
             "systems": int(r["systems"]), "institutions": int(r["institutions"]),
             "customer_facing": int(r["customerFacing"]), "generative": int(r["generative"]),
             "declared_differs": int(r["declaredDiffers"])} for r in market_answers(QUERIES["tiers"])]
