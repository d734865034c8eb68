"""Shared fixtures: the real ontology, parsed once, editable copies of the project tree, and the
session's Virtuoso server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from virtuoso_server import virtuoso_server  # noqa: F401 (one Virtuoso per session, for every folder)

from cli import main
from mapper.catalogue.ontology import catalogue_graph
from mapper.catalogue.records import read_catalogue
from mapper.layout import project_layout

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def layout():
    return project_layout(REPO)


@pytest.fixture(scope="session")
def ontology_graph(layout):
    return catalogue_graph(layout)


@pytest.fixture(scope="session")
def catalogue(ontology_graph):
    return read_catalogue(ontology_graph)


@pytest.fixture()
def project_copy(tmp_path):
    """A copy of the knowledge files (ontology/, shapes/) an architect could edit."""
    for name in ("ontology", "shapes"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def fscai(runner):
    """Invoke the real ``fscai`` command group; returns click's Result."""

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke
