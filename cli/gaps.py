"""``fscai gaps``: which applicable measures lack what, per institution, and why they apply.

With FILES: load them (one institution's submission) into the store and analyse that
submission. Without FILES: analyse the newest submission of each institution in the store, or
only ``--institution``'s. The principle × stage summary goes to stderr, the gaps to stdout (or
``--out``). Exit codes: 0 the analysis ran (gaps are findings, not errors); 2 unusable input
(a refused file, an unknown institution, an empty store) or bad usage; 1 the store failed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.analysed import analysed
from cli.options import as_of_option, files_argument, institution_option, pass_layout, store_option, write_output


@click.command("gaps")
@files_argument
@institution_option
@store_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md"]), default="text", show_default=True,
              help="text: bilingual list by subject; json; csv: one row per gap; md: Markdown.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Write the gaps to FILE instead of stdout.")
@pass_layout
def gaps_command(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
                 as_of: dt.datetime | None, fmt: str, out: Path | None) -> None:
    """落實缺口 / Gaps: applicable measures without a statement, evidence or timely review, and why.

    FILES: one institution's submission, loaded into the store first; without FILES, the newest
    submission of each institution in the store (or --institution's). Exit 0 when the analysis
    ran, 2 on unusable input.
    """
    from mapper.report import render

    with analysed(layout, files, institution, store_url, as_of) as (_, analyses):
        write_output(render(analyses, fmt), out)
