"""Fixtures of the viewer's tests, as in Flask's tutorial: ``app`` → ``client`` → ``runner``.

The app runs over an in-memory Oxigraph store holding the catalogue and the example
institutions (``data/examples/minimal-submission.ttl`` and each directory under
``data/examples/``, one submission each), analysed once per session with the reference date
2026-11-25 (so some evidence is past its review date).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import pytest

from mapper.analysis import refresh_stale
from mapper.layout import project_layout
from mapper.load import load_submission
from web import close_app, create_app
from web.access import REGULATOR, Principal
from web.analyses import latest_analyses
from web.identity import acting_as
from web.store import setting_up

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "data" / "examples"
AS_OF = "2026-11-25"
#: UBNs of the bundled examples: the minimal bank, and the bank, life insurer and securities firm.
MINIMAL_UBN = "12345675"
EXAMPLE_DIRS = ("bank", "life-insurer", "securities")


def example_submissions() -> list[list[Path]]:
    """One list of files per submission: the minimal example, then each example directory."""
    submissions = [[EXAMPLES / "minimal-submission.ttl"]]
    for name in EXAMPLE_DIRS:
        directory = EXAMPLES / name
        if directory.is_dir():
            submissions.append(sorted(p for p in directory.iterdir() if p.is_file()))
    return submissions


def make_app(submissions: list[list[Path]], **config):
    """An app over a fresh in-memory store loaded with ``submissions`` and analysed, as ``fscai serve``
    does before it listens: the requests only read."""
    app = create_app({"TESTING": True, "STORE": "memory:", "AS_OF": AS_OF, "ROOT": str(REPO), **config})
    with setting_up(app) as store:
        layout = project_layout(REPO)
        refresh_stale(store, layout)  # the catalogue first: the loader checks against it
        for files in submissions:
            load_submission(store, files)
        refresh_stale(store, layout)
    with acting_as(app, Principal(REGULATOR)):
        latest_analyses()  # read every analysis once before the first request
    return app


@contextlib.contextmanager
def app_with_tokens(directory: Path, tokens: dict[str, str], **config) -> Iterator:
    """:func:`make_app` over every example, with a token file of ``tokens`` (role -> token) written
    in ``directory``; closed afterwards."""
    from sparql_support import write_tokens

    app = make_app(example_submissions(), TOKENS=str(write_tokens(directory / "tokens.toml", tokens)), **config)
    try:
        yield app
    finally:
        close_app(app)


@pytest.fixture(scope="session")
def app():
    app = make_app(example_submissions())
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def app_over():
    """Build another app over other submissions: ``app_over([[file, ...], ...])``."""
    return make_app


@pytest.fixture(scope="session")
def examples() -> Path:
    return EXAMPLES


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()
