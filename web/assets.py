"""Front-end libraries installed from npm at set-up time, served by the app: no CDN, air-gapped."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file

from web.config import node_modules

bp = Blueprint("assets", __name__)

#: The files the pages may load, by the name they use. Anything else is a 404.
ASSETS = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "elk.bundled.js": "elkjs/lib/elk.bundled.js",
    "cytoscape-elk.js": "cytoscape-elk/dist/cytoscape-elk.js",
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
}


@bp.route("/<name>")
def asset(name: str):
    relative = ASSETS.get(name)
    if relative is None:
        abort(404)
    path = node_modules(current_app) / relative
    if not path.is_file():
        abort(503, description=f"{relative} is not installed: run `npm ci` (make setup does)")
    return send_file(path, max_age=3600)
