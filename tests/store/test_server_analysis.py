"""What users run, on the two SPARQL servers (``oxigraph serve`` and Virtuoso 7.2): ``fscai load``
the examples into each, then ``fscai gaps``, ``fscai report`` and ``fscai query``; the same output
as on the default on-disk store.

The outputs are compared byte for byte after sorting lines only where no order is defined (none
so far: the engine orders every list it prints), so a difference of engine shows as a failed test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from example_ubns import ubn_of

from mapper.query_library import list_queries

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
INSTITUTIONS = ("bank", "life-insurer", "securities")
AS_OF = "2026-11-25"


@pytest.fixture(scope="module")
def stores(virtuoso_server, tmp_path_factory):
    """The examples loaded by ``fscai load`` into a fresh on-disk store, ``oxigraph serve`` and Virtuoso."""
    from click.testing import CliRunner
    from oxigraph_server import running_oxigraph

    from cli import main

    virtuoso_server.clear()
    disk = f"oxigraph:{tmp_path_factory.mktemp('disk') / 'store'}"
    runner = CliRunner()
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db") as oxigraph:
        urls = (disk, oxigraph.store_url, virtuoso_server.store_url)
        for url in urls:
            for name in INSTITUTIONS:
                result = runner.invoke(main, ["load", "--institution", ubn_of([EXAMPLES / name]), str(EXAMPLES / name), "--store", url], catch_exceptions=False)
                assert result.exit_code == 0, result.output
        yield urls
    virtuoso_server.clear()


@pytest.mark.parametrize("output", ["text", "json", "csv", "md"])
def test_fscai_gaps_prints_the_same_on_every_server(fscai, stores, output: str) -> None:
    printed = [fscai("gaps", "--store", url, "--as-of", AS_OF, "--format", output) for url in stores]
    assert [p.exit_code for p in printed] == [0, 0, 0], [p.output[-500:] for p in printed]
    assert len(printed[0].stdout) > 10_000
    assert printed[1].stdout == printed[0].stdout and printed[2].stdout == printed[0].stdout


@pytest.mark.parametrize("output", ["json", "md", "html"])
def test_fscai_report_writes_the_same_files_on_every_server(fscai, stores, tmp_path: Path, output: str) -> None:
    written = []
    for n, url in enumerate(stores):
        out = tmp_path / f"out{n}"
        result = fscai("report", "--store", url, "--as-of", AS_OF, "--format", output, "--out", str(out))
        assert result.exit_code == 0, result.output
        written.append({path.name: path.read_bytes() for path in sorted(out.iterdir())})
    assert len(written[0]) >= 3
    assert written[1] == written[0] and written[2] == written[0]


@pytest.mark.parametrize("name", sorted(query.name for query in list_queries()))
def test_fscai_query_prints_the_same_on_every_server(fscai, stores, name: str) -> None:
    printed = [fscai("query", name, "--store", url, "--format", "csv") for url in stores]
    assert [p.exit_code for p in printed] == [0, 0, 0], [p.output[-500:] for p in printed]
    assert printed[1].stdout == printed[0].stdout and printed[2].stdout == printed[0].stdout
