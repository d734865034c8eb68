"""``make bench-virtuoso``: the embedded on-disk store beside a Virtuoso 7.2 server, on one market.

    python bench/bench_virtuoso.py [--institutions 100] [--systems 50] [--repeats 10] [--slow 10]
                                   [--timeout 600] [--seed 0] [--as-of DATE]

The seam (``mapper.store``) promises that a regulator can keep the market in a SPARQL server of its
own instead of the embedded Oxigraph store. This measures what that costs and checks that both
engines answer alike, in one run, on the same data:

1. build, once: a synthetic market (``mapper.synth.synthesise``, seed ``--seed``) of
   ``--institutions`` x ``--systems``, each institution taken in on a scratch in-memory store
   (``load_submission`` then ``intake``, as ``bench_market.py --build memory`` does) and its
   submission, derived and market graphs kept as N-Triples; the catalogue graph once.
2. load: exactly those graphs written with ``store.replace_graph`` (how the seam writes), one call a
   graph, into (a) a new on-disk embedded store (``oxigraph:DIR``) and (b) a fresh Virtuoso started
   by ``tests/virtuoso_server.py`` on loopback, through the remote store (``sparql+http://...``, the
   Graph Store Protocol). Quads, seconds and quads a second for each; then the quads each holds.
3. queries: every named query (``queries/*.rq``; ``asOf`` bound to ``--as-of``) by
   ``store.select_values`` with no dataset (the union of every named graph, as the regulator asks)
   on both stores, one query at a time on each: a first run, then p50 / p95 over ``--repeats`` runs
   (a query whose first run is over ``--slow`` seconds is timed once, marked ``*``). Each query's rows
   are compared as strings; a difference is printed as DIFFERENT with the first differing rows, a
   failure (a timeout: ``--timeout`` seconds a request) as FAILED with its message. ``store.graphs()``
   is timed the same way on the first line: what ``fscai graphs`` asks, and what the remote store
   would ask before every query over the union without ``&union=server`` in its URL (the test
   helper's URL has it: Virtuoso's default graph is the union already, so no list is sent).
   Virtuoso's database size, buffers in use and disk reads (``status('')``) follow, after the load
   and after the queries.

The machine's load average is printed at the start and the end: other work on it slows every figure.
Virtuoso runs with the test helper's small buffers (its ini), not tuned for a market this size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pyoxigraph as ox  # noqa: E402
from bench_market import LIMITS, Build, Timing, _canonical, _generated, _load, time_run  # noqa: E402
from tqdm import tqdm  # noqa: E402
from virtuoso_server import running_virtuoso  # noqa: E402

from mapper.analysis import intake  # noqa: E402
from mapper.catalogue.install import install_catalogue  # noqa: E402
from mapper.graphs import CATALOGUE_GRAPH, derived_graph, institution_of, market_graph  # noqa: E402
from mapper.load import catalogue_terms_from, load_submission  # noqa: E402
from mapper.query_library import list_queries  # noqa: E402
from mapper.store import StoreError, open_store  # noqa: E402
from mapper.synth import REFERENCE_DATE  # noqa: E402

COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
#: The lines of Virtuoso's ``status('')`` that tell whether its buffers hold the data.
STATUS_LINES = ("File size", "buffers,", "Disk Usage")
GRAPH_LIST = "(store.graphs())"
SHOWN_DIFFERENCES = 3  # rows printed on each side of a DIFFERENT answer


@dataclass(frozen=True)
class NamedGraph:
    """One graph of the market, as the seam writes it."""

    iri: str
    ntriples: bytes

    @property
    def quads(self) -> int:
        return self.ntriples.count(b"\n")


@dataclass(frozen=True)
class Load:
    backend: str
    graphs: int
    quads: int
    seconds: float
    held: int  # quads the store holds afterwards (every named graph)

    @property
    def rate(self) -> float:
        return self.quads / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Compared:
    """One named query on both stores: each side's timing, or why it failed."""

    name: str
    embedded: Timing | str
    virtuoso: Timing | str

    @property
    def verdict(self) -> str:
        if isinstance(self.embedded, str) or isinstance(self.virtuoso, str):
            return "FAILED"
        if self.embedded.answer == self.virtuoso.answer:
            return f"yes ({self.embedded.rows:,})"
        if _canonical(_as_dicts(self.embedded.answer)) == _canonical(_as_dicts(self.virtuoso.answer)):
            return "DIFFERENT (same as numbers)"
        return "DIFFERENT"


# --- 1. build ------------------------------------------------------------------------------------


def _graph(store, iri: str) -> NamedGraph:
    live = store._live()  # the bench's own copy: one graph's N-Triples
    return NamedGraph(iri, live.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri)))


