"""``make bench`` (workbook part): a spreadsheet submission against the same submission in N-Triples.

    python bench/bench_workbook.py [--systems 50 500] [--runs 3]

For one synthetic institution (``mapper.synth``, seed 0) of each ``--systems`` size, whole ``fscai``
processes on the default on-disk store, each run in a new empty store:

* ``fscai template FILE --out x.xlsx``: the workbook filled from the submission (the submission
  loaded and classified in memory to find the rows still to answer, then every sheet written);
* ``fscai load x.xlsx``: the workbook read (openpyxl), turned into triples, checked, written and
  analysed at intake; and beside it, the baseline, ``fscai load FILE.nt`` of the same triples;

and, in this process, the workbook's conversion alone (``mapper.workbook.read.convert``) and the
openpyxl read inside it. The generator names each risk-factor assessment with an IRI; the workbook
holds them as blank nodes (a row's R1-R6 columns), so they are renamed to blank nodes first, in the
N-Triples both loads read: the same triples, the same count.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from bench_analysis_pipeline import synthetic_institution  # noqa: E402
from bench_whole import FSCAI, _cell, _load, run_process  # noqa: E402

_FACTOR_IRI = re.compile(rb"<https://[a-z0-9]+\.synth\.example\.tw/system/(\d+)/factor/(\d+)>")
ROWS = (
    ("template", "fscai template FILE --out x.xlsx"),
    ("load xlsx", "fscai load x.xlsx, empty on-disk store"),
    ("load nt", "fscai load FILE.nt (baseline), same triples"),
    ("convert", "    in-process: convert(x.xlsx) to triples"),
    ("openpyxl", "    of which openpyxl's read"),
)


def with_blank_factors(path: Path) -> Path:
    out = path.with_name(path.stem + "-blank.nt")
    out.write_bytes(_FACTOR_IRI.sub(lambda m: b"_:s" + m.group(1) + b"f" + m.group(2), path.read_bytes()))
    return out


def in_process(book: Path) -> tuple[float, float]:
    from openpyxl import load_workbook

    from mapper.workbook.mapping import layout_mapping
    from mapper.workbook.read import convert

    mapping = layout_mapping()
    data = book.read_bytes()
    started = time.perf_counter()
    convert(data, mapping)
    converted = time.perf_counter() - started
    started = time.perf_counter()
    load_workbook(io.BytesIO(data))
    return converted, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"fscai workbook benchmark: {os.cpu_count()} cores, {_load()} at start", flush=True)
    directory = Path(tempfile.mkdtemp(prefix="fscai-bench-workbook-"))
    results: dict[int, dict[str, list[float]]] = {}
    sizes: dict[int, str] = {}
    try:
        for systems in args.systems:
            institution = synthetic_institution(systems, directory)
            nt = with_blank_factors(institution.path)
            book = directory / f"{systems}.xlsx"
            seconds: dict[str, list[float]] = {key: [] for key, _ in ROWS}
            for run in range(args.runs):
                seconds["template"].append(run_process([FSCAI, "template", str(nt), "--out", str(book)])[0].seconds)
                for key, path in (("load xlsx", book), ("load nt", nt)):
                    store = directory / f"store-{run}-{key.replace(' ', '-')}"
                    seconds[key].append(run_process([FSCAI, "load", "--institution", institution.ubn, str(path), "--store", f"oxigraph:{store}"])[0].seconds)
                    shutil.rmtree(store, ignore_errors=True)
                converted, read = in_process(book)
                seconds["convert"].append(converted)
                seconds["openpyxl"].append(read)
                print(f"- {systems} systems, run {run + 1}: load xlsx {seconds['load xlsx'][-1]:.2f} s, "
                      f"load nt {seconds['load nt'][-1]:.2f} s", flush=True)
            results[systems] = seconds
            sizes[systems] = f"{book.stat().st_size / 1e6:.1f} MB xlsx, {nt.stat().st_size / 1e6:.1f} MB nt"
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\n{_load()} at the end\n")
    print(f"Workbook against N-Triples, one synthetic institution, median (min-max) of {args.runs} runs\n")
    print(f"{'':<46}" + "".join(f"{f'{n} systems ({sizes[n]})':>44}" for n in results))
    for key, label in ROWS:
        print(f"{label:<46}" + "".join(f"{_cell(results[n][key]):>44}" for n in results))
    print(f"{'load xlsx / load nt':<46}" + "".join(
        f"{statistics.median(results[n]['load xlsx']) / statistics.median(results[n]['load nt']):>43.2f}x"
        for n in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
