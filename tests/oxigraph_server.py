"""A real SPARQL 1.1 server for tests: ``oxigraph serve`` on a free loopback port.

The binary comes from PyPI's ``oxigraph`` package (the test extra), next to the interpreter.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

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
        wait_until_answers("oxigraph serve", f"{server.http_url}/query?{urlencode({'query': 'ASK {}'})}", process,
                           log_path.read_text)
        yield server
    finally:
        stop(process)


def wait_until_answers(name: str, probe: str, process: subprocess.Popen, logs: Callable[[], str],
                       timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    """Poll ``probe`` until it answers 200; fail the test with ``logs()`` if the server exits first or
    does not answer in time (every test server: ``oxigraph serve``, Virtuoso)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}: {logs()}")
        try:
            with urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.05)
    pytest.fail(f"{name} did not answer at {probe} within {timeout_s}s: {logs()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 10 s: a test server never outlives its test."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()