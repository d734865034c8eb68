"""Open the store, load FILES or pick the submissions, analyse each: what ``fscai gaps`` and
``fscai report`` share.

Exit codes: 2 unusable input (a refused file, an unknown institution, an empty store); 1 the store
failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path
from typing import Iterator

import click

from cli.options import Failure, opened

_CATALOGUE_CACHE: dict[tuple, object] = {}


def read_catalogue_cached(layout):
    """The layout's catalogue records, read once per process while its Turtle files are unchanged."""
    from mapper.catalogue.install import layout_catalogue

    key = (str(layout.root), *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in layout.knowledge_files()))
    if key not in _CATALOGUE_CACHE:
        _CATALOGUE_CACHE.clear()
        _CATALOGUE_CACHE[key] = layout_catalogue(layout)
    return _CATALOGUE_CACHE[key]


def _select_graphs(store, files: tuple[Path, ...], institution: str | None) -> list[str]:
    from mapper.graphs import latest_graphs
    from mapper.load import catalogue_terms_from, load_submission
    from mapper.validate import newest_submission_graph

    if files:
        submission = load_submission(store, files, catalogue_terms=catalogue_terms_from(store))
        if institution and institution not in (submission.ubn, submission.institution):
            raise Failure(f"the files describe {submission.institution} ({submission.ubn}), not {institution}")
        return [submission.graph_iri]
    if institution:
        graph = newest_submission_graph(store, institution)
        if graph is None:
            raise Failure(f"no submission in {store.url} describes the institution {institution}")
        return [graph]
    graphs = latest_graphs(store.graphs())
    if not graphs:
        raise Failure(f"the store {store.url} holds no submission: give FILES or load one with `fscai load`")
    return graphs


@contextlib.contextmanager
def analysed(layout, files: tuple[Path, ...], institution: str | None, store_url: str,
             as_of: dt.datetime | None, *, validate: bool = False) -> Iterator[tuple[object, list]]:
    """Open the store, load FILES or pick the submissions, analyse (and, with ``validate``,
    validate) each; yield (store, analyses). Submissions picked from the store are read as their
    intake analysed them, and analysed again only when that is missing or stale.

    Prints each analysis's summary table to stderr and, for more than one institution, a
    progress bar.
    """
    from tqdm import tqdm

    from mapper.analysis import analyse
    from mapper.catalogue.install import install_catalogue
    from mapper.report.text import summary_table

    reference = as_of.date() if as_of else dt.date.today()
    with opened(store_url) as store:
        catalogue = read_catalogue_cached(layout)
        install_catalogue(store, layout)
        graphs = _select_graphs(store, files, institution)
        analyses = []
        for graph in tqdm(graphs, desc="分析 / analysing", unit="institution", file=sys.stderr,
                          disable=len(graphs) < 2, leave=False):
            # A submission already in the store is read as analysed at intake, unless that is stale.
            analyses.append(analyse(store, graph, as_of=reference, layout=layout, catalogue=catalogue,
                                    install=False, validate=validate, refresh=bool(files)))
        for analysis in analyses:
            click.echo(summary_table(analysis), err=True)
        yield store, analyses
