"""One timed pass of the analysis pipeline on an embedded Oxigraph store (for bench_analysis.py).

Steps, each timed on its own, in the order a run of ``fscai report`` takes them:
catalogue (install into the store, read as records), load, classify, validate, gaps,
report (HTML and JSON); ``end to end`` is the wall clock of the whole pass, from an empty store.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from mapper.analysis import Analysis
from mapper.catalogue import read_catalogue
from mapper.catalogue_store import install_catalogue
from mapper.classify import classify
from mapper.gaps import compute_gaps
from mapper.load import Limits, load_submission
from mapper.report import render
from mapper.store import open_store
from mapper.synth import REFERENCE_DATE, synthesise
from mapper.validate import validate_institution

STEPS = ("catalogue", "load", "classify", "validate", "gaps", "report", "end to end")
#: 500 synthetic systems are 78 MB of N-Triples, over the loader's 64 MiB default per file.
LIMITS = Limits(max_file_bytes=256 << 20, max_triples=4_000_000)


@dataclass(frozen=True)
class Institution:
    systems: int
    path: Path
    triples: int


def synthetic_institution(systems: int, directory: Path | None = None) -> Institution:
    """One synthetic institution (``mapper.synth``, seed 0) written as N-Triples."""
    directory = directory or Path(tempfile.mkdtemp(prefix="fscai-bench-"))
    [(name, data)] = list(synthesise(1, systems, seed=0))
    path = directory / f"{systems}-{name}"
    path.write_bytes(data)
    return Institution(systems, path, data.count(b"\n"))


@dataclass
class Run:
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def run_pipeline(institution: Institution, *, as_of: dt.date = REFERENCE_DATE) -> Run:
    """Time each step once."""
    run = Run()

    def step(name, action):
        start = time.perf_counter()
        value = action()
        run.seconds[name] = time.perf_counter() - start
        return value

    started = time.perf_counter()
    store = open_store("memory:")
    try:
        catalogue = step("catalogue", lambda: (install_catalogue(store), read_catalogue(store))[1])
        submission = step("load", lambda: load_submission(store, [institution.path], limits=LIMITS))
        classification = step("classify", lambda: classify(store, submission.graph_iri))
        validation = step("validate", lambda: validate_institution(store, submission.ubn))
        gaps = step("gaps", lambda: compute_gaps(store, classification, catalogue, as_of))
        analysis = Analysis(submission.graph_iri, submission.institution, classification.labels(submission.institution),
                            as_of, catalogue, classification, gaps)
        pages = step("report", lambda: (render(analysis, "html"), render(analysis, "json")))
        run.seconds["end to end"] = time.perf_counter() - started
    finally:
        store.close()
    run.counts.update(triples=submission.triples, findings=len(validation.findings), gaps=len(gaps),
                      verdicts=len(classification.verdicts), html_bytes=len(pages[0].encode()),
                      json_bytes=len(pages[1].encode()))
    return run
