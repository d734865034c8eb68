"""Writing a checked submission to the store, and the catalogue terms the checks protect.

A submission is parsed and checked *completely* (:func:`~mapper.load.parse.parse_submission`)
before anything is written; then its triples replace one named graph in one call,
``store.replace_graph``. A refused submission leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mapper.graphs import CATALOGUE_GRAPH
from mapper.load.errors import LoadError
from mapper.load.files import File
from mapper.load.limits import FORMATS, Limits
from mapper.load.ownership import check_ownership, rules_from
from mapper.load.parse import Submission, parse_submission
from mapper.load.positions import syntax_error
from mapper.load.read import expand_paths

if TYPE_CHECKING:  # pragma: no cover
    from mapper.store import Store


def load_submission(store: Store, paths: Iterable[str | os.PathLike[str]], *,
                    catalogue_terms: frozenset[str] | None = None,
                    limits: Limits = Limits(), into: Store | None = None,
                    submitter: str | None = None, today: datetime.date | None = None,
                    progress: Callable[[str, str], None] | None = None) -> Submission:
    """Check every file (:func:`parse_submission`), then replace the submission's named
    graph in one ``replace_graph`` call. On any error nothing is written.

    ``catalogue_terms`` defaults to :func:`catalogue_terms_from` the catalogue; a store
    without a catalogue is refused (nothing would protect the guideline). A workbook is read
    with the mapping the catalogue holds (read only when a workbook is met).

    ``submitter``: the UBN the load is declared for (``fscai load --institution``); the submission
    must be that institution's, and may describe only what it operates
    (:mod:`~mapper.load.ownership`, which also checks its date against ``today``).

    ``into``: where to write instead of ``store``, a workspace of it (``store.workspace``) that
    holds the catalogue to check against, for :func:`mapper.analysis.intake` to write the
    submission and its analysis to the store together (``store.commit``).

    ``progress`` (a progress bar's hook) is called as each step begins: :func:`parse_submission`'s,
    then ``write``; :func:`load_steps` says how many.
    """
    target = store if into is None else into  # where the catalogue is read and the graph written
    if catalogue_terms is None:
        catalogue_terms = catalogue_terms_from(target)
        if not catalogue_terms:
            raise LoadError(getattr(store, "url", "store"), None, None,
                            f"the store holds no catalogue (graph <{CATALOGUE_GRAPH}> is empty): "
                            "load the catalogue before any submission")
    from mapper.workbook.mapping import read_mapping

    rules = rules_from(store, submitter=submitter, catalogue_terms=catalogue_terms, catalogue=target, today=today)
    submission = parse_submission(paths, catalogue_terms=catalogue_terms, limits=limits,
                                  workbook_mapping=lambda: read_mapping(target),
                                  accept=functools.partial(check_ownership, rules=rules),  # who may write what
                                  progress=progress)
    if progress:
        progress("write", submission.graph_iri)
    target.replace_graph(submission.graph_iri, submission.ntriples)
    return submission


def load_steps(paths: Iterable[str | os.PathLike[str]]) -> int:
    """How many steps :func:`load_submission` reports to its ``progress`` hook for ``paths``: one per
    file (a directory stands for its RDF files), the checks and the write; a bar's total.

    >>> load_steps(["data/examples/bank"]) > 2
    True
    """
    try:
        return len(expand_paths(paths)) + 2
    except LoadError:
        return 2  # refused when loaded, with its message


def catalogue_terms_from(store: Store) -> frozenset[str]:
    """IRIs of every subject in the catalogue graph of ``store``."""
    rows = store.select_values("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }",
                        default_graphs=[CATALOGUE_GRAPH])
    return frozenset(str(row["s"]) for row in rows if "s" in row)


def catalogue_terms_from_files(paths: Iterable[str | os.PathLike[str]]) -> frozenset[str]:
    """IRIs of every subject in the given catalogue files (trusted input: the project's
    own ontology; parsed with pyoxigraph, format by extension).

    >>> ontology = Path(__file__).resolve().parents[2] / "ontology"
    >>> terms = catalogue_terms_from_files(sorted(ontology.rglob("*.ttl")))
    >>> "https://w3id.org/fscai/guideline/draft/measure-2.1.3" in terms or not terms
    True
    """
    terms: set[str] = set()
    for path in paths:
        path = Path(path)
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise LoadError(str(path), 1, 1, f"unknown file extension {path.suffix!r}")
        try:
            for quad in ox.parse(path=path, format=fmt):
                if isinstance(quad.subject, ox.NamedNode):
                    terms.add(quad.subject.value)
        except SyntaxError as exc:
            f = File(str(path), fmt, text=path.read_text(encoding="utf-8", errors="replace"))
            raise syntax_error(f, exc) from None
    return frozenset(terms)
