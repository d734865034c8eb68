"""OSCAL JSON of the guideline and the analyses: what ``fscai export oscal --out DIR`` writes.

- ``catalog.json``: the guideline catalogue as an OSCAL catalog (:mod:`mapper.export.oscal_catalog`);
- ``assessment-results-UBN.json`` per institution analysed: a finding per gap holding on the
  analysis's reference date (:mod:`mapper.export.oscal_results`);
- ``poam-UBN.json`` per institution with something planned: a poam-item per planned item
  (:mod:`mapper.export.oscal_poam`).

How both languages are kept without a language tag, and the stable UUIDs, are in
:mod:`mapper.export.oscal_base`. Every file is a function of its input alone: the catalog of the
catalogue, an institution's files of its analysis (dated its reference date, never the clock),
so exporting the same input twice writes byte-identical files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mapper.analysis import Analysis
from mapper.catalogue.records import Catalogue
from mapper.export.oscal_base import OSCAL_VERSION, dump
from mapper.export.oscal_catalog import catalog_document
from mapper.export.oscal_poam import planned_items, poam_document
from mapper.export.oscal_results import assessment_results_document
from mapper.graphs import institution_of

__all__ = ["CATALOG_FILE", "OSCAL_VERSION", "assessment_results_document", "catalog_document", "file_names",
           "planned_items", "poam_document", "write_oscal"]

CATALOG_FILE = "catalog.json"


def file_names(analysis: Analysis) -> tuple[str, str]:
    """The assessment results' and the POA&M's file names for one analysis: by its institution's UBN."""
    ubn = institution_of(analysis.submission_graph)
    return f"assessment-results-{ubn}.json", f"poam-{ubn}.json"


def write_oscal(catalogue: Catalogue, analyses: Sequence[Analysis], out: Path) -> list[Path]:
    """Write the catalog and, for each analysis, its assessment results and (when it has planned
    items) its POA&M into the directory ``out`` (made if missing); return the paths written.

    Two analyses of one institution would write the same files: a ValueError, before anything is
    written.
    """
    ubns = [institution_of(a.submission_graph) for a in analyses]
    twice = sorted({u for u in ubns if ubns.count(u) > 1})
    if twice:
        raise ValueError(f"more than one analysis of the institution(s) {', '.join(twice)}: one file each")
    documents = [(CATALOG_FILE, catalog_document(catalogue))]
    for analysis in analyses:
        results_name, poam_name = file_names(analysis)
        documents.append((results_name, assessment_results_document(analysis)))
        poam = poam_document(analysis)
        if poam is not None:
            documents.append((poam_name, poam))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in documents:
        path = out / name
        path.write_text(dump(document), encoding="utf-8")
        written.append(path)
    return written
