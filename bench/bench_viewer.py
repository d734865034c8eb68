"""``make bench-viewer``: every page of the viewer at real size, served by a real ``fscai serve``.

    python bench/bench_viewer.py [--institutions 100] [--systems 20] [--big-systems 500]
                                 [--store-dir DIR] [--repeats 5] [--baseline REV] [--no-browser]

What it does, in order:

1. build (or reuse, with ``--store-dir``): an on-disk Oxigraph store holding a synthetic market of
   ``--institutions`` x ``--systems`` (``mapper.synth``, seed 0) and one large institution of
   ``--big-systems`` systems (seed 1) submitted twice, 30 days apart (so its history has two
   dates), each submission loaded and taken in (``load_submission`` then ``intake``) as
   ``fscai load`` does;
2. serve: ``fscai serve --store oxigraph:DIR`` with ``--audit-log FILE`` (the audit log's ``ms``
   is the server's own time for each request), then its background warm-up (``web.warm``) waited
   for, its steps printed (a baseline revision without one is timed cold);
3. pages: every page rule of the app's URL map (a rule nobody told this bench how to fill fails
   the run), filled with the large institution, its system with the most gaps, a vendor, a piece of
   evidence, a measure; each asked once cold, then ``--repeats`` times: the server's time (first,
   median, max) and the body's size;
4. browser: each page in headless Chromium at 1400 x 1000: its height in screens (the issue's
   target: no page over ~3 screen heights by default);
5. baseline (``--baseline REV``, e.g. the commit before the change): the same pages served by that
   revision's code (a git worktree, on a copy of the store), side by side.

Targets (issue 18): every page under 1 s of server time after intake-time analysis, and no page
over ~3 screen heights, on a 500-system institution in a 100-institution market.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from bench_analysis_pipeline import LIMITS  # noqa: E402
from tqdm import tqdm  # noqa: E402

from mapper.analysis import intake  # noqa: E402
from mapper.catalogue.install import install_catalogue, knowledge_version  # noqa: E402
from mapper.load import catalogue_terms_from, load_submission  # noqa: E402
from mapper.store import open_store  # noqa: E402
from mapper.synth import synthesise  # noqa: E402

FSCAI = str(Path(sys.executable).with_name("fscai"))
AS_OF = "2026-11-25"
MARKER = "bench-viewer.json"
SCREEN = (1400, 1000)
TARGET_MS, TARGET_SCREENS = 1000.0, 3.0
_ISSUED = b'/submission> <http://purl.org/dc/terms/issued> "'
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class Subjects:
    """What the pages are asked about: the large institution and things of its newest submission."""

    ubn: str
    institution: str
    system: str
    vendor: str
    evidence: str
    dates: tuple[str, ...]


def _earlier(data: bytes, days: int) -> bytes:
    """The same submission with its ``dct:issued`` ``days`` earlier."""
    start = data.index(_ISSUED) + len(_ISSUED)
    issued = dt.date.fromisoformat(data[start:start + 10].decode())
    return data[:start] + (issued - dt.timedelta(days=days)).isoformat().encode() + data[start + 10:]


def build(path: Path, institutions: int, systems: int, big: int) -> dict:
    """The store at ``path`` (rebuilt unless a build of the same shape and knowledge finished there)."""
    wanted = {"institutions": institutions, "systems": systems, "big_systems": big,
              "knowledge_version": knowledge_version()}
    try:
        done = json.loads((path / MARKER).read_text())
        if {k: done.get(k) for k in wanted} == wanted:
            print(f"- reusing {path} (built in {done['seconds']:.0f} s)", flush=True)
            return done
    except (OSError, ValueError):
        pass
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    store = open_store(f"oxigraph:{path}")
    install_catalogue(store)
    terms = catalogue_terms_from(store)
    [(big_name, big_data)] = list(synthesise(1, big, seed=1))
    files = [(f"old-{big_name}", _earlier(big_data, 30)), (big_name, big_data)]
    scratch = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    try:
        source = (*files, *synthesise(institutions, systems, seed=0))
        for name, data in tqdm(source, total=len(files) + institutions, desc="build (load, intake)",
                               unit="submission", file=sys.stderr):
            file = scratch / name
            file.write_bytes(data)
            submission = load_submission(store, [file], catalogue_terms=terms, limits=LIMITS)
            intake(store, submission.graph_iri)
            file.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        store.close()
    done = {**wanted, "seconds": time.perf_counter() - started, "big_ubn": big_name[:8]}
    (path / MARKER).write_text(json.dumps(done))
    return done


def subjects_of(path: Path, ubn: str) -> Subjects:
    """The large institution's subjects, read from the store before the server holds it."""
    store = open_store(f"oxigraph:{path}")
    try:
        from mapper.graphs import institution_of, latest_graphs

        graphs = sorted(g for g in store.graphs() if "/submission/" in g and institution_of(g) == ubn)
        newest = next(g for g in latest_graphs(store.graphs()) if institution_of(g) == ubn)
        fsc = "https://w3id.org/fscai/def#"

        def first(pattern: str) -> str:
            rows = store.select(f"SELECT ?s WHERE {{ GRAPH <{newest}> {{ {pattern} }} }} LIMIT 1")
            return str(rows[0]["s"])

        return Subjects(ubn=ubn, institution=first(f"?s a <{fsc}Institution>"),
                        system=first(f"?s a <{fsc}AISystem>"), vendor=first(f"?s a <{fsc}Vendor>"),
                        evidence=first(f"?s a <{fsc}Evidence>"),
                        dates=tuple(g.rstrip("/").rsplit("/", 1)[-1] for g in graphs))
    finally:
        store.close()


