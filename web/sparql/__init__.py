"""``/sparql``: the regulator's read-only SPARQL 1.1 endpoint, its YASGUI page and query library.

- ``GET|POST /sparql`` with a query: the SPARQL 1.1 Protocol (:mod:`web.sparql.protocol`),
  results negotiated (:mod:`web.sparql.negotiation`), refused in layers (:mod:`web.sparql.guard`),
  on the dataset the caller's token may read (:mod:`web.access`), within a deadline that
  really stops the query (:mod:`web.sparql.pool`) and a row cap (:mod:`web.sparql.results`);
- ``GET /sparql`` without a query: the service description (:mod:`web.sparql.description`), or
  the YASGUI page when a browser asks for HTML; ``GET /sparql/ui``: the page;
- ``GET /sparql/queries``: the named query library as JSON; ``/sparql/queries/NAME``: one ``.rq``;
- CORS on all of them (``*``: a cross-origin caller sends its token in a header; browsers never send
  the viewer's SameSite session cookie to another site's script, nor let it read a credentialed reply).

Who asks is resolved once per request for every route (:mod:`web.identity`).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for

from mapper.query_library import list_queries, read_query
from mapper.rq import QueryFileError
from web.config import as_of, layout
from web.access import AccessError, Principal
from web.identity import principal as request_principal
from web.sparql.description import PREFIXES, describe
from web.sparql.engine import Job, Outcome, error
from web.sparql.guard import Refusal, check_size
from web.sparql.negotiation import GRAPH_OFFERS, choose_from, prefers_html
from web.sparql.protocol import parse_request
from web.sparql.results import RDF_FORMATS
from web.sparql.service import SparqlService, install
from web.store import get_store

bp = Blueprint("sparql", __name__)
bp.record_once(lambda state: install(state.app))

ALL_METHODS = ["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
EXPOSED = "X-FSCAI-Truncated, X-FSCAI-Row-Limit, X-FSCAI-Rows, X-FSCAI-Timeout-S"


@bp.route("/sparql", methods=ALL_METHODS)
def endpoint():
    if request.method == "OPTIONS":
        return _preflight()
    service = SparqlService.of(current_app)
    try:
        principal = request_principal()
    except AccessError as refused:
        return _respond(error(refused.status, str(refused)), auth_error=refused.status == 401)
    try:
        protocol = parse_request(request)
        g.audit_query = protocol.query  # its digest goes to the audit log (web.audit)
        if protocol.query is None:
            if request.method == "POST":
                raise Refusal(400, "缺少查詢 / no query: send query=... or an application/sparql-query body")
            if prefers_html(request.headers.get("Accept")):
                return ui()
            return _service_description(service, principal)
        check_size(protocol.query, service.settings.max_query_bytes)
        deadline = service.settings.deadline_s(protocol.timeout, public=principal.role == "public")
    except Refusal as refused:
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"} if refused.status == 405 else {}
        return _respond(error(refused.status, refused.message), headers=headers)
    except ValueError as bad:
        return _respond(error(400, f"參數錯誤 / bad parameter: {bad}"))
    job = Job(protocol.query, request.headers.get("Accept"), principal, protocol.requested, service.settings.max_rows)
    outcome = service.run(job, deadline)
    headers = {"X-FSCAI-Timeout-S": f"{deadline:g}"}
    if outcome.status == 200:  # (errors are never 200; text/plain may be N-Triples)
        headers["X-FSCAI-Truncated"] = "true" if outcome.truncated else "false"
        headers["X-FSCAI-Rows"] = str(outcome.rows)
        if outcome.truncated:
            headers["X-FSCAI-Row-Limit"] = str(service.settings.max_rows)
    return _respond(outcome, headers=headers)


@bp.route("/sparql/ui")
def ui():
    queries = [q.as_json(_defaults()) for q in list_queries(layout(current_app))]
    return _cors(Response(render_template("sparql.html", queries=queries), mimetype="text/html"))


@bp.route("/sparql/queries")
def library():
    return _cors(jsonify(queries=[q.as_json(_defaults()) for q in list_queries(layout(current_app))]))


@bp.route("/sparql/queries/<name>")
def library_query(name: str):
    try:
        query = read_query(name.removesuffix(".rq"), layout(current_app))
    except QueryFileError as missing:
        return _respond(error(404, str(missing)))
    return _cors(Response(query.with_defaults(_defaults()), mimetype="application/sparql-query"))


def _defaults() -> dict:
    """What the library is offered with: the server's reference date (``--as-of``, else today) as
    ``asOf``, the same date the viewer and ``/api`` count gaps on."""
    return {"asOf": as_of(current_app)}


def _service_description(service: SparqlService, principal: Principal) -> Response:
    fmt = choose_from(GRAPH_OFFERS, request.headers.get("Accept"))
    if fmt is None:
        offered = ", ".join(dict.fromkeys(f.media_type for f in GRAPH_OFFERS))
        return _respond(error(406, f"無可接受之格式 / not acceptable: the service description is {offered}"))
    graphs = get_store().graphs()  # the handle lists only the graphs the principal may read
    triples = describe(url_for("sparql.endpoint", _external=True), principal, graphs, service.settings)
    rdf_format = RDF_FORMATS[fmt.name]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    body = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return _respond(Outcome(200, body, fmt.content_type))


def _respond(outcome: Outcome, headers: dict | None = None, auth_error: bool = False) -> Response:
    response = Response(outcome.body, status=outcome.status, content_type=outcome.content_type)
    response.headers["Vary"] = "Accept, Authorization"
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if auth_error:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fscai", error="invalid_token"'
    if outcome.retry_after:
        response.headers["Retry-After"] = "1"
    return _cors(response)


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
    response.headers["Access-Control-Max-Age"] = "86400"
    return _cors(response)


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response
