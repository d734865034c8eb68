"""``fscai analyse``: refresh the stored analyses that are missing or stale.

An analysis is written when a submission is loaded, stamped with the knowledge version (the
ontology, the rules and the deriving queries). After an edit to the Turtle, or a store filled by
another tool, this re-derives what is stale: every institution's newest submission whose
stamp differs from the catalogue's, or all of them with ``--all``.

Exit codes: 0 done; 1 the store failed.
"""

from __future__ import annotations

import sys

import click

from cli.options import opened, pass_layout, store_option


@click.command("analyse")
@store_option
@click.option("--all", "everything", is_flag=True, help="Re-analyse every institution's newest submission, stale or not.")
@pass_layout
def analyse_command(layout, store_url: str, everything: bool) -> None:
    """分析 / Analyse the newest submissions whose stored analysis is missing or stale."""
    from tqdm import tqdm

    from mapper.analysis import intake, refresh_stale
    from mapper.graphs import latest_graphs

    def bar(graphs):
        return tqdm(graphs, desc="分析 / analysing", unit="institution", file=sys.stderr,
                    disable=len(graphs) < 2, leave=False)

    with opened(store_url) as store:
        graphs = refresh_stale(store, layout, progress=bar)
        if everything:
            rest = [g for g in latest_graphs(store.graphs()) if g not in graphs]
            for graph in bar(rest):
                intake(store, graph)
            graphs += rest
    click.echo(f"fscai: 已分析 {len(graphs)} 個機構之最新申報 / analysed {len(graphs)} institution(s)' "
               f"newest submission", err=True)
