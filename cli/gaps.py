"""``fscai gaps``: which applicable measures lack what, per institution, and why they apply.

With FILES: load them (one institution's submission, within the loader's limits) into the store
and analyse that submission. Without FILES: analyse the newest submission of each institution in
the store, or only ``--institution``'s. ``--kind``, ``--principle``, ``--subject`` narrow the list
(:mod:`cli.gap_filter`); the counts stay the institution's. The principle × stage summary goes to
stderr, the gaps to stdout (or ``--out``). Exit codes (:class:`cli.options.ExitCode`): 0 the
analysis ran (gaps are results, not errors); 2 unusable input (a refused file, an unknown
institution or gap kind, an empty store) or bad usage; 3 the store unavailable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.analysed import analysed
from cli.gap_filter import filter_note, filter_options
from cli.options import (
    as_of_option,
    files_argument,
    institution_option,
    limits_options,
    pass_layout,
    store_option,
    write_output,
)
from cli.progress import steps


@click.command("gaps")
@files_argument
@institution_option
@store_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md"]), default="text", show_default=True,
              help="text: bilingual list by subject; json; csv: one row per gap; md: Markdown.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Write the gaps to FILE instead of stdout.")
@filter_options
@limits_options
@pass_layout
def gaps_command(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
                 as_of: dt.datetime | None, fmt: str, out: Path | None, wanted, limits) -> None:
    """落實缺口 / Gaps: applicable measures without a statement, evidence or timely review, and why.

    FILES: one institution's submission, loaded into the store first; without FILES, the newest
    submission of each institution in the store (or --institution's). --kind, --principle and
    --subject narrow the list; the summary and totals stay the institution's. Exit 0 when the
    analysis ran, 2 on unusable input, 3 when the store is unavailable.
    """
    from mapper.report import render

    with analysed(layout, files, institution, store_url, as_of, limits=limits, wanted=wanted) as (_, analyses):
        pass  # the analyses are records: they are rendered once the store is closed
    if wanted:
        click.echo(filter_note(analyses), err=True)
    with steps("輸出 / rendering", 1) as progress:
        progress("render", fmt)
        document = render(analyses, fmt)
    write_output(document, out)
