"""Benchmark: ``/sparql`` under hostile anonymous clients (``make bench-hostile``; issue 14).

    python bench/sparql_hostile.py                     # 30 s quiet, then 30 s with 3 hostile clients
    python bench/sparql_hostile.py --duration 10       # a quick run

What it does, in order:

1. a store as ``fscai load`` leaves it: the catalogue and the bundled examples (``data/examples/*``:
   the minimal bank, the bank, the life insurer, the securities firm), each loaded and taken in
   (``mapper.load.load_submission`` then ``mapper.analysis.intake``) on an on-disk Oxigraph store;
2. the app as ``fscai serve`` runs it (``create_app`` behind waitress on loopback, ``--server-threads``
   threads as ``fscai serve --threads``, the endpoint's settings at their defaults, an audit log
   file), with a token file: the regulator and the three example institutions;
3. quiet: 8 normal clients for ``--duration`` seconds, a new connection per request (as curl and
   SPARQLWrapper make): 4 with the regulator's token (two running the query library ``queries/*.rq``,
   ``asOf`` bound, two alternating it with ``ASK {}``), 4 with institution tokens (the bank twice,
   the life insurer, the securities firm: the library on their own data, and ``ASK {}``);
4. hostile: the same 8, plus 3 anonymous clients that loop, never waiting, over a cross product
   (``SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i}``) and an ``ORDER BY`` over one (a gigabyte a
   second of memory until stopped), for ``--duration`` seconds.

For each phase: requests/s of the normal clients (and of the hostile ones), the regulator's p50 and
p99 latency, 503s by role, workers killed at a deadline or dead over their memory budget, and the
largest worker seen (RSS, sampled every 0.1 s). Clients run in their own processes (the server's
GIL is the server's). Goal (issue 14): the regulator's p99 under hostile load within 2x quiet.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXAMPLES = ROOT / "data" / "examples"
AS_OF = "2026-11-25"
INSTITUTIONS = {"bank": "83910461", "life-insurer": "53728108", "securities": "66482035"}
HOSTILE = (
    "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i}",
    "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i} ORDER BY ?c ?f ?i",
)
#: The 8 normal clients: (role, what it sends).
NORMAL = (("regulator", "library"), ("regulator", "library"), ("regulator", "mixed"), ("regulator", "mixed"),
          ("bank", "library"), ("bank", "mixed"), ("life-insurer", "mixed"), ("securities", "mixed"))


# --- the store and the server ---------------------------------------------------------------------


def build_store(path: Path) -> None:
    """The catalogue and every bundled example, loaded and taken in as ``fscai load`` does."""
    from mapper.analysis import intake
    from mapper.catalogue.install import install_catalogue
    from mapper.load import catalogue_terms_from, load_submission
    from mapper.store import open_store

    with open_store(f"oxigraph:{path}") as store:
        install_catalogue(store)
        terms = catalogue_terms_from(store)
        submissions = [[EXAMPLES / "minimal-submission.ttl"]]
        submissions += [sorted(p for p in (EXAMPLES / name).iterdir() if p.is_file()) for name in INSTITUTIONS]
        for files in submissions:
            loaded = load_submission(store, files, catalogue_terms=terms)
            intake(store, loaded.graph_iri)


def write_tokens(path: Path) -> dict[str, str]:
    tokens = {role: f"bench-{role}-" + os.urandom(16).hex() for role in ("regulator", *INSTITUTIONS)}
    lines = ["[tokens]"] + [f'"{token}" = "{INSTITUTIONS.get(role, role)}"' for role, token in tokens.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tokens


def library() -> list[str]:
    from mapper.query_library import list_queries

    return [named.with_defaults({"asOf": AS_OF}) for named in list_queries()]


def library_names() -> list[str]:
    from mapper.query_library import list_queries

    return [named.name for named in list_queries()]


QUERY_NAMES = library_names()


# --- clients --------------------------------------------------------------------------------------


def request(port: int, query: str, token: str | None, timeout: float = 120) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request("POST", "/sparql", body=urlencode({"query": query}), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def client_process(port: int, clients: list[tuple[str, str, str | None]], queries: list[str], duration: float,
                   results, hostile_queries: tuple[str, ...] = HOSTILE) -> None:
    """Run ``clients`` (role, kind, token) on threads of this process for ``duration`` seconds;
    put one list of (role, status, seconds, query) on ``results`` (query: its index in ``queries``,
    -1 for ``ASK {}``, -2 for a hostile one)."""
    records: list[tuple[str, int, float, int]] = []
    stop = time.monotonic() + duration

    def run(index: int, role: str, kind: str, token: str | None) -> None:
        n = index
        while time.monotonic() < stop:
            n += 1
            if kind == "hostile":
                index, query = -2, hostile_queries[n % len(hostile_queries)]
            elif kind == "mixed" and n % 2:
                index, query = -1, "ASK {}"
            else:
                index = n % len(queries)
                query = queries[index]
            t0 = time.perf_counter()
            status = request(port, query, token)
            records.append((role, status, time.perf_counter() - t0, index))

    threads = [threading.Thread(target=run, args=(i * 3, *client)) for i, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(records)


def phase(port: int, tokens: dict[str, str], queries: list[str], duration: float, hostile: int, pool,
          hostile_queries: tuple[str, ...] = HOSTILE) -> tuple:
    """One phase (or a slice of one): the normal clients (and ``hostile`` anonymous ones), in
    processes of their own, for ``duration`` seconds: (records, workers killed at a deadline, dead
    over their memory budget, largest worker RSS in MiB)."""
    context = mp.get_context("spawn")
    results = context.Queue()
    normal = [(role if role == "regulator" else "institution", kind, tokens[role]) for role, kind in NORMAL]
    groups = [normal] + ([[("public", "hostile", None)] * hostile] if hostile else [])
    killed, died = pool.killed, pool.died
    peak = _PeakRss(pool)
    peak.start()
    children = [context.Process(target=client_process, args=(port, group, queries, duration, results, hostile_queries))
                for group in groups]
    for child in children:
        child.start()
    records = [record for _ in children for record in results.get()]
    for child in children:
        child.join()
    peak.stop()
    return records, pool.killed - killed, pool.died - died, peak.mib


def phases(port: int, tokens: dict[str, str], queries: list[str], args, pool) -> tuple[dict, dict]:
    """Quiet, then hostile, each ``--duration`` seconds; with ``--rounds N`` the two alternate in N
    slices each, so that both see the same load from whatever else runs on the machine."""
    totals = {0: ([], 0, 0, 0.0), args.hostile: ([], 0, 0, 0.0)}
    for round_ in range(args.rounds):
        for hostile in (0, args.hostile):
            print(f"  round {round_ + 1}/{args.rounds}: {'hostile' if hostile else 'quiet'}", file=sys.stderr)
            records, killed, died, peak = phase(port, tokens, queries, args.duration / args.rounds, hostile, pool)
            before = totals[hostile]
            totals[hostile] = (before[0] + records, before[1] + killed, before[2] + died, max(before[3], peak))
            time.sleep(1)
    (quiet, *quiet_workers), (hostile, *hostile_workers) = totals[0], totals[args.hostile]
    return summary(quiet, args.duration, *quiet_workers), summary(hostile, args.duration, *hostile_workers)


class _PeakRss(threading.Thread):
    """The largest resident size of any worker process while it runs (sampled every 0.1 s)."""

    def __init__(self, pool) -> None:
        super().__init__(daemon=True)
        self.pool, self.mib, self._done = pool, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.1):
            for pid in self.pool.pids():
                try:
                    with open(f"/proc/{pid}/status") as status:
                        for line in status:
                            if line.startswith("VmRSS:"):
                                self.mib = max(self.mib, int(line.split()[1]) / 1024)
                except (FileNotFoundError, ProcessLookupError):
                    pass

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(records: list[tuple[str, int, float, int]], duration: float, killed: int, died: int,
            peak_mib: float) -> dict:
    normal = [r for r in records if r[0] != "public"]
    regulator = [r[2] for r in records if r[0] == "regulator"]
    names = ["ASK {}" if i == -1 else QUERY_NAMES[i] for i in sorted({r[3] for r in normal})]
    by_query = {name: [r[2] for r in records if r[0] == "regulator" and _name(r[3]) == name] for name in names}
    return {
        "normal_requests": len(normal),
        "normal_rps": len(normal) / duration,
        "normal_ok": sum(1 for r in normal if r[1] == 200),
        "hostile_requests": len(records) - len(normal),
        "hostile_rps": (len(records) - len(normal)) / duration,
        "regulator_requests": len(regulator),
        "regulator_p50_ms": percentile(regulator, 50) * 1000,
        "regulator_p99_ms": percentile(regulator, 99) * 1000,
        "regulator_max_ms": max(regulator, default=float("nan")) * 1000,
        "status_503": {role: sum(1 for r in records if r[0] == role and r[1] == 503)
                       for role in ("regulator", "institution", "public")},
        "other_errors": {role: sum(1 for r in records if r[0] == role and r[1] not in (200, 503))
                         for role in ("regulator", "institution", "public")},
        "killed_at_deadline": killed,
        "died_over_memory": died,
        "peak_worker_rss_mib": peak_mib,
        "regulator_by_query": {name: {"n": len(times), "p50_ms": percentile(times, 50) * 1000,
                                      "p99_ms": percentile(times, 99) * 1000} for name, times in by_query.items()},
    }


def _name(index: int) -> str:
    return "ASK {}" if index == -1 else "hostile" if index == -2 else QUERY_NAMES[index]


# --- report ---------------------------------------------------------------------------------------


def print_report(quiet: dict, hostile: dict, args, settings) -> None:
    ratio = hostile["regulator_p99_ms"] / quiet["regulator_p99_ms"]
    print()
    print(f"fscai /sparql under hostile clients: {os.cpu_count()} CPUs, {settings.workers} workers "
          f"({settings.reserved_workers} reserved for the regulator), public: {settings.public_queries} query "
          f"at once on its own worker, deadline {settings.public_timeout_s:g} s; memory {settings.worker_memory_mb} MiB a worker; "
          f"{args.duration:g} s a phase" + (f" in {args.rounds} alternating slices" if args.rounds > 1 else ""))
    rows = [
        ("normal clients' requests/s", lambda p: f"{p['normal_rps']:,.1f}"),
        ("  of which answered 200", lambda p: f"{p['normal_ok']:,} of {p['normal_requests']:,}"),
        ("regulator p50 (ms)", lambda p: f"{p['regulator_p50_ms']:,.1f}"),
        ("regulator p99 (ms)", lambda p: f"{p['regulator_p99_ms']:,.1f}"),
        ("regulator max (ms)", lambda p: f"{p['regulator_max_ms']:,.1f}"),
        ("hostile requests/s", lambda p: f"{p['hostile_rps']:,.1f}"),
        ("503s: regulator / institution / public",
         lambda p: " / ".join(str(p["status_503"][r]) for r in ("regulator", "institution", "public"))),
        ("other errors: regulator / institution / public",
         lambda p: " / ".join(str(p["other_errors"][r]) for r in ("regulator", "institution", "public"))),
        ("workers killed at a deadline", lambda p: str(p["killed_at_deadline"])),
        ("workers dead over their memory budget", lambda p: str(p["died_over_memory"])),
        ("largest worker seen (RSS, MiB)", lambda p: f"{p['peak_worker_rss_mib']:,.0f}"),
    ]
    print(f"  {'':<48}{'quiet':>16}{'hostile':>16}")
    for label, cell in rows:
        print(f"  {label:<48}{cell(quiet):>16}{cell(hostile):>16}")
    for name, figures in quiet["regulator_by_query"].items():
        other = hostile["regulator_by_query"].get(name, {"p50_ms": float("nan"), "p99_ms": float("nan")})
        label = f"  regulator {name}: p50 / p99 (ms)"
        print(f"  {label:<48}{figures['p50_ms']:>8,.0f} /{figures['p99_ms']:>6,.0f}"
              f"{other['p50_ms']:>8,.0f} /{other['p99_ms']:>6,.0f}")
    verdict = "✓" if ratio <= 2 else "✗"
    print(f"  regulator p99 hostile / quiet: {ratio:.2f}x (goal <= 2x) {verdict}")


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("FSCAI_BENCH_DURATION_S", "30")),
                        help="seconds of each phase (default 30)")
    parser.add_argument("--hostile", type=int, default=3, help="hostile anonymous clients (default 3)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate quiet and hostile in this many slices each (default 1: 30 s quiet, then "
                             "30 s hostile); on a machine others use too, e.g. 6 gives both the same background")
    parser.add_argument("--server-threads", type=int, default=16, help="waitress threads (fscai serve's default, 16)")
    parser.add_argument("--dir", type=Path, default=None, help="work directory (default: a temporary one, removed)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from waitress.server import create_server

    from web import close_app, create_app
    from web.sparql.service import SparqlService

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="fscai-bench-hostile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        store = workdir / "store"
        if store.exists():
            shutil.rmtree(store)
        t0 = time.perf_counter()
        build_store(store)
        print(f"store built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        tokens = write_tokens(workdir / "tokens.toml")
        app = create_app({"STORE": f"oxigraph:{store}", "ROOT": str(ROOT), "AS_OF": AS_OF,
                          "TOKENS": str(workdir / "tokens.toml"), "AUDIT_LOG": str(workdir / "audit.log")})
        server = create_server(app, host="127.0.0.1", port=0, threads=args.server_threads, ident="fscai-bench")
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            queries = library()
            for query in queries + ["ASK {}"]:  # the workers up, the snapshot taken, each query once
                assert request(port, query, tokens["regulator"]) == 200, query
            service = SparqlService.of(app)
            print(f"quiet: 8 clients, then hostile: the same and {args.hostile} anonymous hostile ones, "
                  f"{args.duration:g} s each", file=sys.stderr)
            quiet, hostile = phases(port, tokens, queries, args, service.pool)
            print_report(quiet, hostile, args, service.settings)
        finally:
            server.close()
            thread.join(timeout=10)
            close_app(app)
        if args.json:
            args.json.write_text(json.dumps({"quiet": quiet, "hostile": hostile}, indent=2), encoding="utf-8")
    finally:
        if args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