#: How to fill each path argument of a page rule (a rule with another argument fails the run).
def fill(endpoint: str, argument: str, subjects: Subjects) -> str:
    notation = {"pages.principle": "2", "pages.section": "2.1"}.get(endpoint, "2.1.3")
    values = {"ubn": subjects.ubn, "notation": notation}
    if argument not in values:
        raise SystemExit(f"bench_viewer: tell fill() how to fill <{argument}> of {endpoint}")
    return values[argument]


def page_urls(subjects: Subjects) -> list[str]:
    """Every page rule of the app (GET, not the API, assets or SPARQL protocol), filled."""
    from web import close_app, create_app

    app = create_app({"STORE": "memory:", "TESTING": True})
    try:
        rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("pages.") and "GET" in r.methods]
        urls = []
        for rule in sorted(rules, key=lambda r: r.rule):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<{argument}>", fill(rule.endpoint, argument, subjects))
            urls.extend(_with_queries(rule.endpoint, path, subjects))
        return urls
    finally:
        close_app(app)


def _with_queries(endpoint: str, path: str, s: Subjects) -> list[str]:
    """The query arguments a page needs (an IRI) or is commonly asked with."""
    q = {"pages.system": [f"iri={quote(s.system, safe='')}"], "pages.vendor": [f"iri={quote(s.vendor, safe='')}"],
         "pages.evidence": [f"iri={quote(s.evidence, safe='')}"],
         "pages.trace": [f"iri={quote(s.system, safe='')}", f"iri={quote(s.institution, safe='')}",
                         "iri=" + quote("https://w3id.org/fscai/guideline/draft/measure-2.1.3", safe="") + "&depth=2"],
         "pages.search": ["q=%E5%85%AC%E5%B9%B3", "q=fairness"],
         "pages.measure": ["", f"institution={s.ubn}"], "pages.gaps": [f"institution={s.ubn}", ""],
         "pages.matrix": ["", f"institution={s.ubn}"], "pages.matrix_cell": [f"chapter=2&stage=-&institution={s.ubn}", "chapter=2&stage=-"]}
    return [f"{path}?{query}" if query else path for query in q.get(endpoint, [""])]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(argv: list[str], store: Path, audit: Path, log: Path, env: dict) -> tuple[subprocess.Popen, str, float]:
    """``fscai serve`` on a free port, its standard error into ``log``; (process, base URL, seconds
    until ``GET /`` answered)."""
    port = _free_port()
    started = time.perf_counter()
    with log.open("wb") as err:
        process = subprocess.Popen([*argv, "serve", "--store", f"oxigraph:{store}", "--port", str(port),
                                    "--as-of", AS_OF, "--audit-log", str(audit)], env=env, cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    while True:
        if process.poll() is not None:
            raise SystemExit(f"serve exited {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(base + "/", timeout=600).read()
            return process, base, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)


def warmed(process: subprocess.Popen, log: Path, limit: float) -> float | None:
    """Seconds until the server said its warm-up is done (None if it never does within ``limit``)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit and process.poll() is None:
        text = log.read_text(errors="replace")
        if "warm: done" in text or "warm-up stopped" in text:
            return time.perf_counter() - started
        time.sleep(1)
    return None


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass(frozen=True)
class Timing:
    status: int
    kilobytes: float
    first_ms: float
    median_ms: float
    max_ms: float


def time_pages(base: str, urls: list[str], audit: Path, repeats: int) -> dict[str, Timing]:
    """Each URL asked ``1 + repeats`` times; the server's time of each request from the audit log."""
    found = {}
    for url in tqdm(urls, desc="pages", unit="page", file=sys.stderr):
        mark = audit.stat().st_size if audit.exists() else 0
        status, size = 0, 0
        for _ in range(1 + repeats):
            try:
                with urllib.request.urlopen(base + url, timeout=600) as reply:
                    status, size = reply.status, len(reply.read())
            except urllib.error.HTTPError as error:
                status, size = error.code, len(error.read())
        with audit.open("rb") as log:
            log.seek(mark)
            ms = [json.loads(line)["ms"] for line in log if line.strip()]
        rest = ms[1:] or ms
        found[url] = Timing(status, size / 1024, ms[0], statistics.median(rest), max(rest))
    return found


def heights(base: str, urls: list[str]) -> dict[str, float]:
    """Each page's height in screens of 1400 x 1000 in headless Chromium (after its scripts ran)."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:  # a fresh profile of Playwright's own (it refuses --user-data-dir)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": SCREEN[0], "height": SCREEN[1]}, locale="zh-TW")
        page = context.new_page()
        for url in tqdm(urls, desc="browser", unit="page", file=sys.stderr):
            page.goto(base + url, wait_until="load", timeout=600_000)
            page.wait_for_timeout(300)
            found[url] = page.evaluate("document.documentElement.scrollHeight") / SCREEN[1]
        browser.close()
    return found


def measure(argv: list[str], store: Path, urls: list[str], repeats: int, browser: bool, env: dict, label: str,
            warm_limit: float):
    audit = Path(tempfile.mkstemp(prefix="bench-viewer-audit-")[1])
    log = Path(tempfile.mkstemp(prefix="bench-viewer-serve-")[1])
    process, base, ready = serve(argv, store, audit, log, env)
    print(f"- {label}: serve ready in {ready:.1f} s", flush=True)
    try:
        if warm_limit:
            took = warmed(process, log, warm_limit)
            print(f"- {label}: warm-up " + (f"done {took:.0f} s after ready" if took is not None else
                                            f"not done after {warm_limit:.0f} s (pages read for themselves)"), flush=True)
            print("  " + "\n  ".join(line for line in log.read_text(errors="replace").splitlines() if "warm" in line),
                  flush=True)
        timings = time_pages(base, urls, audit, repeats)
        screens = heights(base, urls) if browser else {}
    finally:
        stop(process)
        audit.unlink()
        log.unlink()
    return timings, screens


def baseline_argv(rev: str, directory: Path) -> list[str]:
    """A worktree of ``rev`` run by this virtualenv's Python (the same pinned libraries)."""
    subprocess.run(["git", "worktree", "add", "--detach", "-f", str(directory), rev], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    modules = directory / "node_modules"
    if not modules.exists():
        modules.symlink_to(ROOT / "node_modules")
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(directory)!r}); import cli; cli.main()"]


