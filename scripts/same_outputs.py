"""Compare what the demo and every face print at two revisions: byte for byte.

A structural change (a refactoring, a module moved) must not change any output. This script runs
the same commands with the code of a base revision (checked out into a temporary git worktree)
and with the working tree, each on a fresh on-disk store, and compares every byte they print or
write: the demo's loads, validations, reports (every format) and gap listings, the catalogue in
every format, the regulator's named queries, and the viewer's pages, JSON API and SPARQL answers
fetched from a real ``fscai serve`` on loopback.

    .venv/bin/python scripts/same_outputs.py              # base: HEAD
    .venv/bin/python scripts/same_outputs.py --base 4c9e5be

Both sides run with this checkout's virtual environment; each side's own code comes first on
``PYTHONPATH`` and its own ``fscai`` entry point is read from its ``pyproject.toml``. Exit 0 when
every output is identical, 1 otherwise (the differing outputs are listed, with a unified diff of
the first few lines of each).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
AS_OF = "2026-11-25"
EXAMPLES = ("data/examples/bank", "data/examples/life-insurer", "data/examples/securities")
UBNS = ("83910461", "53728108", "66482035")


def commands() -> list[tuple[str, list[str]]]:
    """(name, fscai arguments) of every command compared; STORE and OUT are filled in per side."""
    steps = [(f"load-{Path(e).name}", ["load", "--institution", ubn, "--store", "{STORE}", e])
             for e, ubn in zip(EXAMPLES, UBNS)]
    steps.append(("graphs", ["graphs", "--store", "{STORE}"]))
    for ubn in UBNS:
        for fmt in ("text", "json", "ttl"):
            steps.append((f"validate-{ubn}-{fmt}", ["validate", "--store", "{STORE}", "--institution", ubn,
                                                     "--format", fmt]))
    steps.append(("validate-files", ["validate", "data/examples/minimal-submission.ttl"]))
    for fmt in ("html", "json", "md", "csv", "ttl"):
        steps.append((f"report-{fmt}", ["report", "--store", "{STORE}", "--as-of", AS_OF, "--format", fmt,
                                         "--out", "{OUT}/" + fmt + "/"]))
    steps.append(("report-one-md", ["report", "--store", "{STORE}", "--as-of", AS_OF, "--format", "md",
                                     "--institution", UBNS[0], "--no-validate"]))
    for fmt in ("text", "json", "csv", "md"):
        steps.append((f"gaps-{fmt}", ["gaps", "--store", "{STORE}", "--as-of", AS_OF, "--format", fmt]))
    for fmt in ("text", "json", "csv", "md", "ttl"):
        steps.append((f"catalogue-{fmt}", ["catalogue", "--format", fmt]))
    steps.append(("query-list", ["query", "--list"]))
    for name in ("institutions", "measure-adoption", "systems-by-tier-oversight", "vendor-concentration"):
        steps.append((f"query-{name}", ["query", name, "--store", "{STORE}", "--format", "csv"]))
    steps.append(("query-gaps-by-principle", ["query", "gaps-by-principle", "--store", "{STORE}", "--format", "csv",
                                              "--param", f"asOf={AS_OF}"]))
    steps.append(("query-submission-changes", ["query", "submission-changes", "--store", "{STORE}", "--format",
                                               "table", "--param", f"ubn={UBNS[0]}"]))
    steps.append(("gaps-files", ["gaps", "data/examples/minimal-submission.ttl", "--store", "memory:", "--as-of",
                                 AS_OF, "--format", "json"]))
    steps.append(("synth", ["synth", "--institutions", "2", "--systems", "3", "--seed", "7", "--out", "{OUT}/synth"]))
    steps.append(("ontology-check", ["ontology", "check", "--no-reasoner"]))
    return steps


def entry_point(tree: Path) -> str:
    """The ``fscai`` entry point (``module:function``) of a tree's pyproject.toml."""
    project = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))
    return project["project"]["scripts"]["fscai"]


def fscai(tree: Path) -> list[str]:
    module, function = entry_point(tree).split(":")
    code = f"import sys; sys.argv[0] = 'fscai'; from {module} import {function}; sys.exit({function}())"
    return [str(PYTHON), "-c", code]


