"""Fixtures for the store contract suite: a fresh, empty store per test on every backend.

The remote backend talks to a real ``oxigraph serve`` started on loopback once per
session (the ``oxigraph`` binary from PyPI, installed next to the Python interpreter);
each test starts from an empty server (``DROP ALL``).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Iterator
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from mapper.store import Store, open_store

BACKENDS = ("memory", "disk", "remote")
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
STARTUP_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class OxigraphServer:
    """A running ``oxigraph serve`` on loopback."""

    http_url: str  # http://127.0.0.1:PORT

    @property
    def store_url(self) -> str:
        return f"sparql+{self.http_url}"

    def clear(self) -> None:
        """Empty the whole server with a raw SPARQL update (not through the code under test)."""
        request = Request(f"{self.http_url}/update", data=b"DROP ALL", method="POST",
                          headers={"Content-Type": "application/sparql-update"})
        with urlopen(request, timeout=10) as response:
            response.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_oxigraph(location: Path, *extra_args: str) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` on a free loopback port, wait until it answers, stop it after."""
    if not OXIGRAPH.is_file():
        pytest.fail(f"the oxigraph server binary is missing at {OXIGRAPH}: "
                    "install the test extra (pip install -e '.[test]', it brings oxigraph==0.5.13)")
    port = free_port()
    log_path = location.parent / f"{location.name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}", "--location", str(location), *extra_args],
            stdout=log, stderr=subprocess.STDOUT,
        )
    server = OxigraphServer(f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(server, process, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: OxigraphServer, process: subprocess.Popen, log_path: Path) -> None:
    probe = f"{server.http_url}/query?{urlencode({'query': 'ASK {}'})}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}: {log_path.read_text()}")
        try:
            with urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.05)
    pytest.fail(f"oxigraph serve did not answer on {server.http_url} within {STARTUP_TIMEOUT_S}s: "
                f"{log_path.read_text()}")


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

    On the remote backend every store is the same server, emptied when a store is made:
    use one store at a time.
    """
    opened: list[Store] = []

    def make() -> Store:
        if backend == "memory":
            url = "memory:"
        elif backend == "disk":
            url = f"oxigraph:{tmp_path / f'store-{len(opened)}'}"
        else:
            server: OxigraphServer = request.getfixturevalue("oxigraph_server")
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
