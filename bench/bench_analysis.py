"""``make bench``: how long the analysis takes for one institution of 50 and of 500 AI systems.

    python bench/bench_analysis.py [--systems 50 500] [--runs 3] [--limit 30]

Prints, per size, the median of ``--runs`` passes of each step (catalogue, load, classify,
validate, gaps, report as HTML + JSON) and of the whole pass (end to end), on an embedded
Oxigraph store in memory; then, side by side, the same ``.rq`` files on Oxigraph and on rdflib's
in-memory Graph, and SHACL validation by the engines installed here, on the same data and shapes.
rdflib and pySHACL run in a child process bounded by ``--limit`` seconds: ``>30 s`` means the
child was stopped. Targets (issue 5): end to end <= 2 s at 50 systems and <= 10 s at 500;
validation within 3x of the fastest SHACL engine measured. The machine's load average is
printed: other work on it slows every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_analysis_compare import engine_comparison, query_comparison  # noqa: E402
from bench_analysis_pipeline import STEPS, run_in_child, synthetic_institution  # noqa: E402

from mapper.validate import load_shapes  # noqa: E402

TARGETS = {50: 2.0, 500: 10.0}


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _row(label: str, cells: list[str], width: int = 48) -> str:
    return f"{label:<{width}}" + "".join(f"{c:>16}" for c in cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=30.0, help="seconds allowed to rdflib and pySHACL")
    parser.add_argument("--rdflib-systems", type=int, default=50,
                        help="largest institution to run the rdflib side on (default 50)")
    parser.add_argument("--pyshacl-systems", type=int, default=50,
                        help="largest institution to validate with pySHACL (default 50)")
    args = parser.parse_args(argv)
    print(f"fscai analysis benchmark: {os.cpu_count()} cores, {_load()} at start", flush=True)
    shapes = load_shapes()
    directory = Path(tempfile.mkdtemp(prefix="fscai-bench-"))
    medians, counts, queries, engines = {}, {}, {}, {}
    for systems in args.systems:
        institution = synthetic_institution(systems, directory)
        print(f"- {systems} systems: {institution.triples:,} triples; {args.runs} runs ...", flush=True)
        runs = [run_in_child(institution) for _ in range(args.runs)]
        medians[systems] = {step: statistics.median(r.seconds[step] for r in runs) for step in STEPS}
        counts[systems] = runs[0].counts
        if systems <= args.rdflib_systems:
            print(f"  same .rq on rdflib (bounded to {args.limit:.0f} s) ...", flush=True)
            queries[systems] = query_comparison(institution, args.runs, args.limit)
        print("  SHACL engines ...", flush=True)
        engines[systems] = engine_comparison(institution, shapes, args.limit,
                                             with_pyshacl=systems <= args.pyshacl_systems)
    print(f"\n{_load()} at the end\n")
    print(report(args, medians, counts, queries, engines))
    return 0


def report(args, medians, counts, queries, engines) -> str:
    sizes = list(medians)
    lines = [f"Analysis of one synthetic institution (mapper.synth, seed 0), median of {args.runs} runs, "
             "embedded Oxigraph in memory", "",
             _row("step", [f"{n} systems" for n in sizes]),
             _row("triples in the submission", [f"{counts[n]['triples']:,}" for n in sizes])]
    for step in STEPS:
        lines.append(_row(step, [f"{medians[n][step]:.2f} s" for n in sizes]))
    lines.append(_row("  target end to end", [f"<= {TARGETS.get(n, float('nan')):.0f} s" for n in sizes]))
    lines.append(_row("  met?", ["yes" if medians[n]["end to end"] <= TARGETS.get(n, 0) else "NO" for n in sizes]))
    lines.append(_row("findings / gaps", [f"{counts[n]['findings']} / {counts[n]['gaps']:,}" for n in sizes]))
    lines.append("")
    for n, by_query in queries.items():
        lines += [f"The same .rq on Oxigraph (median of {args.runs}) and rdflib's in-memory Graph (1 run), "
                  f"{n} systems", _row("query", ["Oxigraph", "rdflib", "rdflib/Oxigraph"])]
        for name, (ox, rdf) in by_query.items():
            ratio = (f"{rdf.seconds / ox.seconds:.0f}x" if rdf.seconds is not None
                     else f">{args.limit / ox.seconds:.0f}x")
            same = "" if rdf.count is None or rdf.count == ox.count else f"  (rows differ: {ox.count} vs {rdf.count})"
            lines.append(_row(name, [ox.text(), rdf.text(), ratio]) + same)
        lines.append("")
    skipped = [n for n in sizes if n not in queries]
    if skipped:
        lines += [f"rdflib not run at {', '.join(map(str, skipped))} systems (--rdflib-systems "
                  f"{args.rdflib_systems}): at 50 systems it is already past the limit.", ""]
    lines += ["SHACL validation on the same data and shapes (validation only, one run each; "
              "mapper.validate: median of the runs above, from the store)",
              _row("engine", [f"{n} systems" for n in sizes])]
    lines.append(_row("mapper.validate (fast engine, default)", [f"{medians[n]['validate']:.2f} s" for n in sizes]))
    names = sorted({name for by in engines.values() for name in by})
    for name in names:
        lines.append(_row(name[:48], [engines[n][name].text() if name in engines[n] else "not run" for n in sizes]))
    fastest = []
    for n in sizes:
        candidates = [t.seconds for name, t in engines[n].items() if t.seconds is not None]
        candidates.append(medians[n]["validate"])
        fastest.append(min(candidates))
    lines.append(_row("mapper.validate / fastest (target <= 3)",
                      [f"{medians[n]['validate'] / f:.1f}" for n, f in zip(sizes, fastest)]))
    results = {n: {name: t.count for name, t in engines[n].items() if t.count is not None} for n in sizes}
    lines.append(_row("results per engine", [
        "/".join(sorted({str(c) for c in results[n].values()} | {str(counts[n]['findings'])})) for n in sizes]))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
