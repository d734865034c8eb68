"""Timed passes of the analysis pipeline on an embedded Oxigraph store (for bench_analysis.py).

Steps, each timed on its own, one after the other: catalogue (install into the store, read as
records), load, classify (what intake does, ``mapper.analysis.intake``: tiers, verdicts, gap records
and the market summaries written to the store; then ``read_classification``), validate, gaps (the
stored gap records read back, ``read_gaps``), report (HTML and JSON). ``end to end`` is a second
pass, from a new empty store, of what ``fscai report FILES`` runs: ``analyse_files(...,
validate=True)`` (load, then validation alongside intake and the reads) and the HTML and JSON
reports; it is shorter than the sum of the steps because validation and classification overlap on
two cores.

Each pass runs in a fresh Python process (:func:`run_in_child`), as a ``fscai`` command would:
passes made one after another in one process slow down by up to a second at 500 systems (the
heap the previous pass left behind), which would measure the bench, not the tool.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from mapper.analysis import Analysis, analyse_files, intake
from mapper.catalogue.install import install_catalogue
from mapper.catalogue.records import read_catalogue
from mapper.classify import read_classification
from mapper.gaps import read_gaps
from mapper.load import Limits, load_submission
from mapper.report import render
from mapper.store import open_store
from mapper.synth import REFERENCE_DATE, synthesise
from mapper.validate import validate_institution

STEPS = ("catalogue", "load", "classify", "validate", "gaps", "report", "sum of the steps", "end to end")
#: 500 synthetic systems are 78 MB of N-Triples, over the loader's 64 MiB default per file.
LIMITS = Limits(max_file_bytes=256 << 20, max_triples=4_000_000)


@dataclass(frozen=True)
class Institution:
    systems: int
    path: Path
    triples: int

    @property
    def ubn(self) -> str:
        """Its UBN (synth names the file ``{UBN}.nt``), for ``fscai load --institution``."""
        return self.path.stem.rsplit("-", 1)[-1]


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

    store = open_store("memory:")
    try:
        catalogue = step("catalogue", lambda: (install_catalogue(store), read_catalogue(store))[1])
        submission = step("load", lambda: load_submission(store, [institution.path], limits=LIMITS))
        classification = step("classify", lambda: (intake(store, submission.graph_iri),
                                                   read_classification(store, submission.graph_iri))[1])
        validation = step("validate", lambda: validate_institution(store, submission.ubn))
        records = step("gaps", lambda: read_gaps(store, classification, catalogue))
        analysis = Analysis(submission.graph_iri, submission.institution, classification.labels(submission.institution),
                            as_of, catalogue, classification, records)
        pages = step("report", lambda: (render(analysis, "html"), render(analysis, "json")))
    finally:
        store.close()
    run.seconds["sum of the steps"] = sum(run.seconds.values())
    run.counts.update(triples=submission.triples, findings=len(validation.findings), gaps=len(analysis.gaps),
                      gap_records=len(records),
                      verdicts=len(classification.verdicts), html_bytes=len(pages[0].encode()),
                      json_bytes=len(pages[1].encode()))
    return run


def end_to_end(institution: Institution, as_of: dt.date = REFERENCE_DATE) -> float:
    """Seconds for what ``fscai report FILES`` runs, from an empty store to both reports."""
    started = time.perf_counter()
    store = open_store("memory:")
    try:
        analysis = analyse_files(store, [institution.path], as_of=as_of, validate=True, limits=LIMITS)
        render(analysis, "html"), render(analysis, "json")
    finally:
        store.close()
    return time.perf_counter() - started


def run_in_child(institution: Institution, as_of: dt.date = REFERENCE_DATE) -> Run:
    """One pass of the steps and one end-to-end pass, each in a fresh Python process (shapes and
    code loaded before timing)."""
    run = Run()
    for mode in ("steps", "end-to-end"):
        reply = subprocess.run([sys.executable, __file__, mode, str(institution.path), str(institution.systems),
                                str(institution.triples), as_of.isoformat()],
                               check=True, capture_output=True, text=True)
        result = json.loads(reply.stdout.strip().splitlines()[-1])
        run.seconds.update(result["seconds"])
        run.counts.update(result["counts"])
    return run


if __name__ == "__main__":
    from mapper.validate import load_shapes

    mode, path, systems, triples, as_of = sys.argv[1:6]
    chosen = Institution(int(systems), Path(path), int(triples))
    load_shapes()  # what a long-lived process has warm; not part of a pass
    if mode == "steps":
        done = run_pipeline(chosen, as_of=dt.date.fromisoformat(as_of))
        print(json.dumps({"seconds": done.seconds, "counts": done.counts}))
    else:
        print(json.dumps({"seconds": {"end to end": end_to_end(chosen, dt.date.fromisoformat(as_of))}, "counts": {}}))
