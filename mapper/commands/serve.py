"""``fscai serve``: the viewer and the SPARQL endpoint behind a production WSGI server (waitress)."""

from __future__ import annotations

import click

from mapper.commands.load import DEFAULT_STORE_URL


@click.command("serve")
@click.option("--store", "store_url", envvar="FSCAI_STORE", default=DEFAULT_STORE_URL, show_default=True,
              metavar="URL", help="Store URL (memory:, oxigraph:PATH, sparql+http://...); env FSCAI_STORE.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Reference date for overdue gaps (default today).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.pass_obj
def serve(layout, store_url: str, host: str, port: int, as_of: str | None, threads: int) -> None:
    """瀏覽介面與 SPARQL 端點 / Serve the viewer and the SPARQL endpoint."""
    from waitress import serve as waitress_serve

    from web import create_app
    from web.analyses import latest_analyses

    app = create_app({"FSCAI_STORE": store_url, "FSCAI_ROOT": str(layout.root) if layout else None,
                      "FSCAI_AS_OF": as_of})
    with app.app_context():
        analyses = latest_analyses()  # derives every submission's graph before the first request
    click.echo(f"fscai: {len(analyses)} institution(s) analysed; serving on http://{host}:{port}/", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="fscai")