def _taken_in(path: Path, terms, build: Build) -> list[NamedGraph]:
    """Load and take in one submission file on a scratch in-memory store; its three graphs."""
    scratch = open_store("memory:")
    try:
        install_catalogue(scratch)
        submission = load_submission(scratch, [path], catalogue_terms=terms, limits=LIMITS)
        intake(scratch, submission.graph_iri)
        build.submission_triples += submission.triples
        iris = (submission.graph_iri, derived_graph(submission.graph_iri),
                market_graph(institution_of(submission.graph_iri)))
        return [_graph(scratch, iri) for iri in iris]
    finally:
        scratch.close()


def build_market(build: Build) -> list[NamedGraph]:
    """The catalogue graph, then each institution's submission, derived and market graphs."""
    catalogue = open_store("memory:")
    install_catalogue(catalogue)
    terms = catalogue_terms_from(catalogue)
    graphs = [_graph(catalogue, CATALOGUE_GRAPH)]
    catalogue.close()
    with tempfile.TemporaryDirectory(prefix="fscai-bench-virtuoso-") as scratch:
        source = _generated(build.institutions, build.systems, build.seed, build)
        for name, data in tqdm(source, total=build.institutions, desc="build (intake in memory)",
                               unit="institution", file=sys.stderr):
            path = Path(scratch) / name
            path.write_bytes(data)
            started = time.perf_counter()
            graphs += _taken_in(path, terms, build)
            build.seconds += time.perf_counter() - started
            path.unlink()
    build.quads = sum(g.quads for g in graphs)
    return graphs


# --- 2. load -------------------------------------------------------------------------------------


def load(store, backend: str, graphs: list[NamedGraph]) -> Load:
    """Write every graph with ``replace_graph``; the time it took and the quads the store holds."""
    started = time.perf_counter()
    for graph in tqdm(graphs, desc=f"load {backend}", unit="graph", file=sys.stderr, leave=False):
        store.replace_graph(graph.iri, graph.ntriples)
    seconds = time.perf_counter() - started
    held = int(store.select_values(COUNT_QUADS)[0]["n"])
    return Load(backend, len(graphs), sum(g.quads for g in graphs), seconds, held)


def virtuoso_status(server) -> str:
    """Virtuoso's database size, buffers in use and disk reads (``status('')``), on one line."""
    try:
        report = server.isql("status('');")
    except (RuntimeError, OSError) as error:
        return f"status unavailable: {error}"
    return "; ".join(line.strip() for line in report.splitlines() if any(key in line for key in STATUS_LINES))


# --- 3. queries ----------------------------------------------------------------------------------


def _rows(rows: list[dict[str, str]]) -> list[tuple]:
    return sorted(tuple(sorted(r.items())) for r in rows)


def _as_dicts(rows: list[tuple]) -> list[dict[str, str]]:
    return [dict(row) for row in rows]


def time_rows(run: Callable[[], list[dict[str, str]]], repeats: int, slow: float) -> Timing | str:
    """A first run, then ``repeats`` more (none if the first took over ``slow`` seconds); or the
    failure, as text."""
    try:
        return time_run(run, _rows, repeats, slow)
    except StoreError as error:
        return f"{type(error).__name__}: {error}"


def named_queries(as_of: str) -> dict[str, str]:
    return {q.name: q.with_defaults({"asOf": as_of}) for q in list_queries()}


def _listed(store) -> Callable[[], list[dict[str, str]]]:
    return lambda: [{"g": graph} for graph in store.graphs()]


def _selected(store, text: str) -> Callable[[], list[dict[str, str]]]:
    return lambda: store.select_values(text)


def compare(embedded, virtuoso, queries: dict[str, str], repeats: int, slow: float) -> list[Compared]:
    """Each named query on both stores; first ``store.graphs()`` (see the module's docstring)."""
    out = [Compared(GRAPH_LIST, time_rows(_listed(embedded), repeats, slow),
                    time_rows(_listed(virtuoso), repeats, slow))]
    for name, text in tqdm(queries.items(), desc="named queries", unit="query", file=sys.stderr, leave=False):
        out.append(Compared(name, time_rows(_selected(embedded, text), repeats, slow),
                            time_rows(_selected(virtuoso, text), repeats, slow)))
    return out


# --- the report ----------------------------------------------------------------------------------


def _ms(t: Timing | str, value: str) -> str:
    if isinstance(t, str):
        return "failed"
    return f"{getattr(t, value):,.1f} ms" + ("*" if t.once else "")