def environment(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FSCAI_")}
    env["PYTHONPATH"] = str(tree)
    env["PYTHONHASHSEED"] = "0"  # the trace's JSON lists nodes in set order
    env["FSCAI_NODE_MODULES"] = str(ROOT / "node_modules")
    return env


RDF_OUTPUTS = re.compile(r"(ttl|construct-nt)")


def normalised(name: str, data: bytes, work: Path) -> bytes:
    """What may differ between two runs of the same code: temporary paths, progress bars, ports,
    and blank-node labels (Turtle and N-Triples are compared as canonical N-Quads)."""
    data = data.replace(str(work).encode(), b"WORK")
    if name.endswith(".stderr"):  # tqdm's progress lines (carriage-return redraws with timings)
        data = b"\n".join(line for line in data.split(b"\n") if b"\r" not in line)
    data = re.sub(rb"127\.0\.0\.1:[0-9]+", b"127.0.0.1:PORT", data)
    if RDF_OUTPUTS.search(name) and not name.endswith((".rc", ".stderr")):
        head, _, body = data.partition(b"\n") if name.startswith("sparql:") else (b"", b"", data)
        rdf_format = ox.RdfFormat.N_TRIPLES if name.startswith("sparql:") else ox.RdfFormat.TURTLE
        try:
            dataset = ox.Dataset(ox.parse(body, rdf_format))
        except (SyntaxError, ValueError):
            return data
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        lines = sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines())
        return head + b"\n" + b"\n".join(lines)
    return data


def run_side(tree: Path, work: Path, only: re.Pattern | None = None) -> dict[str, bytes]:
    """Every output of one side: each command's exit code, stdout and stderr, and each file written
    (with ``only``, the commands whose name it matches, after the loads they need)."""
    store, out = work / "store", work / "out"
    outputs: dict[str, bytes] = {}
    for name, arguments in commands():
        if only is not None and not (name.startswith("load-") or only.search(name)):
            continue
        filled = [a.replace("{STORE}", f"oxigraph:{store}").replace("{OUT}", str(out)) for a in arguments]
        done = subprocess.run(fscai(tree) + filled, cwd=tree, env=environment(tree), capture_output=True)
        outputs[f"{name}.rc"] = str(done.returncode).encode()
        outputs[f"{name}.stdout"] = done.stdout
        outputs[f"{name}.stderr"] = done.stderr
    for path in sorted(out.rglob("*")):
        if path.is_file():
            outputs[f"file:{path.relative_to(out)}"] = path.read_bytes()
    if only is None or only.search("web"):
        outputs.update(served(tree, store))
    return {name: normalised(name, data, work) for name, data in outputs.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, *, accept: str | None = None, data: bytes | None = None,
          content_type: str | None = None) -> bytes:
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return f"{response.status} {response.headers.get('Content-Type')}\n".encode() + response.read()
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.headers.get('Content-Type')}\n".encode() + error.read()


def viewer_paths(base: str) -> list[tuple[str, str | None]]:
    """The pages, API routes and SPARQL requests compared, with IRIs taken from the API itself."""
    paths: list[tuple[str, str | None]] = [
        ("/", None), ("/matrix", None), ("/matrix/cell?chapter=2&stage=S1", None), ("/catalogue", None),
        ("/principle/2", None), ("/principle/G", None), ("/section/2.1", None), ("/measure/2.1.3", None),
        ("/measure/G.5.1", None), ("/search?q=%E5%85%AC%E5%B9%B3", None), ("/search?q=chat", None),
        ("/api/institutions", None), ("/api/matrix", None), ("/api/catalogue", None), ("/api/measure/5.1.3", None),
        ("/api/gaps?kind=EvidenceReviewOverdue", None), ("/nothing-here", None), ("/measure/9.9.9", None),
        ("/sparql", "text/turtle"), ("/sparql/queries", None), ("/sparql/queries/institutions", None),
    ]
    for ubn in UBNS:
        paths += [(f"/institution/{ubn}", None), (f"/api/institution/{ubn}", None),
                  (f"/matrix?institution={ubn}", None), (f"/api/gaps?institution={ubn}", None)]
        record = json.loads(fetch(f"{base}/api/institution/{ubn}").split(b"\n", 1)[1])
        iris = [s["iri"] for s in record["system_list"][:2]] + [v["iri"] for v in record["vendor_list"][:2]]
        for system in record["system_list"][:2]:
            quoted = urllib.parse.quote(system["iri"], safe="")
            paths += [(f"/system?iri={quoted}", None), (f"/api/system?iri={quoted}", None),
                      (f"/trace?iri={quoted}", None), (f"/api/trace?iri={quoted}&depth=2", None)]
        for vendor in record["vendor_list"][:2]:
            quoted = urllib.parse.quote(vendor["iri"], safe="")
            paths += [(f"/vendor?iri={quoted}", None), (f"/api/vendor?iri={quoted}", None)]
        for policy in record["policies"][:1]:
            quoted = urllib.parse.quote(policy["iri"], safe="")
            paths += [(f"/evidence?iri={quoted}", None), (f"/api/evidence?iri={quoted}", None)]
        for kind in record["gaps_by_kind"][:2]:
            for gap in kind["gaps"][:1]:
                quoted = urllib.parse.quote(gap["id"], safe="")
                paths += [(f"/trace?iri={quoted}", None), (f"/api/trace?iri={quoted}", None)]
        assert iris, f"no systems or vendors for {ubn}"
    return paths


