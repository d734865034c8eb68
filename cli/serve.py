"""``fscai serve``: the viewer and the SPARQL endpoint behind a production WSGI server (waitress).

Before it listens, it installs the catalogue (a no-op when its version is in the store already),
reports the institutions whose stored analysis is missing or stale (``fscai analyse`` refreshes
them: serving never re-analyses) and reads what the home page shows (the regulator's
``institutions`` and ``gaps-by-principle`` over the summary records) once, so the first request is
answered at once; an institution's own pages read its analysis when first asked. It closes the
store when waitress stops.

Who may read what (:mod:`web.access`): with ``--tokens FILE`` (env ``FSCAI_TOKENS``) every route
serves each principal its own graphs; without one, the server has one local user with the
regulator's view, so it listens on loopback only: any other ``--host`` without a token file is
refused (exit 2) with how to write one. A token file that breaks the rules (length, digests,
roles) stops it with the file's own message, never a traceback. Every read is written to the audit
log (``--audit-log``, default standard error; ``web.audit``).
"""

from __future__ import annotations

import ipaddress

import click

from cli.options import pass_layout, store_option

NO_TOKENS = ("沒有權杖檔時只能在本機（loopback）提供服務 / without a token file fscai serves this machine only: "
             "{host} is not a loopback address. Write a token file (TOML):\n"
             "  [tokens]\n"
             "  \"sha256:<hex SHA-256 of a token of 20+ characters>\" = \"regulator\"\n"
             "  \"sha256:<...>\" = \"12345675\"   # an institution, by its UBN\n"
             "and pass it with --tokens FILE (or FSCAI_TOKENS); see README \"Who sees what\".")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.5", "")]
    [True, True, True, False, False, False]
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Reference date for overdue gaps (default today).")
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1, 64),
              help="Server threads. A caller waiting for its turn at /sparql holds one: 16 leave the regulator's "
              "requests unqueued behind the public's (bench/README.md, SPARQL under hostile clients).")
@click.option("--tokens", "tokens", envvar="FSCAI_TOKENS", default=None, metavar="FILE",
              type=click.Path(dir_okay=False), help="Token file (TOML or JSON): who may read what; env FSCAI_TOKENS. "
              "Without it: loopback only, one local user with the regulator's view.")
@click.option("--audit-log", "audit_log", envvar="FSCAI_AUDIT_LOG", default="-", show_default=True, metavar="FILE",
              help="Where the audit log's JSON lines go ('-': standard error); env FSCAI_AUDIT_LOG.")
@pass_layout
def serve(layout, store_url: str, host: str, port: int, as_of: str | None, threads: int, tokens: str | None,
          audit_log: str) -> None:
    """瀏覽介面與 SPARQL 端點 / Serve the viewer and the SPARQL endpoint."""
    from waitress import serve as waitress_serve

    from mapper.analysis import stale_graphs
    from mapper.catalogue.install import install_catalogue
    from web import close_app, create_app
    from web.access import REGULATOR, Principal
    from web.analyses import market_answers
    from web.identity import acting_as
    from web.store import setting_up

    if not tokens and not is_loopback(host):
        raise click.UsageError(NO_TOKENS.format(host=host))
    try:
        app = create_app({"STORE": store_url, "ROOT": str(layout.root), "AS_OF": as_of, "TOKENS": tokens or None,
                          "AUDIT_LOG": audit_log})
    except ValueError as bad:  # the token file or a setting breaks its rules: its own message
        raise click.UsageError(str(bad)) from None
    try:
        with setting_up(app) as store:
            install_catalogue(store, layout)
            stale = stale_graphs(store)
        for graph in stale:
            click.echo(f"fscai: 分析已過時或未分析，請執行 fscai analyse / stale or missing analysis, run `fscai analyse`: "
                       f"{graph}", err=True)
        with acting_as(app, Principal(REGULATOR)):  # the home page's answers, read once, so the first request finds them
            institutions = market_answers("institutions")
            market_answers("gaps-by-principle")
        click.echo(f"fscai: {len(institutions)} institution(s) analysed; serving on http://{host}:{port}/", err=True)
        waitress_serve(app, host=host, port=port, threads=threads, ident="fscai")
    finally:
        close_app(app)
