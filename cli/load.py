"""``fscai load`` and ``fscai graphs``: put a submission in the store, list what is there.

Exit codes (:class:`cli.options.ExitCode`): 0 loaded; 2 refused (each error on its own line on
stderr, ``FILE:LINE:COL: cause``) or bad usage; 3 the store unavailable. A progress bar on stderr
(on a terminal) names each step: parsing each file, the checks, the analysis.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import UBN, limits_options, opened, pass_layout, store_option
from cli.progress import steps
from mapper.load import Limits


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--institution", "institution", envvar="FSCAI_INSTITUTION", required=True, metavar="UBN",
              type=UBN, help="Whose submission this is (8-digit UBN); a submission naming another institution is "
              "refused. Env FSCAI_INSTITUTION.")
@store_option
@limits_options
@pass_layout
def load_command(layout, files: tuple[Path, ...], institution: str, store_url: str, limits: Limits) -> None:
    """Check FILES (one institution's submission), load them as one named graph and analyse it.

    The load declares whose submission it is (--institution UBN): one naming another
    institution, with a UBN failing its check digit, dated in the future or before the guideline,
    describing another institution's systems or redefining the catalogue is refused.
    Every file is parsed and checked before anything is written; a refused submission
    leaves the store as it was. Formats by extension: .ttl .trig .nt .nq .jsonld .json
    .rdf .owl .xml, and .xlsx (a workbook from `fscai template`). The catalogue graph is installed from the ontology first (when its
    version changed). The analysis (tiers, verdicts, gap records, summaries) is written
    at once, so every later reader only reads.
    """
    from mapper.analysis import INTAKE_STEPS, intake
    from mapper.catalogue.install import install_catalogue
    from mapper.graphs import CATALOGUE_GRAPH
    from mapper.load import load_steps, load_submission

    with opened(store_url) as store, steps("載入 / loading", 1 + load_steps(files) + INTAKE_STEPS) as progress:
        # Written in a workspace first (in memory for an on-disk store), then to the store at once
        # by intake: a refused load or a crash leaves the store as it was, never half a load.
        progress("catalogue")
        work = store.workspace([CATALOGUE_GRAPH])
        install_catalogue(work, layout)
        submission = load_submission(store, files, limits=limits, into=work, submitter=institution,
                                     progress=progress)
        intake(store, submission.graph_iri, work=work, progress=progress)
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
