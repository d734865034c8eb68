"""``fscai report``: the analysis of one or more institutions as JSON, CSV, Markdown, HTML or the
SHACL validation report as Turtle.

Submissions are chosen as by ``fscai gaps`` (FILES, or the store's newest per institution, or
``--institution``). Without ``--out`` one document covering all of them goes to stdout.
``--out PATH`` is a directory (one file per institution, named by UBN, plus an index) when PATH
ends in ``/``, is an existing directory, or, for several institutions, lacks the format's
extension; otherwise one file (``--out all.csv`` holds every institution). ``--kind``,
``--principle``, ``--subject`` narrow the gap list as in ``fscai gaps``. Exit codes
(:class:`cli.options.ExitCode`): 0 the analysis ran; 2 unusable input or bad usage; 3 the store
unavailable.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from cli.analysed import analysed
from cli.gap_filter import filter_note, filter_options
from cli.options import (
    Failure,
    as_of_option,
    files_argument,
    institution_option,
    limits_options,
    pass_layout,
    store_option,
    write_output,
)
from cli.progress import over, steps
from mapper.report import FORMATS as REPORT_FORMATS

#: What ``fscai report`` writes: every report format but the terminal's text (``fscai gaps``).
FORMATS = tuple(fmt for fmt in REPORT_FORMATS if fmt != "text")


@click.command("report")
@files_argument
@institution_option
@store_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True,
              help="json; csv: one row per gap; md: Markdown; html: one self-contained page; "
                   "ttl: the SHACL validation report.")
@click.option("--out", type=click.Path(), default=None, metavar="PATH",
              help="A file, or a directory of one file per institution (named by UBN) plus an index: "
                   "a directory when PATH ends in '/', is one, or several institutions are reported and "
                   "PATH lacks the format's extension (report.csv: one file for all).")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Validate each submission with the SHACL shapes (alongside the analysis) and report the "
                   "findings; ttl always validates.")
@filter_options
@limits_options
@pass_layout
def report_command(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
                   as_of: dt.datetime | None, fmt: str, out: str | None, validate: bool, wanted, limits) -> None:
    """合規報告 / Report: summary, risk tiers, gaps by subject, undetermined verdicts and SHACL findings.

    FILES: one institution's submission, loaded into the store first; without FILES, the newest
    submission of each institution in the store (or --institution's). --kind, --principle and
    --subject narrow the gap list; the counts stay the institution's. Exit 0 when the analysis
    ran, 2 on unusable input, 3 when the store is unavailable.
    """
    from mapper.report import file_stem, render, render_index, render_turtle

    extension = REPORT_FORMATS[fmt]
    as_directory = out is not None and (out.endswith(("/", os.sep)) or Path(out).is_dir())
    if as_directory and Path(out).exists() and not Path(out).is_dir():
        raise click.UsageError(f"--out {out} names a file, not a directory")
    with analysed(layout, files, institution, store_url, as_of, validate=validate or fmt == "ttl", limits=limits,
                  wanted=wanted) as (_, analyses):
        pass  # the analyses are records: they are rendered once the store is closed
    if wanted:
        click.echo(filter_note(analyses), err=True)

    def document(indices: list[int]) -> str:
        if fmt == "ttl":
            return render_turtle([analyses[i].validation for i in indices])
        return render([analyses[i] for i in indices], fmt)

    one_file = out is None or not (as_directory or (len(analyses) > 1
                                                    and Path(out).suffix.lower() != f".{extension}"))
    if one_file:
        with steps("輸出 / rendering", 1) as progress:
            progress("render", fmt)
            content = document(list(range(len(analyses))))
        write_output(content, Path(out) if out else None)
        return
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise Failure(f"--out {out} is a file; a report on {len(analyses)} institutions needs a directory")
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, analysis in over(list(enumerate(analyses)), "輸出 / rendering", "institution"):
        name = f"{file_stem(analysis)}.{extension}"
        write_output(document([i]), out / name, say=False)  # said below, once the bar is gone
        entries.append((analysis, name))
    for _, name in entries:
        click.echo(f"已寫入 / wrote {out / name}", err=True)
    index_name, index = render_index(entries, fmt)
    write_output(index, out / index_name)

