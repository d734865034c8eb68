"""The house's layout, held against the code: layers, no circles, one seam, small rooms.

docs/ARCHITECTURE.md draws the flow (store → knowledge → load → classify/validate → gaps →
analysis → trace/synth → report → web → cli); this test reads every module's imports (at the top
and inside functions alike) with ``ast`` and fails on an import from a lower layer to a higher one,
on any circle of modules, on a reader that reaches past the store seam into a backend, and on a
file over the size a newcomer can read in one sitting.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "mapper", "web")
#: Layers, lowest first: a module may import only from its own layer or a lower one. Each entry is
#: a module or a package prefix; every module of the house must fall under exactly one of them.
LAYERS = (
    ("mapper", "mapper.namespaces", "mapper.layout", "mapper.concurrently"),
    ("mapper.store",),
    ("mapper.graphs", "mapper.rq", "mapper.labels"),
    ("mapper.catalogue", "mapper.query_library"),
    ("mapper.load", "mapper.workbook"),
    ("mapper.classify", "mapper.validate"),
    ("mapper.gaps", "mapper.market"),
    ("mapper.analysis",),
    ("mapper.trace", "mapper.synth"),
    ("mapper.report", "mapper.export"),
    ("web",),
    ("cli",),
)
#: The report's renderers: each reads the view model (mapper.report.rows), none another renderer.
RENDERERS = ("mapper.report.text", "mapper.report.json_format", "mapper.report.csv_format",
             "mapper.report.markdown", "mapper.report.html", "mapper.report.xlsx_format")
#: The store's backends: only the seam (mapper.store and its own modules) opens them.
BACKENDS = ("mapper.store.embedded", "mapper.store.remote")
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = modules()


def imports(path: Path) -> set[str]:
    """The house's modules that ``path`` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


GRAPH = nx.DiGraph((module, imported) for module, path in MODULES.items() for imported in imports(path)
                   if imported != module)


def layer(module: str) -> int:
    best = None
    for rank, members in enumerate(LAYERS):
        for member in members:
            if module == member or module.startswith(member + ".") and member != "mapper":
                if best is None or len(member) > len(best[1]):
                    best = (rank, member)
    assert best is not None, f"{module} is in no layer of LAYERS: give it one (and docs/ARCHITECTURE.md)"
    return best[0]


def test_the_house_has_the_modules_it_should():
    assert len(MODULES) >= 80
    assert {"mapper.store", "mapper.load", "mapper.validate", "mapper.report", "web.sparql", "cli"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_up_a_layer(module):
    mine = layer(module)
    upward = sorted(i for i in GRAPH.successors(module) if layer(i) > mine) if module in GRAPH else []
    assert not upward, f"{module} (layer {mine}) imports from higher layers: {upward}"


def test_the_core_imports_nothing_from_the_web_or_the_cli():
    offending = [(a, b) for a, b in GRAPH.edges if a.startswith("mapper") and b.split(".")[0] in ("web", "cli")]
    assert offending == []


def test_no_circle_of_modules():
    # A package's face re-exporting its own modules is not a circle of jobs: drop the edges from a
    # package to its own submodules before looking.
    graph = GRAPH.copy()
    graph.remove_edges_from([(a, b) for a, b in GRAPH.edges if b.startswith(a + ".")])
    circles = list(nx.simple_cycles(graph))
    assert circles == [], f"import circles: {circles}"


def test_the_report_renderers_do_not_import_each_other():
    for renderer in RENDERERS:
        assert renderer in MODULES
        assert not (set(GRAPH.successors(renderer)) & (set(RENDERERS) | {"mapper.report"})), renderer


def test_only_the_seam_opens_a_backend():
    for module, imported in GRAPH.edges:
        if imported in BACKENDS:
            assert module.startswith("mapper.store"), f"{module} imports the backend {imported}: use open_store"
    for module, path in MODULES.items():
        if not module.startswith("mapper.store"):
            assert "._live(" not in path.read_text(encoding="utf-8"), f"{module} reaches into a store's internals"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_room_is_small(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by job"


def test_the_architecture_page_names_files_that_exist():
    """docs/ARCHITECTURE.md says where each kind of change goes: every path it names is there."""
    import re

    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    paths = sorted({p for p in re.findall(r"`([^`\s]+)`", page) if "/" in p and not p.startswith(("/", "fsc"))})
    assert len(paths) >= 40
    for path in paths:
        pattern = path.replace("principle-N-", "principle-*-").replace("NAME", "*").rstrip("/")
        assert list(ROOT.glob(pattern)), f"docs/ARCHITECTURE.md names {path}, which does not exist"
    for module in MODULES:
        if module.count(".") == 1 and module.split(".")[0] in ("mapper", "web"):
            named = MODULES[module].relative_to(ROOT).as_posix()
            folder = named.rsplit("/", 1)[0] + "/" if named.endswith("__init__.py") else named
            assert folder in page or named in page, f"docs/ARCHITECTURE.md does not place {named}"
