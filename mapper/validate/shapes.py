"""The SHACL shapes: every ``*.ttl`` under ``shapes/`` (the rules excepted), read as data.

A compliance architect's new shape file takes effect with no code change.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import Graph
from rdflib.namespace import OWL, RDF

from mapper.layout import Layout, project_layout
from mapper.namespaces import FSC, FSCS, SH  # noqa: F401 (doctest)
from mapper.validate.findings import bind_prefixes


def load_shapes(root: str | Path | Layout | None = None) -> Graph:
    """Every ``*.ttl`` file under the shapes directory, parsed into one graph.

    ``root`` is a project tree (its ``shapes/`` is read), a shapes directory itself, or
    ``None`` for this project's. Files are read in sorted order; subdirectories count, except
    ``rules/``.

    >>> shapes = load_shapes()
    >>> (FSCS["Evidence-owner"], SH.path, FSC.owner) in shapes
    True
    """
    if root is None or isinstance(root, Layout):
        directory = (root or project_layout()).shapes_dir
    else:
        root = Path(root)
        directory = root / "shapes" if (root / "shapes").is_dir() else root
    if not directory.is_dir():
        raise FileNotFoundError(f"no shapes directory at {directory}")
    graph = Graph()
    bind_prefixes(graph)
    # shapes/rules/ holds applicability and tier rules (data for mapper.classify), not shapes.
    for path in sorted(p for p in directory.rglob("*.ttl") if (directory / "rules") not in p.parents):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=4)
def _vocabulary(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def with_vocabulary(catalogue: Graph) -> Iterable[Graph]:
    """The catalogue, plus the submission vocabulary if the catalogue lacks it.

    The shapes rely on its class hierarchy (``fsc:RiskManagementPolicy`` is a
    ``fsc:Evidence``) and its individuals (``fsc:Bank`` is a ``fsc:InstitutionType``).
    """
    yield catalogue
    if (FSC.Evidence, RDF.type, OWL.Class) not in catalogue:
        path = project_layout().ontology_dir / "submission.ttl"
        if path.is_file():
            yield _vocabulary(path)


def project_shapes():
    """The project's shapes and their compiled engine, kept while the shape files are unchanged."""
    files = project_layout().shape_files()
    return _compiled_shapes(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@lru_cache(maxsize=2)
def _compiled_shapes(files: tuple) -> tuple[Graph, object]:
    from mapper.validate.fast import FastEngine

    shapes = load_shapes()
    return shapes, FastEngine(shapes)