SPARQL = (
    ("select-csv", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", "text/csv"),
    ("select-json", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE { ?m skos:notation ?n } "
                    "ORDER BY ?n LIMIT 5", "application/sparql-results+json"),
    ("ask-xml", "ASK { ?s ?p ?o }", "application/sparql-results+xml"),
    ("construct-nt", "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/fscai/def#Principle> ; ?p ?o }",
     "application/n-triples"),
    ("update", "INSERT DATA { <http://e/s> <http://e/p> 1 }", None),
    ("service", "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", None),
    ("malformed", "SELEC ?s", None),
)


def served(tree: Path, store: Path) -> dict[str, bytes]:
    """The viewer's pages and the endpoint's answers, from ``fscai serve`` on a free loopback port."""
    port = free_port()
    command = fscai(tree) + ["serve", "--store", f"oxigraph:{store}", "--as-of", AS_OF, "--port", str(port)]
    server = subprocess.Popen(command, cwd=tree, env=environment(tree), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                fetch(f"{base}/api/institutions")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"fscai serve did not start: {server.stderr.read().decode()}") from None
                time.sleep(0.5)
        outputs = {f"web:{path}": fetch(base + path, accept=accept) for path, accept in viewer_paths(base)}
        for name, query, accept in SPARQL:
            body = urllib.parse.urlencode({"query": query}).encode()
            outputs[f"sparql:{name}"] = fetch(f"{base}/sparql", accept=accept, data=body,
                                              content_type="application/x-www-form-urlencoded")
        return outputs
    finally:
        server.terminate()
        server.wait(timeout=30)


def worktree(base: str, into: Path) -> Path:
    subprocess.run(["git", "worktree", "add", "--detach", str(into), base], cwd=ROOT, check=True,
                   capture_output=True)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="the revision to compare the working tree with")
    parser.add_argument("--keep", type=Path, default=None, help="write both sides' outputs under this directory")
    parser.add_argument("--only", type=re.compile, default=None, metavar="REGEX",
                        help="compare only the commands whose name matches (the loads always run; 'web' for the "
                             "viewer and /sparql)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fscai-same-outputs-") as tmp:
        tmp = Path(tmp)
        base_tree = worktree(args.base, tmp / "base")
        try:
            before = run_side(base_tree, tmp / "before", args.only)
            after = run_side(ROOT, tmp / "after", args.only)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, capture_output=True)
        if args.keep:
            for side, outputs in (("before", before), ("after", after)):
                for name, data in outputs.items():
                    path = args.keep / side / name.replace("/", "_").replace("?", "_")[:200]
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
    differing = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    for name in differing:
        print(f"DIFFERS: {name}")
        old = before.get(name, b"(absent)").decode("utf-8", "replace").splitlines()
        new = after.get(name, b"(absent)").decode("utf-8", "replace").splitlines()
        for line in list(difflib.unified_diff(old, new, "before", "after", lineterm="", n=1))[:12]:
            print("    " + line[:300])
    print(f"{len(before)} outputs compared with {args.base}: {len(differing)} differ, "
          f"{len(before) - len(differing)} identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
