"""``fscai load`` and ``fscai graphs``: put a submission in the store, list what is there.

Exit codes: 0 loaded; 2 refused (each error on its own line on stderr, ``FILE:LINE:COL:
cause``) or bad usage; 1 the store failed.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import limits_options, opened, pass_layout, store_option
from mapper.load import Limits


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@store_option
@limits_options
@pass_layout
def load_command(layout, files: tuple[Path, ...], store_url: str, limits: Limits) -> None:
    """Check FILES (one institution's submission), load them as one named graph and analyse it.

    Every file is parsed and checked before anything is written; a refused submission
    leaves the store as it was. Formats by extension: .ttl .trig .nt .nq .jsonld .json
    .rdf .owl .xml, and .xlsx (a workbook from `fscai template`). The catalogue graph is installed from the ontology first (when its
    version changed). The analysis (tiers, verdicts, gap records, summaries) is written
    at once, so every later reader only reads.
    """
    from mapper.analysis import intake
    from mapper.catalogue.install import install_catalogue
    from mapper.load import load_submission

    with opened(store_url) as store:
        install_catalogue(store, layout)
        submission = load_submission(store, files, limits=limits)
        intake(store, submission.graph_iri)
    click.echo(f"{submission.graph_iri}\t{submission.triples} triples")


@click.command("graphs")
@store_option
def graphs_command(store_url: str) -> None:
    """List the named graphs in the store with their triple counts."""
    with opened(store_url) as store:
        rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                            "GROUP BY ?g ORDER BY ?g")
    for row in rows:
        click.echo(f"{row['g']}\t{int(row['n'])}")
