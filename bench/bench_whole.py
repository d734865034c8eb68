"""``make bench``: whole ``fscai`` processes, as a user runs them, on the default on-disk store.

    python bench/bench_whole.py [--systems 50 500] [--runs 3]

For one synthetic institution (``mapper.synth``, seed 0) of each ``--systems`` size, each run in a
new empty on-disk Oxigraph store (``--store oxigraph:DIR``, a fresh temporary directory per run):

* ``fscai load FILE``: parse, check, write, then intake (tiers, verdicts, gap records, market
  summaries written once);
* ``fscai report --format html --out F``: the stored analysis read back (re-derived only when
  stale, which it is not), the submission validated (the default ``--validate``) and the HTML
  written; and the same with ``--no-validate`` (what reading alone costs);
* a resubmission: ``fscai load`` of the same institution with a later ``dct:issued`` date into
  that store (a second submission graph, analysed, its market graph replaced);

and side by side in the same run, the path that analyses at every report: ``fscai report FILE
--store memory: --format html`` (load, analyse, validate, report in one process), and
``mapper.analysis.analyse_files`` on ``memory:`` (``validate=True``) then the HTML render, timed
inside a fresh Python process after imports and shape compilation. Each row is the median, min and
max of ``--runs``; peak RSS is each process's own (GNU ``time``), the median over the runs.

Every process gets ``FSCAI_MAX_FILE_BYTES`` / ``FSCAI_MAX_TRIPLES`` large enough for 500 systems
(78 MB of N-Triples, over the loader's 64 MiB default). ``fscai report FILES`` does not read them
(it loads with the default limits), so a file over 64 MiB is given to it as two N-Triples files
of half the lines each: the same triples, one submission.

Targets (the issue's): load then report <= 2 s at 50 systems and <= 10 s at 500. The machine's
load average is printed at the start and the end: other work on it slows every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from bench_analysis_pipeline import LIMITS, Institution, synthetic_institution  # noqa: E402

from mapper.load import Limits  # noqa: E402
from mapper.synth import REFERENCE_DATE  # noqa: E402

FSCAI = str(Path(sys.executable).with_name("fscai"))
#: GNU time, for each process's peak RSS (``-f %M``); without it the RSS column stays empty.
TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() and os.access("/usr/bin/time", os.X_OK) else None
TARGETS = {50: 2.0, 500: 10.0}
#: The environment of every process: limits large enough for 500 systems (``fscai load`` reads them).
ENV = {**os.environ, "FSCAI_MAX_FILE_BYTES": str(LIMITS.max_file_bytes), "FSCAI_MAX_TRIPLES": str(LIMITS.max_triples)}
ENV.pop("FSCAI_STORE", None)
_SUBMISSION_ISSUED = re.compile(rb'(/submission> <http://purl\.org/dc/terms/issued> ")(\d{4}-\d\d-\d\d)(")')

ROWS = (
    ("start", "fscai --version (start-up, for scale)"),
    ("load", "(a) fscai load FILE, empty on-disk store"),
    ("report", "(b) fscai report --format html (stored)"),
    ("load + report", "(a) + (b): load then report"),
    ("report --no-validate", "    fscai report --no-validate (stored)"),
    ("resubmit", "(c) fscai load FILE, later date"),
    ("report FILE memory:", "(d) fscai report FILE --store memory:"),
    ("analyse_files", "(d) in-process analyse_files, memory:"),
    ("render", "    in-process HTML render"),
)


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: float | None = None


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_process(argv: list[str]) -> tuple[Sample, str]:
    """Run one process to its end: its wall time, its own peak RSS and its stdout. Raises on a
    non-zero exit. The RSS comes from GNU time (``-f %M``) when present: a child forked from this
    process would report this process's peak too (Linux keeps the high-water mark across exec)."""
    with tempfile.NamedTemporaryFile() as rss, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        wrapper = [TIME, "-f", "%M", "-o", rss.name] if TIME else []
        started = time.perf_counter()
        code = subprocess.run([*wrapper, *argv], stdout=out, stderr=err, env=ENV, cwd=ROOT, check=False).returncode
        seconds = time.perf_counter() - started
        if code != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} exited {code}:\n{err.read().decode(errors='replace')[-2000:]}")
        out.seek(0)
        kilobytes = Path(rss.name).read_text().split()[-1] if TIME else ""
        return Sample(seconds, int(kilobytes) / 1024 if kilobytes.isdigit() else None), out.read().decode()


def resubmission(institution: Institution, directory: Path) -> Path:
    """The same institution's submission dated 30 days later (the submission's ``dct:issued``)."""
    data = institution.path.read_bytes()
    match = _SUBMISSION_ISSUED.search(data)
    later = (dt.date.fromisoformat(match.group(2).decode()) + dt.timedelta(days=30)).isoformat().encode()
    path = directory / f"{institution.systems}-resubmission-{institution.path.name.split('-', 1)[1]}"
    path.write_bytes(data[:match.start(2)] + later + data[match.end(2):])
    return path


def report_files(institution: Institution, directory: Path) -> list[Path]:
    """The files ``fscai report FILES`` is given: the file itself, or two halves when it is over
    the default file limit (which ``fscai report`` applies whatever the environment says)."""
    if institution.path.stat().st_size <= Limits().max_file_bytes:
        return [institution.path]
    lines = institution.path.read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    parts = [directory / f"{institution.systems}-part{i}.nt" for i in (1, 2)]
    parts[0].write_bytes(b"".join(lines[:half]))
    parts[1].write_bytes(b"".join(lines[half:]))
    return parts


