"""The analyses the pages and the JSON API show, computed once per submission and reference date.

Analysing writes each submission's derived graph (tiers, applicability), so the SPARQL endpoint
sees it too; ``fscai serve`` analyses every institution's newest submission before serving.
"""

from __future__ import annotations

from flask import current_app

from mapper.analysis import Analysis, analyse, institution_of, latest_graphs, submission_graphs
from mapper.catalogue import Catalogue
from mapper.catalogue_store import install_catalogue, layout_catalogue
from mapper.layout import project_layout
from web import as_of
from web.store_access import get_store


def layout():
    return project_layout(current_app.config.get("FSCAI_ROOT"))


def catalogue() -> Catalogue:
    cached = current_app.extensions.get("fscai.catalogue")
    if cached is None:
        cached = layout_catalogue(layout())
        current_app.extensions["fscai.catalogue"] = cached
    return cached


def latest_analyses() -> list[Analysis]:
    """The analysis of every institution's newest submission in the store, by UBN."""
    store = get_store()
    return [analysis_of(graph) for graph in latest_graphs(submission_graphs(store))]


def analysis_of(graph: str) -> Analysis:
    key = (graph, as_of(current_app))
    cache = current_app.extensions["fscai.analyses"]
    with current_app.extensions["fscai.lock"]:
        if key not in cache:
            store = get_store()
            if not current_app.extensions.get("fscai.catalogue-installed"):
                install_catalogue(store, layout())
                current_app.extensions["fscai.catalogue-installed"] = True
            cache[key] = analyse(store, graph, as_of=key[1], layout=layout(), catalogue=catalogue(), install=False)
        return cache[key]


def analysis_for_institution(ubn: str) -> Analysis | None:
    """The newest submission's analysis of one institution, by its UBN."""
    for graph in latest_graphs(submission_graphs(get_store())):
        if institution_of(graph) == ubn:
            return analysis_of(graph)
    return None
