"""``fscai serve``: the viewer and the SPARQL endpoint behind a production WSGI server (waitress).

Before it listens, it installs the catalogue (a no-op when its version is in the store already),
reports the institutions whose stored analysis is missing or stale (``fscai analyse`` refreshes
them: serving never re-analyses) and reads what the home page shows (the regulator's
``institutions`` and ``gaps-by-principle`` over the summary records) once, so the first request is
answered at once; an institution's own pages read its analysis when first asked. It closes the
store when waitress stops.
"""

from __future__ import annotations

import click

from cli.options import pass_layout, store_option


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Reference date for overdue gaps (default today).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@pass_layout
def serve(layout, store_url: str, host: str, port: int, as_of: str | None, threads: int) -> None:
    """瀏覽介面與 SPARQL 端點 / Serve the viewer and the SPARQL endpoint."""
    from waitress import serve as waitress_serve

    from mapper.analysis import stale_graphs
    from mapper.catalogue.install import install_catalogue
    from web import close_app, create_app
    from web.analyses import market_answers
    from web.store import setting_up

    app = create_app({"STORE": store_url, "ROOT": str(layout.root), "AS_OF": as_of})
    try:
        with setting_up(app) as store:
            install_catalogue(store, layout)
            stale = stale_graphs(store)
        for graph in stale:
            click.echo(f"fscai: 分析已過時或未分析，請執行 fscai analyse / stale or missing analysis, run `fscai analyse`: "
                       f"{graph}", err=True)
        with app.app_context():  # the home page's answers, read once, so the first request finds them
            institutions = market_answers("institutions")
            market_answers("gaps-by-principle")
        click.echo(f"fscai: {len(institutions)} institution(s) analysed; serving on http://{host}:{port}/", err=True)
        waitress_serve(app, host=host, port=port, threads=threads, ident="fscai")
    finally:
        close_app(app)