def report(urls, now, base_figures) -> int:
    """Print the table; the number of pages over a target."""
    over = 0
    head = f"{'page':<72} {'status':>6} {'KiB':>7} {'first':>7} {'p50 ms':>7} {'max':>7} {'screens':>7}"
    if base_figures:
        head += f" | {'base p50':>8} {'screens':>7}"
    print(head)
    for url in urls:
        t, screens = now[0][url], now[1].get(url)
        flag = ""
        if t.status != 200 or t.max_ms > TARGET_MS or (screens or 0) > TARGET_SCREENS:
            over += 1
            flag = "  <-- over target" if t.status == 200 else "  <-- not 200"
        line = (f"{url[:72]:<72} {t.status:>6} {t.kilobytes:>7.0f} {t.first_ms:>7.0f} {t.median_ms:>7.0f} "
                f"{t.max_ms:>7.0f} {screens if screens is not None else float('nan'):>7.1f}")
        if base_figures:
            b = base_figures[0].get(url)
            bs = base_figures[1].get(url)
            line += (f" | {b.median_ms if b and b.status == 200 else float('nan'):>8.0f} "
                     f"{bs if bs is not None and b and b.status == 200 else float('nan'):>7.1f}")
        print(line + flag)
    return over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--systems", type=int, default=20)
    parser.add_argument("--big-systems", type=int, default=500)
    parser.add_argument("--store-dir", type=Path, default=None, help="keep (and reuse) the store here")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", default=None, help="a git revision to serve the same pages beside")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--warm-limit", type=float, default=1800,
                        help="wait at most this long for the server's warm-up before timing pages (0: do not wait)")
    args = parser.parse_args()
    print(f"- load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    store = (args.store_dir or scratch) / f"viewer-{args.institutions}x{args.systems}+{args.big_systems}"
    env = {**os.environ, "FSCAI_MAX_FILE_BYTES": str(LIMITS.max_file_bytes),
           "FSCAI_MAX_TRIPLES": str(LIMITS.max_triples)}
    try:
        built = build(store, args.institutions, args.systems, args.big_systems)
        subjects = subjects_of(store, built["big_ubn"])
        urls = page_urls(subjects)
        now = measure([FSCAI], store, urls, args.repeats, not args.no_browser, env, "this revision", args.warm_limit)
        base_figures = None
        if args.baseline:
            copy = scratch / "baseline-store"
            shutil.copytree(store, copy)
            argv = baseline_argv(args.baseline, scratch / "baseline")
            base_figures = measure(argv, copy, urls, args.repeats, not args.no_browser, env,
                                   f"baseline {args.baseline}", 0)
        print(f"\n{args.institutions} institutions x {args.systems} systems + one of {args.big_systems} "
              f"(UBN {subjects.ubn}, submitted {', '.join(subjects.dates)}); server time from the audit log; "
              f"screens of {SCREEN[0]}x{SCREEN[1]}\n")
        over = report(urls, now, base_figures)
        print(f"\n{len(urls)} pages; {over} over a target (> {TARGET_MS:.0f} ms or > {TARGET_SCREENS:.0f} screens)")
        print(f"- load average at end: {os.getloadavg()[0]:.2f}")
        return 0
    finally:
        if args.baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(scratch / "baseline")], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
