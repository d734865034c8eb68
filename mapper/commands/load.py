"""``fscai load`` and ``fscai graphs``: put a submission in the store, list what is there.

Exit codes: 0 loaded; 2 refused (each error on its own line on stderr, ``FILE:LINE:COL:
cause``) or bad usage; 1 the store failed.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from mapper.load import Limits, LoadError, load_submission

#: Used when neither --store nor FSCAI_STORE is given.
DEFAULT_STORE_URL = "oxigraph:.fscai-store"

store_option = click.option(
    "--store", "store_url", envvar="FSCAI_STORE", default=DEFAULT_STORE_URL, show_default=True,
    metavar="URL", help="Store URL (memory:, oxigraph:PATH, sparql+http://...); env FSCAI_STORE.")


def _open(store_url: str):
    from mapper.store import StoreError, open_store

    try:
        return open_store(store_url)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@store_option
@click.option("--max-file-bytes", type=click.IntRange(min=1), default=None, metavar="N",
              help="Largest accepted file in bytes (env FSCAI_MAX_FILE_BYTES; default 64 MiB).")
@click.option("--max-triples", type=click.IntRange(min=1), default=None, metavar="N",
              help="Most triples in one submission (env FSCAI_MAX_TRIPLES; default 1,000,000).")
@click.option("--max-literal-chars", type=click.IntRange(min=1), default=None, metavar="N",
              help="Longest literal in characters (env FSCAI_MAX_LITERAL_CHARS; default 100,000).")
@click.pass_obj
def load_command(layout, files: tuple[Path, ...], store_url: str, max_file_bytes: int | None,
                 max_triples: int | None, max_literal_chars: int | None) -> None:
    """Check FILES (one institution's submission) and load them as one named graph.

    Every file is parsed and checked before anything is written; a refused submission
    leaves the store as it was. Formats by extension: .ttl .trig .nt .nq .jsonld .json
    .rdf .owl .xml. The catalogue graph is (re)installed from the ontology first.
    """
    from mapper.catalogue_store import install_catalogue
    from mapper.layout import project_layout
    from mapper.store import StoreError

    try:
        limits = Limits.from_env(os.environ, max_file_bytes=max_file_bytes, max_triples=max_triples,
                                 max_literal_chars=max_literal_chars)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    store = _open(store_url)
    try:
        install_catalogue(store, layout or project_layout())
        submission = load_submission(store, files, limits=limits)
    except LoadError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(2) from None
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    finally:
        store.close()
    click.echo(f"{submission.graph_iri}\t{submission.triples} triples")


@click.command("graphs")
@store_option
def graphs_command(store_url: str) -> None:
    """List the named graphs in the store with their triple counts."""
    from mapper.store import StoreError

    store = _open(store_url)
    try:
        rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                            "GROUP BY ?g ORDER BY ?g")
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    finally:
        store.close()
    for row in rows:
        click.echo(f"{row['g']}\t{int(row['n'])}")


#: What mapper.cli registers.
COMMANDS = (load_command, graphs_command)
