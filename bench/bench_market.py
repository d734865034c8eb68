"""``make bench-market``: the regulator's market on the default on-disk store, analysed at intake.

    python bench/bench_market.py [--institutions 1000] [--systems 50] [--subset 100] [--repeats 20]
                                 [--store-dir DIR] [--build memory|direct]

What it does and times, in order:

1. build: a synthetic market (``mapper.synth.synthesise``, seed ``--seed``) of ``--institutions`` x
   ``--systems`` in an on-disk Oxigraph store, each institution loaded and taken in
   (``mapper.load.load_submission`` then ``mapper.analysis.intake``: tiers, verdicts, gap records,
   market summaries) in this process, with a progress bar on stderr; and a second store holding the
   first ``--subset`` institutions (the same data: ``synthesise`` gives the first N institutions of a
   larger market). ``--build memory`` (the default) takes each institution in on a scratch in-memory
   store and bulk-loads its three graphs (submission, derived, market) into the on-disk stores,
   ``--batch`` institutions a call (the same quads; several times faster on this machine);
   ``--build direct`` runs ``load_submission`` and ``intake`` on the on-disk store itself, as
   ``fscai load`` does. Total and per institution, generation apart. With ``--store-dir DIR`` the
   stores are kept in DIR (``market-<N>x<M>-seed<S>``) and a store built before is reused, unless
   the knowledge version (catalogue and deriving queries) has changed since.
2. resubmission: the first institution again with its ``dct:issued`` 30 days later, as a whole
   process, ``fscai load FILE --store oxigraph:DIR`` (load, intake, its market graph replaced).
3. serve: ``fscai serve --store oxigraph:DIR --port P`` from start until ``GET /`` answers 200
   (``--serve-limit`` seconds at most; stopped early if it takes over half the machine's memory).
4. queries: every named query (``queries/*.rq``; ``asOf`` bound to ``--as-of``) run in this process
   with ``store.select`` on the on-disk store (no other process holds it), p50 / p95 over
   ``--repeats`` runs after a first run (a query whose first run is over ``--slow`` seconds is timed
   once); on the subset store too, with the full computations of ``tests/full_computation/`` (the
   same questions asked of every submission, without the summary records) beside them.

Targets (the issue's): every named query p50 <= 200 ms at 1,000 institutions and <= 50 ms at 100;
resubmission <= 3 s; serve ready <= 5 s. The machine's load average is printed at the start and
the end: other work on it slows every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import http.client
import json
import math
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from bench_analysis_pipeline import LIMITS  # noqa: E402
from bench_whole import ENV, FSCAI, run_process  # noqa: E402
from tqdm import tqdm  # noqa: E402

from mapper.analysis import intake  # noqa: E402
from mapper.catalogue.install import install_catalogue, knowledge_version  # noqa: E402
from mapper.graphs import derived_graph, institution_of, market_graph  # noqa: E402
from mapper.load import catalogue_terms_from, load_submission  # noqa: E402
from mapper.query_library import list_queries  # noqa: E402
from mapper.store import open_store  # noqa: E402
from mapper.synth import REFERENCE_DATE, synthesise  # noqa: E402

FULL_COMPUTATION = ROOT / "tests" / "full_computation"
#: Named-query p50 targets by market size (institutions).
QUERY_TARGET_MS = {1000: 200.0, 100: 50.0}
RESUBMISSION_TARGET_S = 3.0
SERVE_TARGET_S = 5.0
MARKER = "bench-market.json"
_ISSUED = b'/submission> <http://purl.org/dc/terms/issued> "'


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- 1. build ------------------------------------------------------------------------------------


@dataclass
class Build:
    """A built store and what its build took (kept beside it as ``bench-market.json``)."""

    path: str
    institutions: int
    systems: int
    seed: int
    mode: str
    seconds: float = 0.0  # load and intake (and, in memory mode, the bulk loads); generation apart
    generate_s: float = 0.0
    submission_triples: int = 0
    quads: int = 0  # every quad the build wrote: submissions, derived and market graphs
    disk_mb: float = 0.0
    peak_rss_mb: float = 0.0
    built_on: str = ""
    knowledge_version: str = ""  # the code's knowledge version (catalogue and deriving queries) it was built with
    reused: bool = False

    @property
    def per_institution(self) -> float:
        return self.seconds / self.institutions if self.institutions else 0.0


def store_path(directory: Path, institutions: int, systems: int, seed: int) -> Path:
    return directory / f"market-{institutions}x{systems}-seed{seed}"


def reusable(path: Path) -> Build | None:
    """The figures of a store built before in ``path``, if its build finished under the knowledge
    version of the code now (another version's analyses would be stale: the store is rebuilt)."""
    try:
        build = Build(**{**json.loads((path / MARKER).read_text()), "reused": True})
    except (OSError, ValueError, TypeError):
        return None
    if build.knowledge_version != knowledge_version():
        print(f"- {path}: built under another knowledge version; building it again", flush=True)
        return None
    return build


def _disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _generated(institutions: int, systems: int, seed: int, build: Build):
    """``synthesise`` with the time spent generating added to ``build.generate_s``."""
    source = synthesise(institutions, systems, seed=seed)
    while True:
        started = time.perf_counter()
        try:
            name, data = next(source)
        except StopIteration:
            return
        finally:
            build.generate_s += time.perf_counter() - started
        yield name, data


def _empty_store(path: Path) -> None:
    """A new on-disk store at ``path`` holding the catalogue (whatever was there is removed)."""
    shutil.rmtree(path, ignore_errors=True)
    store = open_store(f"oxigraph:{path}")
    install_catalogue(store)
    store.close()


def build_memory(targets: list[Build], batch: int, scratch_dir: Path) -> None:
    """Take each institution in on a scratch in-memory store (``load_submission`` then ``intake``)
    and bulk-load its submission, derived and market graphs into each target store that holds it
    (target ``i`` holds the first ``targets[i].institutions``). The analysis of an institution is
    counted in the build time of every store that holds it; each store's bulk loads in its own."""
    largest = max(targets, key=lambda b: b.institutions)
    for build in targets:
        _empty_store(Path(build.path))
    stores = [ox.Store(build.path) for build in targets]
    pending: list[list[bytes]] = [[] for _ in targets]

    def flush(i: int) -> None:
        if pending[i]:
            started = time.perf_counter()
            stores[i].bulk_load(b"".join(pending[i]), ox.RdfFormat.N_QUADS)
            targets[i].seconds += time.perf_counter() - started
            pending[i] = []

    try:
        catalogue = open_store("memory:")
        install_catalogue(catalogue)
        terms = catalogue_terms_from(catalogue)
        catalogue.close()
        bar = tqdm(_generated(largest.institutions, largest.systems, largest.seed, largest), total=largest.institutions,
                   desc="build (intake in memory, bulk load)", unit="institution", file=sys.stderr)
        for index, (name, data) in enumerate(bar):
            path = scratch_dir / name
            path.write_bytes(data)
            started = time.perf_counter()
            scratch = open_store("memory:")
            install_catalogue(scratch)
            submission = load_submission(scratch, [path], catalogue_terms=terms, limits=LIMITS)
            intake(scratch, submission.graph_iri)
            graphs = (submission.graph_iri, derived_graph(submission.graph_iri),
                      market_graph(institution_of(submission.graph_iri)))
            live = scratch._live()  # the bench's own bulk copy: N-Triples of each graph, named
            nquads = b"".join(live.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
                              .replace(b" .\n", f" <{g}> .\n".encode()) for g in graphs)
            scratch.close()
            analysed = time.perf_counter() - started
            path.unlink()
            for i, build in enumerate(targets):
                if index < build.institutions:
                    build.seconds += analysed
                    build.submission_triples += submission.triples
                    build.quads += nquads.count(b"\n")
                    pending[i].append(nquads)
                    if len(pending[i]) >= batch or index + 1 == build.institutions:
                        flush(i)
        for i in range(len(targets)):
            flush(i)
        for i, build in enumerate(targets):
            started = time.perf_counter()
            stores[i].flush()
            build.seconds += time.perf_counter() - started
    finally:
        stores.clear()  # closes each store (and its directory lock) once collected
        gc.collect()


def build_direct(build: Build, scratch_dir: Path) -> None:
    """``load_submission`` and ``intake`` of each institution on the on-disk store, as ``fscai load``."""
    _empty_store(Path(build.path))
    store = open_store(f"oxigraph:{build.path}")
    try:
        terms = catalogue_terms_from(store)
        bar = tqdm(_generated(build.institutions, build.systems, build.seed, build), total=build.institutions,
                   desc=f"build {build.institutions} (direct intake on disk)", unit="institution", file=sys.stderr)
        for name, data in bar:
            path = scratch_dir / name
            path.write_bytes(data)
            started = time.perf_counter()
            submission = load_submission(store, [path], catalogue_terms=terms, limits=LIMITS)
            intake(store, submission.graph_iri)
            build.seconds += time.perf_counter() - started
            build.submission_triples += submission.triples
            path.unlink()
        started = time.perf_counter()
        store.close()
        build.seconds += time.perf_counter() - started
    finally:
        store.close()


def build_stores(builds: list[Build], mode: str, batch: int) -> None:
    """Build every store of ``builds`` not reused; record each one's figures beside it."""
    todo = [b for b in builds if not b.reused]
    if not todo:
        return
    with tempfile.TemporaryDirectory(prefix="fscai-bench-market-") as scratch:
        if mode == "memory":
            build_memory(todo, batch, Path(scratch))
        else:
            for build in todo:
                build_direct(build, Path(scratch))
    for build in todo:
        build.disk_mb = _disk_mb(Path(build.path))
        build.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        build.built_on = dt.datetime.now().isoformat(timespec="seconds")
        build.knowledge_version = knowledge_version()
        (Path(build.path) / MARKER).write_text(json.dumps({k: v for k, v in asdict(build).items() if k != "reused"}))


# --- 2. resubmission, 3. serve -----------------------------------------------------------------------


def resubmit(build: Build, directory: Path) -> tuple[float, float | None, str]:
    """``fscai load`` of the market's first institution dated 30 days later: seconds, peak RSS, graph."""
    [(name, data)] = list(synthesise(1, build.systems, seed=build.seed))
    start = data.index(_ISSUED) + len(_ISSUED)
    later = (dt.date.fromisoformat(data[start:start + 10].decode()) + dt.timedelta(days=30)).isoformat().encode()
    path = directory / f"resubmission-{name}"
    path.write_bytes(data[:start] + later + data[start + 10:])
    sample, printed = run_process([FSCAI, "load", "--institution", name[:8], str(path), "--store", f"oxigraph:{build.path}"])
    return sample.seconds, sample.rss_mb, printed.split("\t")[0].strip()


@dataclass
class Serve:
    listening_s: float | None = None  # the first TCP connection accepted
    ready_s: float | None = None  # the first GET / answered 200
    second_get_s: float | None = None
    peak_rss_mb: float | None = None
    note: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm(pid: int, field_name: str) -> float | None:
    """A ``/proc/PID/status`` memory field (VmRSS, VmHWM) in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def serve(build: Build, as_of: str, limit: float) -> Serve:
    """Start ``fscai serve`` on the store and time it until ``GET /`` answers 200; then stop it."""
    port = _free_port()
    memory_cap = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20 / 2
    result = Serve()
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen([FSCAI, "serve", "--store", f"oxigraph:{build.path}", "--port", str(port),
                                    "--as-of", as_of], stdout=log, stderr=log, env=ENV, cwd=ROOT)
        try:
            while time.perf_counter() - started < limit:
                if process.poll() is not None:
                    log.seek(0)
                    result.note = f"exited {process.returncode}: {log.read().decode(errors='replace')[-300:]}"
                    return result
                rss = _vm(process.pid, "VmRSS")
                if rss is not None and rss > memory_cap:
                    result.note = f"stopped: {rss / 1024:.1f} GB resident, over half the machine's memory"
                    return result
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        pass
                except OSError:
                    time.sleep(0.05)
                    continue
                if result.listening_s is None:
                    result.listening_s = time.perf_counter() - started
                status = _get(port, "/", limit - (time.perf_counter() - started))
                if status == 200:
                    result.ready_s = time.perf_counter() - started
                    again = time.perf_counter()
                    _get(port, "/", 60)
                    result.second_get_s = time.perf_counter() - again
                    break
                time.sleep(0.05)
            else:
                result.note = f"not ready within {limit:.0f} s"
            result.peak_rss_mb = _vm(process.pid, "VmHWM")
            return result
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # waitress stops; the app closes the store
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _get(port: int, path: str, timeout: float) -> int | None:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(timeout, 1))
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status
    except OSError:
        return None


# --- 4. queries ------------------------------------------------------------------------------------


@dataclass
class Timing:
    rows: int
    first_ms: float
    samples_ms: list[float] = field(default_factory=list)
    answer: list = field(default_factory=list, repr=False)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def once(self) -> bool:
        return len(self.samples_ms) == 1


def time_query(store, text: str, repeats: int, slow: float) -> Timing:
    """A first run, then ``repeats`` more (none if the first took over ``slow`` seconds)."""
    return time_run(lambda: store.select(text), _canonical, repeats, slow)


def time_run(run, canonical, repeats: int, slow: float) -> Timing:
    """``run()`` a first time (its rows kept as ``canonical(rows)``), then ``repeats`` more (none if
    the first took over ``slow`` seconds)."""
    started = time.perf_counter()
    rows = run()
    timing = Timing(len(rows), (time.perf_counter() - started) * 1000, answer=canonical(rows))
    if timing.first_ms > slow * 1000:
        timing.samples_ms = [timing.first_ms]
        return timing
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timing.samples_ms.append((time.perf_counter() - started) * 1000)
    return timing


def _canonical(rows: list[dict]) -> list[tuple]:
    """Rows as sorted tuples, numbers compared as numbers (as tests/test_market.py compares them)."""
    def value(term):
        try:
            return float(str(term))
        except ValueError:
            return str(term)
    return sorted(tuple(sorted((k, value(v)) for k, v in row.items())) for row in rows)


def named_queries(as_of: str) -> dict[str, str]:
    return {q.name: q.bind({"asOf": as_of}) if any(p.name == "asOf" for p in q.parameters) else q.text
            for q in list_queries()}


def run_queries(build: Build, queries: dict[str, str], repeats: int, slow: float, label: str) -> dict[str, Timing]:
    store = open_store(f"oxigraph:{build.path}")  # fails if another process holds the directory
    try:
        out = {}
        for name, text in tqdm(queries.items(), desc=label, unit="query", file=sys.stderr, leave=False):
            out[name] = time_query(store, text, repeats, slow)
        return out
    finally:
        store.close()


# --- the report ------------------------------------------------------------------------------------


def _ms(t: Timing | None, value: str) -> str:
    if t is None:
        return "-"
    return f"{getattr(t, value):,.1f} ms" + ("*" if t.once else "")


def _ratio(value: float) -> str:
    return f"{value:,.0f}x" if value >= 10 else f"{value:.2f}x"


def _target(institutions: int) -> float | None:
    return QUERY_TARGET_MS.get(institutions)


def report(args, main: Build, subset: Build, resubmission, served: Serve, named: dict[str, Timing],
           named_subset: dict[str, Timing], full_subset: dict[str, Timing]) -> str:
    def row(label: str, cells: list[str], width: int = 30) -> str:
        return f"{label:<{width}}" + "".join(f"{c:>16}" for c in cells)

    title = (f"Market of {main.institutions:,} institutions x {main.systems} AI systems (mapper.synth, seed "
             f"{main.seed}), on-disk Oxigraph, analysed at intake")
    lines = [title, ""]
    for build in [main] + ([subset] if subset.path != main.path else []):
        how = f"reused (built {build.built_on})" if build.reused else "built now"
        lines += [(f"build of {build.institutions:,} institutions ({build.mode} mode, {how}): {build.seconds:,.1f} s, "
                   f"{build.per_institution:.2f} s per institution (generation apart: {build.generate_s:,.1f} s)"),
                  (f"  {build.submission_triples:,} submission triples, {build.quads:,} quads written "
                   f"(submission, derived, market graphs); store on disk {build.disk_mb:,.0f} MB; "
                   f"build process peak RSS {build.peak_rss_mb:,.0f} MB")]
    seconds, rss, graph = resubmission
    lines += ["",
              row("whole process", ["time", "target", "met?", "peak RSS"]),
              row("resubmission (fscai load)", [f"{seconds:.2f} s", f"<= {RESUBMISSION_TARGET_S:.0f} s",
                                                 "yes" if seconds <= RESUBMISSION_TARGET_S else "NO",
                                                 f"{rss:,.0f} MB" if rss else "-"]),
              row("fscai serve: start -> GET / 200", [
                  f"{served.ready_s:.2f} s" if served.ready_s is not None else "-", f"<= {SERVE_TARGET_S:.0f} s",
                  "yes" if served.ready_s is not None and served.ready_s <= SERVE_TARGET_S else "NO",
                  f"{served.peak_rss_mb:,.0f} MB" if served.peak_rss_mb else "-"]),
              row("  of which: listening", [f"{served.listening_s:.2f} s" if served.listening_s is not None else "-"]),
              row("  a second GET /", [f"{served.second_get_s:.2f} s" if served.second_get_s is not None else "-"])]
    if served.note:
        lines.append(f"  serve: {served.note}")
    lines.append(f"  resubmitted as {graph}")
    n, m = main.institutions, subset.institutions
    target_n, target_m = _target(n), _target(m)
    lines += ["", (f"Named queries (queries/*.rq, asOf {args.as_of}), in-process store.select on the on-disk store, "
                   f"p50 / p95 of {args.repeats} runs after a first (* timed once: first run over {args.slow:.0f} s)"),
              row("query", [f"rows @{n}", f"p50 @{n}", f"p95 @{n}", "target", "met?",
                            f"p50 @{m}", f"p95 @{m}", "target", "met?"])]
    for name, t in named.items():
        s = named_subset.get(name)
        lines.append(row(name, [
            f"{t.rows:,}", _ms(t, "p50"), _ms(t, "p95"), f"<= {target_n:.0f} ms" if target_n else "-",
            ("yes" if t.p50 <= target_n else "NO") if target_n else "-",
            _ms(s, "p50"), _ms(s, "p95"), f"<= {target_m:.0f} ms" if target_m and s else "-",
            ("yes" if s.p50 <= target_m else "NO") if target_m and s else "-"]))
    lines += ["", (f"Full computation (tests/full_computation/*.rq: every submission, no summary records) beside the "
                   f"named query, on the {m}-institution store"), row("query", [
                  "rows", "named p50", "named p95", "full p50", "full p95", "full / named", "same answer"])]
    for name, f in full_subset.items():
        s = named_subset.get(name)
        lines.append(row(name, [f"{f.rows:,}", _ms(s, "p50"), _ms(s, "p95"), _ms(f, "p50"), _ms(f, "p95"),
                                _ratio(f.p50 / s.p50) if s and s.p50 else "-",
                                ("yes" if s.answer == f.answer else "NO") if s else "-"]))
    missing = sorted(set(named_subset) - set(full_subset))
    if missing:
        lines.append(f"(no full-computation file for: {', '.join(missing)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=1000)
    parser.add_argument("--systems", type=int, default=50)
    parser.add_argument("--subset", type=int, default=100, help="institutions of the second, smaller store")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--slow", type=float, default=10.0, help="seconds: a query slower than this is timed once")
    parser.add_argument("--as-of", default=REFERENCE_DATE.isoformat())
    parser.add_argument("--store-dir", type=Path, default=None,
                        help="keep the stores here (market-<N>x<M>-seed<S>) and reuse those built before")
    parser.add_argument("--build", choices=("memory", "direct"), default="memory",
                        help="memory: intake on a scratch in-memory store, then bulk load (default); "
                             "direct: load_submission + intake on the on-disk store")
    parser.add_argument("--batch", type=int, default=20, help="institutions per bulk load (memory mode)")
    parser.add_argument("--serve-limit", type=float, default=600.0, help="seconds to wait for fscai serve")
    args = parser.parse_args(argv)
    if not 0 < args.subset <= args.institutions:
        parser.error("--subset must be between 1 and --institutions")
    print(f"fscai market benchmark: {os.cpu_count()} cores, {_load()} at start", flush=True)
    directory = args.store_dir or Path(tempfile.mkdtemp(prefix="fscai-bench-market-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        builds = []
        for count in dict.fromkeys((args.institutions, args.subset)):
            path = store_path(directory, count, args.systems, args.seed)
            builds.append(reusable(path) or Build(str(path), count, args.systems, args.seed, args.build))
        build_stores(builds, args.build, args.batch)
        main_build, subset_build = builds[0], builds[-1]
        for build in builds:
            print(f"- store of {build.institutions:,}: {'reused' if build.reused else 'built'} in "
                  f"{build.seconds:,.1f} s ({build.per_institution:.2f} s per institution), "
                  f"{build.disk_mb:,.0f} MB", flush=True)
        queries = named_queries(args.as_of)
        full = {p.stem: p.read_text(encoding="utf-8") for p in sorted(FULL_COMPUTATION.glob("*.rq"))}
        print("- resubmission (fscai load) ...", flush=True)
        with tempfile.TemporaryDirectory() as scratch:
            resubmission = resubmit(main_build, Path(scratch))
        print(f"  {resubmission[0]:.2f} s\n- fscai serve ...", flush=True)
        served = serve(main_build, args.as_of, args.serve_limit)
        print(f"  ready in {served.ready_s:.2f} s" if served.ready_s is not None else f"  {served.note}", flush=True)
        print(f"- named queries on the {main_build.institutions:,}-institution store ...", flush=True)
        named = run_queries(main_build, queries, args.repeats, args.slow, "named queries")
        print(f"- named queries and full computations on the {subset_build.institutions:,}-institution store ...",
              flush=True)
        named_subset = (named if subset_build is main_build
                        else run_queries(subset_build, queries, args.repeats, args.slow, "named queries, subset"))
        full_subset = run_queries(subset_build, full, args.repeats, args.slow, "full computations, subset")
    finally:
        if args.store_dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"\n{_load()} at the end\n")
    print(report(args, main_build, subset_build, resubmission, served, named, named_subset, full_subset))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
