"""One submission's whole analysis as records: catalogue, tiers, verdicts, gaps and coverage.

>>> import datetime as dt
>>> from mapper.store import open_store
>>> store = open_store("memory:")
>>> analysis = analyse_files(store, ["data/examples/minimal-submission.ttl"], as_of=dt.date(2026, 11, 25))
>>> analysis.institution_label.en, len(analysis.gaps) > 0
('Example Commercial Bank', True)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Hashable, Sequence

from mapper.catalogue.install import install_catalogue
from mapper.catalogue.records import Catalogue, Statement, read_catalogue, sort_key
from mapper.classify import (
    Classification,
    analysed_graphs,
    current_graphs,
    derive,
    is_stale,
    read_classification,
    stamp,
)
from mapper.concurrently import concurrently
from mapper.gaps import Gap, GapFilter, GapKind, read_gaps
from mapper.graphs import CATALOGUE_GRAPH, derived_graph, institution_of, latest_graphs, market_graph
from mapper.labels import Label
from mapper.layout import Layout, project_layout
from mapper.market import indexed_submissions, is_newest, market_ntriples
from mapper.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

    from mapper.load import Limits
    from mapper.validate import Validation


@dataclass(frozen=True)
class Counts:
    """What a set of (measure, subject) verdicts of one reference date amounts to: the one
    definition of every count a face shows.

    The unit is the applicable (measure, subject) pair: ``gaps`` counts the pairs with at least
    one gap, so ``applicable == evidenced + gaps``; ``gap_records`` counts the gap records (a
    pair can have several: a partial statement without evidence is two), ``by_kind`` them per
    gap kind code.
    """

    applicable: int = 0
    evidenced: int = 0
    gaps: int = 0
    gap_records: int = 0
    undetermined: int = 0
    does_not_apply: int = 0
    by_kind: tuple[tuple[str, int], ...] = ()

    def __add__(self, other: Counts) -> Counts:
        kinds = Counter(dict(self.by_kind)) + Counter(dict(other.by_kind))
        return Counts(*(getattr(self, f) + getattr(other, f) for f in _SUMMED), tuple(sorted(kinds.items())))


_SUMMED = ("applicable", "evidenced", "gaps", "gap_records", "undetermined", "does_not_apply")


@dataclass(frozen=True)
class CoverageCell:
    """One principle × stage cell (stage ``-``: measures placed in no stage) of a submission on one
    reference date; the counts are :class:`Counts`."""

    chapter: str
    stage: str
    applicable: int
    evidenced: int
    gaps: int
    gap_records: int
    undetermined: int


def sum_cells(cells: Sequence[CoverageCell], chapter: str | None, stage: str | None) -> CoverageCell:
    """The sum over the cells matching ``chapter`` and ``stage`` (None: any), named ``*`` where any."""
    picked = [c for c in cells if chapter in (None, c.chapter) and stage in (None, c.stage)]
    return CoverageCell(chapter or "*", stage or "*", *(sum(getattr(c, f) for c in picked)
                        for f in ("applicable", "evidenced", "gaps", "gap_records", "undetermined")))


@dataclass(frozen=True)
class Analysis:
    submission_graph: str
    institution: str
    institution_label: Label
    as_of: dt.date
    catalogue: Catalogue
    classification: Classification
    #: Every gap record stored for the submission, whatever the reference date.
    records: tuple[Gap, ...]
    #: The SHACL validation of the submission, when the analysis was asked to validate it.
    validation: Validation | None = None
    #: Which gaps a report lists (:attr:`listed`); None: all. The counts ignore it.
    shown: GapFilter | None = None

    @cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """The gap records that hold on the analysis's reference date."""
        return tuple(g for g in self.records if g.holds_on(self.as_of))

    @property
    def listed(self) -> tuple[Gap, ...]:
        """The gaps a report lists: :attr:`gaps` that :attr:`shown` keeps. Every count
        (:meth:`tally`, :meth:`coverage`) is of all :attr:`gaps`, whatever the filter."""
        return self.gaps if self.shown is None else tuple(g for g in self.gaps if self.shown.keeps(g))

    @cached_property
    def by_measure(self) -> dict[str, Counts]:
        """The :class:`Counts` of each catalogue measure (by IRI) on the reference date, counted once:
        every :meth:`tally` sums these (a page over every institution tallies each analysis again)."""
        measures = {m.iri for m in self.catalogue.assessables}
        with_gap = {(g.measure.iri, g.subject) for g in self.gaps}
        counters: dict[str, Counter] = {}
        for verdict in self.classification.verdicts:
            if verdict.measure not in measures:
                continue
            c = counters.setdefault(verdict.measure, Counter())
            if verdict.verdict == "applies":
                c["applicable"] += 1
                c["gaps" if (verdict.measure, verdict.subject) in with_gap else "evidenced"] += 1
            else:
                c["undetermined" if verdict.verdict == "undetermined" else "does_not_apply"] += 1
        for gap in self.gaps:
            if gap.measure.iri in measures:
                c = counters.setdefault(gap.measure.iri, Counter())
                c["gap_records"] += 1
                c["kind:" + gap.kind.code] += 1
        return {k: Counts(*(c[f] for f in _SUMMED), tuple(sorted((n[5:], v) for n, v in c.items()
                                                                  if n.startswith("kind:"))))
                for k, c in counters.items()}

    def tally(self, key: Callable[[Statement], Hashable]) -> dict[Hashable, Counts]:
        """The :class:`Counts` of the submission on its reference date, grouped by ``key`` of each
        catalogue measure (a measure the catalogue lacks is passed over)."""
        measures = {m.iri: m for m in self.catalogue.assessables}
        grouped: dict[Hashable, Counts] = {}
        for iri, counts in self.by_measure.items():
            k = key(measures[iri])
            grouped[k] = grouped[k] + counts if k in grouped else counts
        return grouped

    @cached_property
    def gap_kinds(self) -> dict[str, GapKind]:
        """The kinds of :attr:`gaps`, by code."""
        return {g.kind.code: g.kind for g in self.gaps}

    def coverage(self) -> tuple[CoverageCell, ...]:
        """The principle × stage summary on the reference date (see :class:`Counts`)."""
        cells = self.tally(lambda m: (m.chapter.notation, m.stage.notation if m.stage else "-"))
        return tuple(CoverageCell(c, s, n.applicable, n.evidenced, n.gaps, n.gap_records, n.undetermined)
                     for (c, s), n in sorted(cells.items(), key=lambda kv: (sort_key(kv[0][0]), kv[0][1]))
                     if n.applicable or n.undetermined)

    @property
    def undetermined(self):
        return tuple(v for v in self.classification.verdicts if v.verdict == "undetermined")


