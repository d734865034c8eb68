"""The viewer's pages and their JSON twins, registered from one table: a page is written once.

Each :class:`Route` names the records function that builds it (:mod:`web.records`), the template
that renders it, and which request arguments the function takes. The page is served at ``PATH``
(endpoint ``pages.NAME``) and its twin at ``/api/PATH`` (``api.NAME``), both from the same call,
so the two always say the same thing. A subject that is not in the store or the catalogue is a
bilingual 404; a missing ``iri`` is a 400; a submission the analysis has not read yet is a 503.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, Flask, abort, jsonify, render_template, request

from mapper.analysis import NotAnalysed
from web.records import catalogue, gaps, history, home, market, search, subjects, trace
from web.records.common import NotFound

ERRORS = {
    400: ("請求不完整", "Bad request"),
    401: ("未授權", "Unauthorized"),
    403: ("無權檢視", "Forbidden"),
    404: ("找不到", "Not found"),
    500: ("伺服器錯誤", "Server error"),
    503: ("暫時無法提供", "Unavailable"),
}


def _iri() -> str:
    iri = request.args.get("iri", "").strip()
    if not iri:
        abort(400, description="the 'iri' parameter is required")
    return iri


def _arg(name: str) -> Callable[[], str | None]:
    return lambda: request.args.get(name) or None


def _text(name: str) -> Callable[[], str]:
    return lambda: request.args.get(name, "")


def _depth() -> int:
    return request.args.get("depth", 1, type=int)


@dataclass(frozen=True)
class Route:
    """One page and (or) its JSON twin: ``build(*path values, *query arguments)``."""

    path: str
    name: str
    build: Callable
    template: str | None = None  # None: the JSON API only
    query: tuple[Callable[[], object], ...] = ()
    api: bool = True  # also served as JSON under /api


ROUTES = (
    Route("/", "home", home.home, "home.html", api=False),
    Route("/institutions", "institutions", home.institutions),
    Route("/matrix", "matrix", home.matrix, "matrix.html", (_arg("institution"),)),
    Route("/matrix/cell", "matrix_cell", home.matrix_cell, "matrix_cell.html",
          (_text("chapter"), _text("stage"), _arg("institution"))),
    Route("/catalogue", "catalogue", catalogue.catalogue_tree, "catalogue.html"),
    Route("/principle/<notation>", "principle", catalogue.principle, "principle.html"),
    Route("/section/<notation>", "section", catalogue.section, "section.html"),
    Route("/measure/<notation>", "measure", catalogue.measure, "measure.html", (_arg("institution"),)),
    Route("/institution/<ubn>", "institution", subjects.institution, "institution.html"),
    Route("/institution/<ubn>/history", "history", history.history, "history.html"),
    Route("/institution/<ubn>/changes", "changes", history.changes, "changes.html", (_arg("from"), _arg("to"))),
    Route("/system", "system", subjects.system, "system.html", (_iri,)),
    Route("/vendor", "vendor", subjects.vendor, "vendor.html", (_iri,)),
    Route("/evidence", "evidence", subjects.evidence, "evidence.html", (_iri,)),
    Route("/gaps", "gaps", gaps.gap_list, "gaps.html", (_arg("institution"),)),
    Route("/trace", "trace", trace.trace, "trace.html", (_iri, _depth)),
    Route("/search", "search", search.search, "search.html", (_text("q"), _arg("kind"))),
    Route("/market", "market", market.dashboard, "market.html", (_arg("principle"), _arg("kind"))),
)


def _built(route: Route, values: dict):
    try:
        return route.build(*values.values(), *(read() for read in route.query))
    except NotFound as missing:
        abort(404, description=str(missing))
    except NotAnalysed as pending:
        abort(503, description=str(pending))
    except PermissionError as refused:  # a page only some principals may see (the market dashboard)
        abort(403, description=str(refused))


def _page_view(route: Route):
    def view(**values):
        return render_template(route.template, r=_built(route, values))
    return view


def _api_view(route: Route):
    def view(**values):
        return jsonify(_built(route, values))
    return view


def register(app: Flask) -> None:
    """Register every route of :data:`ROUTES` as a page and as JSON, and the error pages."""
    pages, api = Blueprint("pages", __name__), Blueprint("api", __name__)
    for route in ROUTES:
        if route.template:
            pages.add_url_rule(route.path, route.name, _page_view(route))
        if route.api:
            api.add_url_rule(route.path, route.name, _api_view(route))
    for code in ERRORS:
        app.register_error_handler(code, error)
    app.register_blueprint(pages)
    app.register_blueprint(api, url_prefix="/api")


def error(exc):
    zh, en = ERRORS.get(exc.code, ("錯誤", "Error"))
    if request.path.startswith("/api/"):
        return jsonify(error={"zh": zh, "en": en, "code": exc.code, "detail": exc.description}), exc.code
    return render_template("error.html", code=exc.code, zh=zh, en=en, detail=exc.description), exc.code
