"""``fscai serve``: the viewer and the SPARQL endpoint behind a production WSGI server (waitress).

Before it listens, it installs the catalogue (a no-op when its version is in the store already),
reports the institutions whose stored analysis is missing or stale (``fscai analyse`` refreshes
them: serving never re-analyses) and reads what the home page shows (the regulator's
``institutions`` and ``gaps-by-principle`` over the summary records) once, so the first request is
answered at once. Once it listens, a background thread reads every analysis, the search indexes,
the trace and the dashboard's answers (:mod:`web.warm`; ``--no-warm`` leaves each page to read
what it needs when first asked). It closes the store when waitress stops.

Who may read what (:mod:`web.access`): with ``--tokens FILE`` (env ``FSCAI_TOKENS``) every route
serves each principal its own graphs; without one, the server has one local user with the
regulator's view, so it listens on loopback only: any other ``--host`` without a token file is
refused (exit 2) with how to write one. A token file that breaks the rules (length, digests,
roles) stops it with the file's own message, never a traceback. Every read is written to the audit
log (``--audit-log``, default standard error; ``web.audit``).

Its start shows a progress bar on stderr (on a terminal): the catalogue, the stale analyses, the
home page's answers. Exit codes (:class:`cli.options.ExitCode`): 2 bad usage (a non-loopback
``--host`` without tokens, a bad token file); 3 the store unavailable (locked by another process,
unreachable) or the address not free.
"""

from __future__ import annotations

import ipaddress
import threading

import click

from cli.options import ExitCode, Failure, pass_layout, store_failure, store_option
from cli.progress import steps

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


def _warm(app) -> None:
    """The background warm-up (:mod:`web.warm`), its steps on standard error; a failure is said in
    one line and leaves the server serving (a page then reads what it needs itself)."""
    from web.warm import warm

    def say(step: str) -> None:
        click.echo(f"fscai: 預先讀取 warm: {step}", err=True)

    try:
        done = warm(app, say)
    except Exception as exc:  # noqa: BLE001 - the server keeps serving; pages read for themselves
        click.echo(f"fscai: 預先讀取中止 / warm-up stopped: {type(exc).__name__}: {exc}", err=True)
        return
    say(f"done: {done.analyses} newest and {done.older} older analyses in {done.seconds:.1f} s")


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
@click.option("--warm/--no-warm", "warm_caches", default=True, show_default=True,
              help="Once listening, read every analysis, the search indexes, the trace and the dashboard in the "
              "background, so pages only filter and render (README, Warm caches).")
@pass_layout
def serve(layout, store_url: str, host: str, port: int, as_of: str | None, threads: int, tokens: str | None,
          audit_log: str, warm_caches: bool) -> None:
    """瀏覽介面與 SPARQL 端點 / Serve the viewer and the SPARQL endpoint."""
    from waitress.server import create_server

    from mapper.analysis import stale_graphs
    from mapper.catalogue.install import install_catalogue
    from mapper.store import StoreError
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
    except StoreError as exc:  # the store cannot be opened (locked by another process, say)
        raise store_failure(exc) from None
    try:
        with steps("啟動 / starting", 3) as progress:
            with setting_up(app) as store:
                progress("catalogue")
                install_catalogue(store, layout)
                progress("stale")
                stale = stale_graphs(store)
            progress("home")
            with acting_as(app, Principal(REGULATOR)):  # the home page's answers, read once, so the first request finds them
                institutions = market_answers("institutions")
                market_answers("gaps-by-principle")
        for graph in stale:
            click.echo(f"fscai: 分析已過時或未分析，請執行 fscai analyse / stale or missing analysis, run `fscai analyse`: "
                       f"{graph}", err=True)
        try:
            server = create_server(app, host=host, port=port, threads=threads, ident="fscai")
        except OSError as exc:
            raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}", ExitCode.UNAVAILABLE) from None
        click.echo(f"fscai: {len(institutions)} institution(s) analysed; serving on http://{host}:{port}/", err=True)
        if warm_caches:
            threading.Thread(target=_warm, args=(app,), name="fscai-warm", daemon=True).start()
        server.run()
    except StoreError as exc:
        raise store_failure(exc) from None
    finally:
        close_app(app)
