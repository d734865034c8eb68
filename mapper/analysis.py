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
from typing import TYPE_CHECKING, Sequence

from mapper.catalogue.install import install_catalogue
from mapper.catalogue.records import Catalogue, read_catalogue, sort_key
from mapper.classify import Classification, classify, derive, read_classification
from mapper.concurrently import concurrently
from mapper.gaps import Gap, compute_gaps
from mapper.graphs import derived_graph, latest_graphs
from mapper.labels import Label
from mapper.layout import Layout, project_layout
from mapper.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

    from mapper.load import Limits
    from mapper.validate import Validation


@dataclass(frozen=True)
class CoverageCell:
    """Applicable (measure, subject) pairs in one principle × stage cell, and how many are evidenced."""

    chapter: str
    stage: str  # stage notation, or "-" for measures placed in no stage
    applicable: int
    evidenced: int
    gaps: int
    undetermined: int


@dataclass(frozen=True)
class Analysis:
    submission_graph: str
    institution: str
    institution_label: Label
    as_of: dt.date
    catalogue: Catalogue
    classification: Classification
    gaps: tuple[Gap, ...]
    #: The SHACL validation of the submission, when the analysis was asked to validate it.
    validation: Validation | None = None

    def coverage(self) -> tuple[CoverageCell, ...]:
        """The principle × stage summary: applicable, evidenced (no gap) and gap counts."""
        measures = {m.iri: m for m in self.catalogue.measures}
        with_gap = {(g.measure.iri, g.subject) for g in self.gaps}
        applicable, evidenced, undetermined = Counter(), Counter(), Counter()
        for verdict in self.classification.verdicts:
            measure = measures.get(verdict.measure)
            if measure is None:
                continue
            cell = (measure.chapter.notation, measure.stage.notation if measure.stage else "-")
            if verdict.verdict == "applies":
                applicable[cell] += 1
                if (verdict.measure, verdict.subject) not in with_gap:
                    evidenced[cell] += 1
            elif verdict.verdict == "undetermined":
                undetermined[cell] += 1
        gaps = Counter((g.chapter.notation, g.stage.notation if g.stage else "-") for g in self.gaps)
        cells = set(applicable) | set(gaps) | set(undetermined)
        return tuple(CoverageCell(c, s, applicable[(c, s)], evidenced[(c, s)], gaps[(c, s)], undetermined[(c, s)])
                     for c, s in sorted(cells, key=lambda cs: (sort_key(cs[0]), cs[1])))

    @property
    def undetermined(self):
        return tuple(v for v in self.classification.verdicts if v.verdict == "undetermined")


def analyse(store: Store, submission_graph: str, *, as_of: dt.date, layout: Layout | None = None,
            catalogue: Catalogue | None = None, install: bool = True, validate: bool = False,
            shapes: Graph | None = None) -> Analysis:
    """Classify and compute the gaps of one submission already in the store.

    With ``validate``, the submission is also validated with the SHACL shapes (``shapes``, default
    the layout's), at the same time as it is classified: validation reads only the submission and
    the catalogue, classification writes only the derived graph, and both spend most of their time
    in Rust, so on two cores the pair takes little longer than classification alone.
    """
    layout = layout or project_layout()
    if install:
        install_catalogue(store, layout)
    catalogue = catalogue or read_catalogue(store)  # the catalogue graph classify and gaps read

    def classified() -> tuple[Classification, tuple[Gap, ...]]:
        classification = classify(store, submission_graph)
        return classification, compute_gaps(store, classification, catalogue, as_of)

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
    if derived_graph(submission_graph) not in store.graphs():
        raise NotAnalysed(f"the submission {submission_graph} has not been analysed: its derived graph "
                          f"{derived_graph(submission_graph)} is not in {store.url}")
    classification = read_classification(store, submission_graph)
    gaps = compute_gaps(store, classification, catalogue, as_of)
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




def derive_latest(store: Store, layout: Layout | None = None) -> list[str]:
    """Install the layout's catalogue and derive (classify) every institution's newest submission;
    return their graphs. What ``fscai serve`` does before it serves: pages only read."""
    install_catalogue(store, layout or project_layout())
    graphs = latest_graphs(store.graphs())
    for graph in graphs:
        derive(store, graph)
    return graphs
