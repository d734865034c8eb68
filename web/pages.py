"""The analyst's viewer: server-rendered pages, Traditional Chinese first and English beside.

Each route calls one function of ``web.records*`` (the JSON API calls the same one) and renders
its template; a subject that is not in the store or the catalogue is a bilingual 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from web import records, records_catalogue, records_subjects, records_trace
from web.records import NotFound

bp = Blueprint("pages", __name__)

ERRORS = {
    400: ("請求不完整", "Bad request"),
    404: ("找不到", "Not found"),
}


def _page(template: str, build, *args, **context):
    try:
        found = build(*args)
    except NotFound as exc:
        abort(404, description=str(exc))
    return render_template(template, r=found, **context)


def _iri() -> str:
    iri = request.args.get("iri", "").strip()
    if not iri:
        abort(400, description="the 'iri' parameter is required")
    return iri


@bp.app_errorhandler(400)
@bp.app_errorhandler(404)
def error(exc):
    zh, en = ERRORS.get(exc.code, ("錯誤", "Error"))
    if request.path.startswith("/api/"):
        return jsonify(error={"zh": zh, "en": en, "code": exc.code, "detail": exc.description}), exc.code
    return render_template("error.html", code=exc.code, zh=zh, en=en, detail=exc.description), exc.code


@bp.route("/")
def home():
    return _page("home.html", records.home)


@bp.route("/matrix")
def matrix():
    return _page("matrix.html", records.matrix, request.args.get("institution") or None)


@bp.route("/matrix/cell")
def matrix_cell():
    args = request.args
    return _page("matrix_cell.html", records.matrix_cell, args.get("chapter", ""), args.get("stage", ""),
                 args.get("institution") or None)


@bp.route("/catalogue")
def catalogue():
    return _page("catalogue.html", records_catalogue.catalogue_tree)


@bp.route("/principle/<notation>")
def principle(notation: str):
    return _page("principle.html", records_catalogue.principle, notation)


@bp.route("/section/<notation>")
def section(notation: str):
    return _page("section.html", records_catalogue.section, notation)


@bp.route("/measure/<notation>")
def measure(notation: str):
    return _page("measure.html", records_catalogue.measure, notation)


@bp.route("/institution/<ubn>")
def institution(ubn: str):
    return _page("institution.html", records_subjects.institution, ubn)


@bp.route("/system")
def system():
    return _page("system.html", records_subjects.system, _iri())


@bp.route("/vendor")
def vendor():
    return _page("vendor.html", records_subjects.vendor, _iri())


@bp.route("/evidence")
def evidence():
    return _page("evidence.html", records_subjects.evidence, _iri())


@bp.route("/trace")
def trace():
    return _page("trace.html", records_trace.trace, _iri(), request.args.get("depth", 1, type=int))


@bp.route("/search")
def search():
    return _page("search.html", records_trace.search, request.args.get("q", ""))
