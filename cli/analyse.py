"""``fscai analyse``: refresh the stored analyses that are missing or stale.

An analysis is written when a submission is loaded, stamped with the knowledge version (the
ontology, the rules and the deriving queries). After an edit to the Turtle, or a store filled by
another tool, this re-derives what is stale: every institution's newest submission whose
stamp differs from the catalogue's, or all of them with ``--all``.

A progress bar on stderr (on a terminal) counts the steps of every analysis, one institution
included. Exit codes (:class:`cli.options.ExitCode`): 0 done; 3 the store unavailable.
"""

from __future__ import annotations

import click

from cli.options import opened, pass_layout, store_option
from cli.progress import steps


@click.command("analyse")
@store_option
@click.option("--all", "everything", is_flag=True, help="Re-analyse every institution's newest submission, stale or not.")
@pass_layout
def analyse_command(layout, store_url: str, everything: bool) -> None:
    """分析 / Analyse the newest submissions whose stored analysis is missing or stale."""
    from mapper.analysis import INTAKE_STEPS, intake, stale_graphs
    from mapper.catalogue.install import install_catalogue
    from mapper.graphs import latest_graphs

    with opened(store_url) as store:
        install_catalogue(store, layout)
        graphs = latest_graphs(store.graphs()) if everything else stale_graphs(store)
        with steps("分析 / analysing", len(graphs) * INTAKE_STEPS) as progress:
            for graph in graphs:
                intake(store, graph, progress=progress)
    click.echo(f"fscai: 已分析 {len(graphs)} 個機構之最新申報 / analysed {len(graphs)} institution(s)' "
               f"newest submission", err=True)
