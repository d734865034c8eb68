"""An institution's whole analysis as a file: ``/institution/<UBN>/report.<FORMAT>``.

The formats are the report's own (:mod:`mapper.report`): CSV (one row per gap), XLSX (a sheet
per table), JSON and the self-contained HTML page, each bilingual (Traditional Chinese first) and
rendered from the same view model as ``fscai report``. The analysis is the one the institution's
page shows (:func:`web.records.common.analyses_for`, read through the request's store handle), so
access control applies as on every page: an institution another principal holds, or one nobody
submitted, is a 404. The file is named for the institution and the reference date
(``fscai-report-83910461-2026-11-25.xlsx``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort

from mapper.analysis import NotAnalysed
from mapper.report import FORMATS, render
from web.records.common import NotFound, analyses_for

bp = Blueprint("reports", __name__)

#: What the institution page offers, in its order, with each file's media type.
DOWNLOADS = {"html": "text/html; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def file_name(ubn: str, as_of: str, fmt: str) -> str:
    """The downloaded file's name.

    >>> file_name("83910461", "2026-11-25", "xlsx")
    'fscai-report-83910461-2026-11-25.xlsx'
    """
    return f"fscai-report-{ubn}-{as_of}.{FORMATS[fmt]}"


@bp.route(f"/institution/<ubn>/report.<any({', '.join(DOWNLOADS)}):fmt>")
def institution_report(ubn: str, fmt: str) -> Response:
    try:
        analysis = analyses_for(ubn)[0]
    except NotFound as missing:
        abort(404, description=str(missing))
    except NotAnalysed as pending:
        abort(503, description=str(pending))
    body = render([analysis], fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # a byte-order mark, so a spreadsheet opens the UTF-8 Chinese as such
    response = Response(body, content_type=DOWNLOADS[fmt])
    name = file_name(ubn, analysis.as_of.isoformat()[:10], fmt)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
