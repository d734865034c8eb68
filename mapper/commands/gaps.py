"""``fscai gaps``: which applicable measures lack what, per institution, and why they apply.

With FILES: load them (one institution's submission) into the store and analyse that
submission. Without FILES: analyse the newest submission of each institution in the store, or
only ``--institution``'s. The principle × stage summary goes to stderr, the gaps to stdout (or
``--out``). Exit codes: 0 the analysis ran (gaps are findings, not errors); 2 unusable input
(a refused file, an unknown institution, an empty store) or bad usage; 1 the store failed.

:func:`analysed` is shared with ``fscai report``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import sys
from pathlib import Path
from typing import Iterator

import click

from mapper.commands.load import store_option

_CATALOGUE_CACHE: dict[tuple, object] = {}

institution_option = click.option(
    "--institution", metavar="UBN|IRI", default=None,
    help="Only this institution (its 8-digit UBN or IRI): its newest submission, or a check on FILES.")
as_of_option = click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
    help="Reference date for review and target dates (default: today).")
files_argument = click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=True))


def fail(message: str, code: int) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    click.echo(message, err=True)
    raise SystemExit(code)


def read_catalogue_cached(layout):
    """The layout's catalogue records, read once per process while its Turtle files are unchanged."""
    from mapper.catalogue_store import layout_catalogue

    key = (str(layout.root), *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in layout.knowledge_files()))
    if key not in _CATALOGUE_CACHE:
        _CATALOGUE_CACHE.clear()
        _CATALOGUE_CACHE[key] = layout_catalogue(layout)
    return _CATALOGUE_CACHE[key]


def _select_graphs(store, files: tuple[Path, ...], institution: str | None) -> list[str]:
    from mapper.analysis import latest_graphs, submission_graphs
    from mapper.load import catalogue_terms_from, load_submission
    from mapper.validate import newest_submission_graph

    if files:
        submission = load_submission(store, files, catalogue_terms=catalogue_terms_from(store))
        if institution and institution not in (submission.ubn, submission.institution):
            fail(f"error: the files describe {submission.institution} ({submission.ubn}), not {institution}", 2)
        return [submission.graph_iri]
    if institution:
        graph = newest_submission_graph(store, institution)
        if graph is None:
            fail(f"error: no submission in {store.url} describes the institution {institution}", 2)
        return [graph]
    graphs = latest_graphs(submission_graphs(store))
    if not graphs:
        fail(f"error: the store {store.url} holds no submission: give FILES or load one with `fscai load`", 2)
    return graphs


@contextlib.contextmanager
def analysed(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
             as_of: dt.datetime | None, *, validate: bool = False) -> Iterator[tuple[object, list]]:
    """Open the store, load FILES or pick the submissions, analyse (and, with ``validate``,
    validate) each; yield (store, analyses).

    Prints each analysis's summary table to stderr and, for more than one institution, a
    progress bar. Exits 2 on unusable input, 1 when the store fails.
    """
    from tqdm import tqdm

    from mapper.analysis import analyse
    from mapper.catalogue_store import install_catalogue
    from mapper.layout import Layout, project_layout
    from mapper.load import LoadError
    from mapper.report_text import summary_table
    from mapper.store import StoreError, open_store

    layout = layout if isinstance(layout, Layout) else project_layout()
    reference = as_of.date() if as_of else dt.date.today()
    try:
        store = open_store(store_url)
    except StoreError as exc:
        fail(f"error: {exc}", 1)
    try:
        try:
            catalogue = read_catalogue_cached(layout)
            install_catalogue(store, layout)
            graphs = _select_graphs(store, files, institution)
            analyses = []
            for graph in tqdm(graphs, desc="分析 / analysing", unit="institution", file=sys.stderr,
                              disable=len(graphs) < 2, leave=False):
                analyses.append(analyse(store, graph, as_of=reference, layout=layout, catalogue=catalogue,
                                        install=False, validate=validate))
        except LoadError as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise SystemExit(2) from None
        except StoreError as exc:
            fail(f"error: {exc}", 1)
        for analysis in analyses:
            click.echo(summary_table(analysis), err=True)
        yield store, analyses
    finally:
        store.close()
        # A query over the whole dataset leaves the pyoxigraph store in a reference cycle, so the
        # on-disk store's directory lock outlives close() until the cycle is collected; collect it
        # now, so the next command in this process (a test, a notebook) can open the store.
        gc.collect()


def write_output(content: str, out: Path | None) -> None:
    if out is None:
        click.echo(content, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(content, encoding="utf-8")
    click.echo(f"已寫入 / wrote {out}", err=True)


@click.command("gaps")
@files_argument
@institution_option
@store_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md"]), default="text", show_default=True,
              help="text: bilingual list by subject; json; csv: one row per gap; md: Markdown.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Write the gaps to FILE instead of stdout.")
@click.pass_obj
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


#: What mapper.cli registers.
COMMANDS = (gaps_command,)
