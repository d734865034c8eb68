"""``fscai export``: the guideline and the analyses in other compliance tools' formats.

``fscai export oscal --out DIR`` writes the catalogue as an OSCAL catalog and, for each institution
analysed (FILES, ``--institution``, or every institution's newest submission in the store), its
assessment results and plan of action and milestones. ``fscai export ciso-assistant`` writes the
catalogue as a CISO Assistant framework library. FILES are read within the loader's limits
(``--max-file-bytes`` ...). Exit codes (:class:`cli.options.ExitCode`): 0 written; 2 unusable
input or bad usage; 3 the store unavailable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.analysed import analysed, read_catalogue_cached
from cli.options import (
    as_of_option,
    files_argument,
    institution_option,
    limits_options,
    pass_layout,
    store_option,
    write_output,
)


@click.group("export")
def export() -> None:
    """匯出 / Export: the catalogue and the analyses as OSCAL or a CISO Assistant library."""


@export.command("oscal")
@files_argument
@institution_option
@store_option
@as_of_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, metavar="DIR",
              help="Directory to write the OSCAL JSON files into (made if missing).")
@click.option("--catalogue-only", is_flag=True, default=False,
              help="Write only the catalog, read no store.")
@limits_options
@pass_layout
def export_oscal(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
                 as_of: dt.datetime | None, out: Path, catalogue_only: bool, limits) -> None:
    """OSCAL JSON: catalog.json, and per institution assessment-results-UBN.json and poam-UBN.json.

    FILES: one institution's submission, loaded into the store first; without FILES, the newest
    submission of each institution in the store (or --institution's).
    """
    from mapper.export.oscal import write_oscal

    catalogue = read_catalogue_cached(layout)
    analyses: list = []
    if not catalogue_only:
        with analysed(layout, files, institution, store_url, as_of, limits=limits) as (_, found):
            analyses = list(found)
    for path in write_oscal(catalogue, analyses, out):
        click.echo(f"已寫入 / wrote {path}", err=True)


@export.command("ciso-assistant")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Write the library to FILE (e.g. fsc-ai-guideline.yaml) instead of stdout.")
@pass_layout
def export_ciso_assistant(layout, out: Path | None) -> None:
    """CISO Assistant library (YAML): the guideline as a framework, chapter -> section -> measure."""
    from mapper.export.ciso_assistant import render_library

    write_output(render_library(read_catalogue_cached(layout)), out)
