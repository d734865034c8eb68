"""The JSON API: the same records the pages render, one route per page (mounted at ``/api``).

Unknown subjects are a 404 with a bilingual JSON error (``web.pages.error``); a missing ``iri``
parameter is a 400.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from web import records, records_catalogue, records_subjects, records_trace
from web.records import NotFound

bp = Blueprint("api", __name__)


def _answer(build, *args):
    try:
        return jsonify(build(*args))
    except NotFound as exc:
        abort(404, description=str(exc))


def _iri() -> str:
    iri = request.args.get("iri", "").strip()
    if not iri:
        abort(400, description="the 'iri' parameter is required")
    return iri


@bp.route("/institutions")
def institutions():
    return _answer(lambda: records.home()["institutions"])


@bp.route("/institution/<ubn>")
def institution(ubn: str):
    return _answer(records_subjects.institution, ubn)


@bp.route("/matrix")
def matrix():
    return _answer(records.matrix, request.args.get("institution") or None)


@bp.route("/matrix/cell")
def matrix_cell():
    args = request.args
    return _answer(records.matrix_cell, args.get("chapter", ""), args.get("stage", ""),
                   args.get("institution") or None)


@bp.route("/catalogue")
def catalogue():
    return _answer(records_catalogue.catalogue_tree)


@bp.route("/principle/<notation>")
def principle(notation: str):
    return _answer(records_catalogue.principle, notation)


@bp.route("/section/<notation>")
def section(notation: str):
    return _answer(records_catalogue.section, notation)


@bp.route("/measure/<notation>")
def measure(notation: str):
    return _answer(records_catalogue.measure, notation)


@bp.route("/system")
def system():
    return _answer(records_subjects.system, _iri())


@bp.route("/vendor")
def vendor():
    return _answer(records_subjects.vendor, _iri())


@bp.route("/evidence")
def evidence():
    return _answer(records_subjects.evidence, _iri())


@bp.route("/gaps")
def gaps():
    args = request.args
    return _answer(records_subjects.gap_list, args.get("institution") or None, args.get("kind") or None)


@bp.route("/trace")
def trace():
    return _answer(records_trace.trace, _iri(), request.args.get("depth", 1, type=int))


@bp.route("/search")
def search():
    return _answer(records_trace.search, request.args.get("q", ""))