def one_run(institution: Institution, later: Path, files: list[Path], as_of: str) -> dict[str, Sample]:
    samples: dict[str, Sample] = {}
    work = Path(tempfile.mkdtemp(prefix="fscai-bench-whole-"))
    try:
        store = f"oxigraph:{work / 'store'}"
        samples["start"], _ = run_process([FSCAI, "--version"])
        samples["load"], _ = run_process([FSCAI, "load", "--institution", institution.ubn, str(institution.path), "--store", store])
        samples["report"], _ = run_process([FSCAI, "report", "--store", store, "--as-of", as_of, "--format", "html",
                                         "--out", str(work / "stored.html")])
        samples["load + report"] = Sample(samples["load"].seconds + samples["report"].seconds)
        samples["report --no-validate"], _ = run_process([FSCAI, "report", "--store", store, "--as-of", as_of,
                                                       "--format", "html", "--no-validate",
                                                       "--out", str(work / "stored-nv.html")])
        samples["resubmit"], _ = run_process([FSCAI, "load", "--institution", institution.ubn, str(later), "--store", store])
        store_mb = sum(p.stat().st_size for p in (work / "store").rglob("*") if p.is_file()) / 2**20
        samples["report FILE memory:"], _ = run_process([FSCAI, "report", *map(str, files), "--store", "memory:",
                                                      "--as-of", as_of, "--format", "html",
                                                      "--out", str(work / "memory.html")])
        # In-process: a fresh Python process that times analyse_files and the render itself.
        child, printed = run_process([sys.executable, __file__, "in-process", str(institution.path), as_of])
        timed = json.loads(printed.strip().splitlines()[-1])
        samples["analyse_files"] = Sample(timed["analyse_files"], child.rss_mb)
        samples["render"] = Sample(timed["render"])
        samples["store on disk"] = Sample(store_mb)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return samples


def in_process(path: str, as_of: str) -> None:
    """The child of the in-process row: imports and shapes first, then the timed calls."""
    from mapper.analysis import analyse_files
    from mapper.report import render
    from mapper.store import open_store
    from mapper.validate import load_shapes

    load_shapes()  # compiled once per process, as by fscai report before it reads anything
    store = open_store("memory:")
    started = time.perf_counter()
    analysis = analyse_files(store, [path], as_of=dt.date.fromisoformat(as_of), validate=True, limits=LIMITS)
    analysed = time.perf_counter() - started
    started = time.perf_counter()
    render(analysis, "html")
    rendered = time.perf_counter() - started
    store.close()
    print(json.dumps({"analyse_files": analysed, "render": rendered}))


def _cell(values: list[float], unit: str = "s") -> str:
    return f"{statistics.median(values):.2f} {unit} ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default=REFERENCE_DATE.isoformat(), help="reference date of the reports")
    args = parser.parse_args(argv)
    print(f"fscai whole-process benchmark: {os.cpu_count()} cores, {_load()} at start", flush=True)
    directory = Path(tempfile.mkdtemp(prefix="fscai-bench-"))
    results: dict[int, list[dict[str, Sample]]] = {}
    triples: dict[int, int] = {}
    try:
        for systems in args.systems:
            institution = synthetic_institution(systems, directory)
            later, files = resubmission(institution, directory), report_files(institution, directory)
            triples[systems] = institution.triples
            print(f"- {systems} systems: {institution.triples:,} triples, "
                  f"{institution.path.stat().st_size / 1e6:.1f} MB; {args.runs} runs ...", flush=True)
            results[systems] = []
            for run in range(args.runs):
                results[systems].append(one_run(institution, later, files, args.as_of))
                print(f"  run {run + 1}: load + report {results[systems][-1]['load + report'].seconds:.2f} s",
                      flush=True)
            if len(files) > 1:
                print(f"  (fscai report FILES given {len(files)} files: over the default 64 MiB file limit)",
                      flush=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\n{_load()} at the end\n")
    print(report(args, results, triples))
    return 0


def report(args, results: dict[int, list[dict[str, Sample]]], triples: dict[int, int]) -> str:
    sizes = list(results)

    def row(label: str, cells: list[str]) -> str:
        return f"{label:<42}" + "".join(f"{c:>30}{'':2}" for c in cells)

    title = (f"Whole fscai processes, one synthetic institution (mapper.synth, seed 0), median (min-max) of "
             f"{args.runs} runs; peak RSS: median")
    lines = [title, "",
             row("", [f"{n} systems ({triples[n]:,} triples)" for n in sizes]),
             row("", ["time".rjust(18) + "peak RSS".rjust(12) for _ in sizes])]
    for key, label in ROWS:
        cells = []
        for n in sizes:
            seconds = [r[key].seconds for r in results[n]]
            rss = [r[key].rss_mb for r in results[n] if r[key].rss_mb is not None]
            cells.append(_cell(seconds) + (f"{statistics.median(rss):>8.0f} MB" if rss else " " * 11))
        lines.append(row(label, cells))
    lines.append(row("  target, load then report", [f"<= {TARGETS[n]:.0f} s" if n in TARGETS else "-" for n in sizes]))
    lines.append(row("  met?", ["-" if n not in TARGETS else "yes" if statistics.median(
        r["load + report"].seconds for r in results[n]) <= TARGETS[n] else "NO" for n in sizes]))
    on_disk = {n: statistics.median(r["store on disk"].seconds for r in results[n]) for n in sizes}
    lines.append(row("store on disk after (c)", [f"{on_disk[n]:.0f} MB" for n in sizes]))
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["in-process"]:
        in_process(*sys.argv[2:4])
        raise SystemExit(0)
    raise SystemExit(main())
