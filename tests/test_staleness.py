"""Staleness: an analysis carries the knowledge version it was derived under; an edit to the Turtle
makes it stale, `fscai analyse` refreshes it, and an unchanged catalogue is never rewritten."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from example_ubns import ubn_of

from cli import main
from mapper.analysis import stale_graphs
from mapper.catalogue.install import install_catalogue, installed_version, knowledge_version
from mapper.classify import is_stale
from mapper.graphs import latest_graphs
from mapper.layout import project_layout
from mapper.store import open_store

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
BANK = REPO / "data" / "examples" / "bank"


def _cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_an_unchanged_catalogue_is_not_rewritten():
    with open_store("memory:") as store:
        assert install_catalogue(store) > 5_000
        assert installed_version(store) == knowledge_version()
        generation = store.generation
        assert install_catalogue(store) == 0 and store.generation == generation  # nothing written


def test_a_turtle_edit_makes_analyses_stale_and_fscai_analyse_refreshes_them(project_copy, tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    for files in ([MINIMAL], [BANK]):
        result = _cli("--root", str(project_copy), "load", "--institution", ubn_of(files), "--store", url, *map(str, files))
        assert result.exit_code == 0, result.output
    with open_store(url) as store:
        assert stale_graphs(store) == []
    rules = project_copy / "shapes" / "rules" / "applicability.ttl"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# an architect's comment\n", encoding="utf-8")
    with open_store(url) as store:
        install_catalogue(store, project_layout(project_copy))
        graphs = latest_graphs(store.graphs())
        assert len(graphs) == 2 and stale_graphs(store) == graphs and all(is_stale(store, g) for g in graphs)
    result = _cli("--root", str(project_copy), "analyse", "--store", url)
    assert result.exit_code == 0 and "analysed 2 institution(s)" in result.stderr
    with open_store(url) as store:
        assert stale_graphs(store) == []
    result = _cli("--root", str(project_copy), "analyse", "--store", url)
    assert "analysed 0 institution(s)" in result.stderr
    result = _cli("--root", str(project_copy), "analyse", "--store", url, "--all")
    assert "analysed 2 institution(s)" in result.stderr


def test_gaps_on_a_stored_submission_read_its_analysis_without_rewriting_it(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    assert _cli("load", "--institution", ubn_of([MINIMAL]), "--store", url, str(MINIMAL)).exit_code == 0
    with open_store(url) as store:
        before = store.dump()
    result = _cli("gaps", "--store", url, "--as-of", "2026-11-25", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.count("\n") > 50
    with open_store(url) as store:
        assert store.dump() == before


def test_a_derived_graph_without_its_stamp_counts_as_not_analysed(tmp_path):
    """What a crash while writing the analysis leaves (the derived graph written, its stamp not):
    stale for `fscai analyse`, not analysed for every reader; same for missing market records."""
    import datetime as dt

    import pytest

    from mapper.analysis import NotAnalysed, read_analysis, refresh_stale
    from mapper.catalogue.install import layout_catalogue
    from mapper.graphs import KNOWLEDGE_VERSION, derived_graph, market_graph

    url = f"oxigraph:{tmp_path / 'store'}"
    assert _cli("load", "--institution", ubn_of([MINIMAL]), "--store", url, str(MINIMAL)).exit_code == 0
    with open_store(url) as store:
        graph = latest_graphs(store.graphs())[0]
        data = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{derived_graph(graph)}> {{ ?s ?p ?o "
                               f"FILTER (?p != <{KNOWLEDGE_VERSION}>) }} }}").serialize(format="nt", encoding="utf-8")
        store.replace_graph(derived_graph(graph), data)  # as if the stamp had not been written
        assert stale_graphs(store) == [graph]
        with pytest.raises(NotAnalysed):
            read_analysis(store, graph, as_of=dt.date(2026, 11, 25), catalogue=layout_catalogue())
        assert refresh_stale(store) == [graph] and stale_graphs(store) == []
        store.drop_graph(market_graph("12345675"))  # as if the market records had not been written
        assert stale_graphs(store) == [graph]
        refresh_stale(store)
        assert stale_graphs(store) == [] and market_graph("12345675") in store.graphs()
