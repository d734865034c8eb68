"""The analyses the pages and the JSON API show: read from the store, never computed here.

What the analysis derives from each submission (tiers, applicability) is written before the viewer
serves (``fscai serve`` analyses every institution's newest submission first); a request reads it
(:func:`mapper.analysis.read_analysis`), and the records are cached per submission and reference
date. A submission nobody analysed is listed by :func:`unanalysed`, and its pages say so.
"""

from __future__ import annotations

from flask import current_app

from mapper.analysis import Analysis, NotAnalysed, read_analysis
from mapper.classify import analysed_graphs
from mapper.catalogue.install import layout_catalogue
from mapper.catalogue.records import Catalogue
from mapper.graphs import derived_graph, institution_of, latest_graphs
from mapper.query_library import read_query
from web.config import as_of, layout
from web.identity import principal
from web.store import get_store


def catalogue() -> Catalogue:
    """The catalogue records of the app's knowledge files, read once."""
    cached = current_app.extensions.get("fscai.catalogue")
    if cached is None:
        cached = layout_catalogue(layout(current_app))
        current_app.extensions["fscai.catalogue"] = cached
    return cached


def _newest() -> tuple[list[str], set[str]]:
    """Each institution's newest submission graph, and the complete derived graphs of the store."""
    store = get_store()
    return latest_graphs(store.graphs()), analysed_graphs(store)


def latest_analyses() -> list[Analysis]:
    """The analysis of every institution's newest submission in the store, by UBN (those analysed)."""
    newest, present = _newest()
    return [analysis_of(graph) for graph in newest if derived_graph(graph) in present]


def unanalysed() -> list[str]:
    """The newest submissions whose analysis is not in the store."""
    newest, present = _newest()
    return [graph for graph in newest if derived_graph(graph) not in present]


def market_answers(name: str) -> list[dict]:
    """The rows of one of the regulator's named queries (``queries/NAME.rq``) over the store, with
    the server's reference date as ``asOf``: the market-wide numbers the home page shows are the
    ones a regulator's SPARQL client gets, read from the summary records written at intake (a few
    per institution), never from every analysis. Cached per query, reference date and whose view it
    is (the store handle reads only the principal's graphs)."""
    who = principal()
    key = (name, as_of(current_app), who.role, who.ubn)
    cache = current_app.extensions.setdefault("fscai.market", {})
    if key not in cache:
        text = read_query(name, layout(current_app)).with_defaults({"asOf": key[1]})
        cache[key] = [{k: str(v) for k, v in row.items()} for row in get_store().select(text)]
    return cache[key]


def analysis_of(graph: str) -> Analysis:
    key = (graph, as_of(current_app))
    cache = current_app.extensions.setdefault("fscai.analyses", {})
    if key not in cache:
        cache[key] = read_analysis(get_store(), graph, as_of=key[1], catalogue=catalogue())
    return cache[key]


def analysis_for_institution(ubn: str) -> Analysis | None:
    """The newest submission's analysis of one institution, by its UBN; ``NotAnalysed`` if there is
    a submission but no analysis of it."""
    for graph in _newest()[0]:
        if institution_of(graph) == ubn:
            return analysis_of(graph)
    return None


__all__ = ["NotAnalysed", "analysis_for_institution", "analysis_of", "catalogue", "latest_analyses", "market_answers",
           "unanalysed"]
