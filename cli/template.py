"""``fscai template``: the workbook an institution fills instead of Turtle.

Without FILES: every sheet empty but the statements, which list one row per measure. With FILES
(a submission in any format, a workbook included): every sheet filled from it, and a pre-filled
statement row for each (measure, subject) pair the engine finds applicable and the submission does
not answer, so a bank lists its systems first and gets the rows it has to answer. FILES are read
within the loader's limits; a progress bar on stderr (on a terminal) counts the steps. Exit codes
(:class:`cli.options.ExitCode`): 0 written; 2 unusable input or bad usage.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.analysed import read_catalogue_cached
from cli.options import ExitCode, Failure, files_argument, limits_options, opened, pass_layout
from cli.progress import steps


@click.command("template")
@files_argument
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, metavar="FILE.xlsx",
              help="Where to write the workbook.")
@limits_options
@pass_layout
def template_command(layout, files: tuple[Path, ...], out: Path, limits) -> None:
    """申報活頁簿範本 / Workbook template: sheets, bilingual headers and drop-down lists to fill in.

    FILES: a submission to fill it from (its rows, plus a row for each applicable measure and
    subject it does not answer yet); without FILES, one statement row per measure.
    """
    from mapper.workbook.mapping import layout_mapping
    from mapper.workbook.write import Unanswered, WorkbookWriteError, write_workbook

    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--out {out}: the workbook's name must end in .xlsx")
    catalogue = read_catalogue_cached(layout)
    mapping = layout_mapping(layout)
    triples: list = []
    if files:
        triples, unanswered = _from_files(layout, files, catalogue, limits)
    else:
        unanswered = [Unanswered(m.notation, "") for m in catalogue.assessables]
    try:
        data = write_workbook(mapping, catalogue, triples=triples, unanswered=unanswered)
    except WorkbookWriteError as exc:
        raise Failure(f"the submission does not fit the workbook: {exc}") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    click.echo(f"已寫入 / wrote {out} ({len(unanswered)} 列待填答 / rows to answer)", err=True)


def _from_files(layout, files: tuple[Path, ...], catalogue, limits):
    """The submission's triples and the applicable (measure, subject) pairs it does not answer,
    found by loading it into a throw-away in-memory store and classifying it."""
    import pyoxigraph as ox

    from mapper.analysis import ANALYSE_STEPS, analyse
    from mapper.catalogue.install import install_catalogue
    from mapper.catalogue.records import sort_key
    from mapper.load import load_steps, load_submission
    from mapper.namespaces import FSC
    from mapper.workbook.write import Unanswered

    with opened("memory:", failing=ExitCode.USAGE) as store, \
            steps("範本 / template", load_steps(files) + ANALYSE_STEPS) as progress:
        install_catalogue(store, layout)
        submission = load_submission(store, files, limits=limits, progress=progress)
        analysis = analyse(store, submission.graph_iri, as_of=dt.date.today(), layout=layout, catalogue=catalogue,
                           install=False, progress=progress)
    triples = [q.triple for q in ox.parse(submission.ntriples, ox.RdfFormat.N_TRIPLES)]
    answered = _answered(triples, str(FSC.measure), str(FSC.subject))
    notation = {m.iri: m.notation for m in catalogue.assessables}
    unanswered = sorted({Unanswered(notation[v.measure], v.subject) for v in analysis.classification.verdicts
                         if v.verdict == "applies" and v.measure in notation
                         and (v.measure, v.subject) not in answered},
                        key=lambda u: (u.subject, sort_key(u.measure)))
    return triples, unanswered


def _answered(triples, measure: str, subject: str) -> set[tuple[str, str]]:
    measures = {t.subject: t.object.value for t in triples if t.predicate.value == measure}
    return {(measures[t.subject], t.object.value) for t in triples
            if t.predicate.value == subject and t.subject in measures}
