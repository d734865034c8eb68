"""Open the store, load FILES or pick the submissions, analyse each: what ``fscai gaps``,
``fscai report`` and ``fscai export oscal`` share.

Exit codes (:class:`cli.options.ExitCode`): 2 unusable input (a refused file, an unknown
institution, an empty store); 3 the store unavailable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Iterator

import click

from cli.options import Failure, opened
from cli.progress import steps

_CATALOGUE_CACHE: dict[tuple, object] = {}


def read_catalogue_cached(layout):
    """The layout's catalogue records, read once per process while its Turtle files are unchanged."""
    from mapper.catalogue.install import layout_catalogue

    key = (str(layout.root), *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in layout.knowledge_files()))
    if key not in _CATALOGUE_CACHE:
        _CATALOGUE_CACHE.clear()
        _CATALOGUE_CACHE[key] = layout_catalogue(layout)
    return _CATALOGUE_CACHE[key]


def _load_files(store, files: tuple[Path, ...], institution: str | None, limits, progress) -> list[str]:
    from mapper.load import Limits, catalogue_terms_from, load_submission

    submission = load_submission(store, files, catalogue_terms=catalogue_terms_from(store), limits=limits or Limits(),
                                 progress=progress)
    if institution and institution not in (submission.ubn, submission.institution):
        raise Failure(f"the files describe {submission.institution} ({submission.ubn}), not {institution}")
    return [submission.graph_iri]


def _stored_graphs(store, institution: str | None) -> list[str]:
    from mapper.graphs import latest_graphs
    from mapper.validate import newest_submission_graph

    if institution:
        graph = newest_submission_graph(store, institution)
        if graph is None:
            raise Failure(f"no submission in {store.url} describes the institution {institution}")
        return [graph]
    graphs = latest_graphs(store.graphs())
    if not graphs:
        raise Failure(f"the store {store.url} holds no submission: give FILES or load one with `fscai load`")
    return graphs


def _total(store, files: tuple[Path, ...], graphs: list[str] | None) -> int:
    """The bar's steps: FILES' load and analysis, or each stored submission's reading (and its
    analysis when that is stale)."""
    from mapper.analysis import ANALYSE_STEPS, INTAKE_STEPS, stale_graphs
    from mapper.load import load_steps

    if files:
        return load_steps(files) + ANALYSE_STEPS
    stale = set(stale_graphs(store))
    return sum(ANALYSE_STEPS - (0 if graph in stale else INTAKE_STEPS) for graph in graphs)


@contextlib.contextmanager
def analysed(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
             as_of: dt.datetime | None, *, validate: bool = False, limits=None,
             wanted=None) -> Iterator[tuple[object, list]]:
    """Open the store, load FILES (within ``limits``) or pick the submissions, analyse (and, with
    ``validate``, validate) each; yield (store, analyses). ``wanted`` (:mod:`cli.gap_filter`), a
    function of the store and the catalogue, gives the :class:`mapper.gaps.GapFilter` of the gaps
    each analysis lists (its counts stay the institution's); it is checked before any analysis. Submissions
    picked from the store are read as their intake analysed them, and analysed again only when that
    is missing or stale.

    A progress bar on stderr counts the steps (on a terminal); then each analysis's summary table
    goes to stderr.
    """
    from dataclasses import replace

    from mapper.analysis import analyse
    from mapper.catalogue.install import install_catalogue
    from mapper.report.text import summary_table

    reference = as_of.date() if as_of else dt.date.today()
    with opened(store_url) as store:
        catalogue = read_catalogue_cached(layout)
        install_catalogue(store, layout)
        shown = wanted(store, catalogue) if wanted else None
        graphs = None if files else _stored_graphs(store, institution)
        with steps("分析 / analysing", _total(store, files, graphs)) as progress:
            if files:
                graphs = _load_files(store, files, institution, limits, progress)
            analyses = [analyse(store, graph, as_of=reference, layout=layout, catalogue=catalogue, install=False,
                                validate=validate, refresh=bool(files), progress=progress)
                        for graph in graphs]
        if shown is not None:
            analyses = [replace(analysis, shown=shown) for analysis in analyses]
        for analysis in analyses:
            click.echo(summary_table(analysis), err=True)
        yield store, analyses