def _differences(c: Compared) -> list[str]:
    """What a query that is not the same on both stores gave: the failure, or its first differing rows."""
    lines = [f"  {c.name}: {c.verdict}"]
    for side, t in (("embedded", c.embedded), ("Virtuoso", c.virtuoso)):
        if isinstance(t, str):
            lines.append(f"    {side} failed: {t[:600]}")
    if c.verdict.startswith("DIFFERENT"):
        e, v = set(c.embedded.answer), set(c.virtuoso.answer)
        lines.append(f"    rows: embedded {c.embedded.rows:,}, Virtuoso {c.virtuoso.rows:,}")
        for side, only in (("only embedded", e - v), ("only Virtuoso", v - e)):
            for row in sorted(only)[:SHOWN_DIFFERENCES]:
                lines.append(f"    {side}: {dict(row)}")
            if len(only) > SHOWN_DIFFERENCES:
                lines.append(f"    {side}: ... {len(only) - SHOWN_DIFFERENCES:,} more")
        if e == v:
            lines.append("    the same distinct rows, repeated a different number of times")
    return lines


def report(args, build: Build, loads: list[Load], compared: list[Compared], statuses: tuple[str, str],
           loads_avg: tuple[str, str]) -> str:
    def row(label: str, cells: list[str]) -> str:
        return f"{label:<28}" + "".join(f"{c:>18}" for c in cells)

    lines = [(f"Market of {build.institutions:,} institutions x {build.systems} AI systems (mapper.synth, seed "
              f"{build.seed}): embedded on-disk Oxigraph beside Virtuoso 7.2 (tests/virtuoso_server.py)"),
             (f"build (intake in memory, once): {build.seconds:,.1f} s, generation apart ({build.generate_s:,.1f} s); "
              f"{build.submission_triples:,} submission triples, {build.quads:,} quads in "
              f"{loads[0].graphs:,} graphs"),
             "",
             (f"Named queries (queries/*.rq, asOf {args.as_of}), store.select_values over the union of the named "
              f"graphs, p50 / p95 of {args.repeats} runs after a first (* timed once: first run over "
              f"{args.slow:.0f} s)"),
             row("query", ["embedded p50", "embedded p95", "Virtuoso p50", "Virtuoso p95", "same rows?"])]
    for c in compared:
        lines.append(row(c.name, [_ms(c.embedded, "p50"), _ms(c.embedded, "p95"),
                                  _ms(c.virtuoso, "p50"), _ms(c.virtuoso, "p95"), c.verdict]))
    for c in compared:
        if not c.verdict.startswith("yes"):
            lines += _differences(c)
    lines += [(f"{GRAPH_LIST}: not a named query; what the remote store would ask before each query over the "
               "union without &union=server (the URL here has it: nothing is listed)"), ""]
    for done in loads:
        lines.append(f"load {done.backend:<9} replace_graph x {done.graphs:,}: {done.quads:,} quads in "
                     f"{done.seconds:,.1f} s, {done.rate:,.0f} quads/s; holds {done.held:,} quads")
    lines += [f"Virtuoso after the load: {statuses[0]}", f"Virtuoso after the queries: {statuses[1]}",
              "", f"{loads_avg[0]} at the start, {loads_avg[1]} at the end"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--systems", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--slow", type=float, default=10.0, help="seconds: a query slower than this is timed once")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds: the remote store's request timeout")
    parser.add_argument("--as-of", default=REFERENCE_DATE.isoformat())
    args = parser.parse_args(argv)
    if args.institutions < 1 or args.systems < 1:
        parser.error("--institutions and --systems must be at least 1")
    started = _load()
    print(f"fscai embedded store beside Virtuoso: {os.cpu_count()} cores, {started} at start", flush=True)
    build = Build("", args.institutions, args.systems, args.seed, "memory")
    graphs = build_market(build)
    print(f"- built {build.quads:,} quads in {len(graphs):,} graphs ({build.seconds:,.1f} s)", flush=True)
    queries = named_queries(args.as_of)
    directory = Path(tempfile.mkdtemp(prefix="fscai-bench-virtuoso-"))
    try:
        embedded = open_store(f"oxigraph:{directory / 'store'}")
        with running_virtuoso() as server:
            virtuoso = open_store(server.store_url, timeout_s=args.timeout)
            try:
                loads = [load(embedded, "embedded", graphs), load(virtuoso, "Virtuoso", graphs)]
                for done in loads:
                    print(f"- {done.backend}: {done.quads:,} quads in {done.seconds:,.1f} s", flush=True)
                loaded = virtuoso_status(server)
                compared = compare(embedded, virtuoso, queries, args.repeats, args.slow)
                statuses = (loaded, virtuoso_status(server))
            finally:
                virtuoso.close()
                embedded.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print()
    print(report(args, build, loads, compared, statuses, (started, _load())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
