"""Fixtures for the store contract suite: a fresh, empty store per test on every backend.

The remote backend talks to a real ``oxigraph serve`` started on loopback once per
session (the ``oxigraph`` binary from PyPI, installed next to the Python interpreter), and the
``virtuoso`` backend, the same remote store, to a real Virtuoso 7.2 (Debian's
``virtuoso-opensource``, :mod:`virtuoso_server`); each test starts from an empty server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, ContextManager, Iterator

import pytest
from oxigraph_server import OxigraphServer, free_port, running_oxigraph
from virtuoso_server import VirtuosoServer

from mapper.store import Store, open_store

BACKENDS = ("memory", "disk", "remote", "virtuoso")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-server") / "db") as server:
        yield server


@pytest.fixture
def start_oxigraph() -> Callable[..., ContextManager[OxigraphServer]]:
    """:func:`running_oxigraph`, for tests that need a server of their own."""
    return running_oxigraph


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def backend_names() -> tuple[str, ...]:
    return BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[], Store]]:
    """A factory of fresh, empty stores of ``backend``, all closed after the test.

    On the remote backends every store is the same server, emptied when a store is made:
    use one store at a time.
    """
    opened: list[Store] = []

    def make() -> Store:
        if backend == "memory":
            url = "memory:"
        elif backend == "disk":
            url = f"oxigraph:{tmp_path / f'store-{len(opened)}'}"
        else:
            server: OxigraphServer | VirtuosoServer = request.getfixturevalue(
                "oxigraph_server" if backend == "remote" else "virtuoso_server")
            server.clear()
            url = server.store_url
        store = open_store(url, timeout_s=30)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], Store]) -> Store:
    return make_store()