#: How many steps :func:`intake` reports to its ``progress`` hook: the workspace, the 3 of
#: :func:`~mapper.classify.derive`, the stamp, the market records and the commit.
INTAKE_STEPS = 7
#: How many :func:`analyse` reports at most: :data:`INTAKE_STEPS` (when it intakes), then reading
#: the classification and the gaps.
ANALYSE_STEPS = INTAKE_STEPS + 2


def intake(store: Store, submission_graph: str, *, work: Store | None = None,
           progress: Callable[[str, str], None] | None = None) -> None:
    """What loading a submission does once it is checked: derive its tiers, verdicts and gap records
    into its derived graph (stamped with the knowledge version), then, if it is its institution's
    newest, its market graph of summary records (:mod:`mapper.market`).

    The analysis runs in ``work``, a workspace of the store (by default one made of its catalogue
    and the submission: in memory for an on-disk store), which may hold graphs its caller wrote
    there too (the submission itself, a new catalogue: what ``fscai load`` does); then
    ``store.commit`` writes every graph the workspace wrote at once: on the embedded store in one
    transaction, so a crash leaves the store as it was or with the whole load and its analysis.
    The workspace is closed afterwards (unless it is the store).

    ``progress`` (a progress bar's hook) is called with each step's name as it begins
    (:data:`INTAKE_STEPS` of them: ``workspace``, ``tiers``, ``applicability``, ``gap-records``,
    ``stamp``, ``market``, ``commit``) and the submission graph."""
    step = progress or (lambda name, detail: None)
    step("workspace", submission_graph)
    if work is None:
        work = store.workspace([CATALOGUE_GRAPH, submission_graph])
    try:
        derive(work, submission_graph, progress=progress)
        step("stamp", submission_graph)
        stamp(work, submission_graph)  # complete: a derived graph without it (a server's, cut short) is stale
        step("market", submission_graph)
        if is_newest(store, submission_graph):
            work.replace_graph(market_graph(institution_of(submission_graph)), market_ntriples(work, submission_graph))
        step("commit", submission_graph)
        store.commit(work)
    finally:
        if work is not store:
            work.close()


def analyse(store: Store, submission_graph: str, *, as_of: dt.date, layout: Layout | None = None,
            catalogue: Catalogue | None = None, install: bool = True, validate: bool = False,
            shapes: Graph | None = None, refresh: bool = True,
            progress: Callable[[str, str], None] | None = None) -> Analysis:
    """The analysis of one submission already in the store: :func:`intake` it (with ``refresh``
    False, only when its stored analysis is missing or stale), then read its records.

    With ``validate``, the submission is also validated with the SHACL shapes (``shapes``, default
    the layout's), at the same time as it is classified: validation reads only the submission and
    the catalogue, classification writes only the derived graph, and both spend most of their time
    in Rust, so on two cores the pair takes little longer than classification alone.

    ``progress`` is called as each step begins: :func:`intake`'s when it intakes, then
    ``classification`` and ``gaps`` (reading them back): :data:`ANALYSE_STEPS` at most.
    """
    step = progress or (lambda name, detail: None)
    layout = layout or project_layout()
    if install:
        install_catalogue(store, layout)
    catalogue = catalogue or read_catalogue(store)  # the catalogue graph classify and gaps read

    def classified() -> tuple[Classification, tuple[Gap, ...]]:
        if refresh or is_stale(store, submission_graph):
            intake(store, submission_graph, progress=progress)
        step("classification", submission_graph)
        classification = read_classification(store, submission_graph)
        step("gaps", submission_graph)
        return classification, read_gaps(store, classification, catalogue)

    validation = None
    if validate:
        from mapper.validate import load_shapes, validate_stored

        if shapes is None and layout.root != project_layout().root:
            shapes = load_shapes(layout)
        validation, (classification, gaps) = concurrently(
            lambda: validate_stored(store, submission_graph, shapes=shapes), classified)
    else:
        classification, gaps = classified()
    return _analysis(store, submission_graph, as_of, catalogue, classification, gaps, validation)


class NotAnalysed(LookupError):
    """A submission whose derived graph is not in the store: nothing has classified it yet."""


def read_analysis(store: Store, submission_graph: str, *, as_of: dt.date, catalogue: Catalogue) -> Analysis:
    """The analysis of a submission classified before (its derived graph is in the store), read
    without writing anything: what the viewer shows. :class:`NotAnalysed` if it was not."""
    if derived_graph(submission_graph) not in analysed_graphs(store):
        raise NotAnalysed(f"the submission {submission_graph} has not been analysed: no complete derived graph "
                          f"{derived_graph(submission_graph)} in {store.url}")
    classification = read_classification(store, submission_graph)
    gaps = read_gaps(store, classification, catalogue)
    return _analysis(store, submission_graph, as_of, catalogue, classification, gaps, None)


def _analysis(store: Store, submission_graph: str, as_of: dt.date, catalogue: Catalogue,
              classification: Classification, gaps: tuple[Gap, ...], validation) -> Analysis:
    institution = _institution_iri(store, submission_graph)
    return Analysis(submission_graph, institution, classification.labels(institution), as_of, catalogue,
                    classification, gaps, validation)


def analyse_files(store: Store, paths: Sequence[str], *, as_of: dt.date, layout: Layout | None = None,
                  validate: bool = False, limits: Limits | None = None) -> Analysis:
    """Load one submission's files (safely, atomically) and analyse (and, with ``validate``,
    validate) them: what ``fscai report FILES`` does."""
    from mapper.load import Limits, catalogue_terms_from, load_submission

    layout = layout or project_layout()
    install_catalogue(store, layout)
    submission = load_submission(store, paths, catalogue_terms=catalogue_terms_from(store), limits=limits or Limits())
    return analyse(store, submission.graph_iri, as_of=as_of, layout=layout, install=False, validate=validate)


def _institution_iri(store: Store, submission_graph: str) -> str:
    rows = store.select("PREFIX fsc: <https://w3id.org/fscai/def#> SELECT ?i WHERE { ?i a fsc:Institution }",
                        default_graphs=[submission_graph])
    return str(rows[0]["i"]) if rows else ""




def stale_graphs(store: Store) -> list[str]:
    """The newest submission graph of each institution whose stored analysis is missing, incomplete
    or derived under another knowledge version than the store's catalogue, or whose market records
    are missing: two queries, whatever the number of institutions."""
    current, indexed = current_graphs(store), indexed_submissions(store)
    return [g for g in latest_graphs(store.graphs()) if derived_graph(g) not in current or g not in indexed]


def refresh_stale(store: Store, layout: Layout | None = None, *, progress=None) -> list[str]:
    """Install the layout's catalogue, then :func:`intake` every institution's newest submission
    whose analysis is stale; return their graphs. What ``fscai analyse`` does. ``progress`` wraps
    the list of graphs (a tqdm bar, say)."""
    install_catalogue(store, layout or project_layout())
    graphs = stale_graphs(store)
    for graph in (progress(graphs) if progress else graphs):
        intake(store, graph)
    return graphs
