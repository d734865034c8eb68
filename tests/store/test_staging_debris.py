"""A writer killed between writing a staging graph and moving it in place leaves the graph behind;
the next read-write open of the directory removes it, and no reader ever lists one."""

from __future__ import annotations

import pyoxigraph as ox

from mapper.store import open_store
from mapper.store.staging import STAGING_PREFIX

S, P = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
KEPT = "https://example.org/submission"
DEBRIS = STAGING_PREFIX + "5f1d2c"


def _crashed_store(path) -> None:
    """A store as a killed writer leaves it: a submission graph, and a staging graph beside it."""
    raw = ox.Store(str(path))
    raw.add(ox.Quad(S, P, ox.Literal("kept"), ox.NamedNode(KEPT)))
    raw.add(ox.Quad(S, P, ox.Literal("half-written"), ox.NamedNode(DEBRIS)))
    raw.flush()
    del raw


def test_a_read_write_open_removes_staging_debris_and_keeps_the_rest(tmp_path):
    _crashed_store(tmp_path / "store")
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:
        assert store.graphs() == [KEPT]
        assert [str(r["o"]) for r in store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")] == ["kept"]
    raw = ox.Store.read_only(str(tmp_path / "store"))
    assert [g.value for g in raw.named_graphs()] == [KEPT]  # gone from disk, not only hidden


def test_a_read_only_open_never_lists_a_staging_graph(tmp_path):
    _crashed_store(tmp_path / "store")
    with open_store(f"oxigraph:{tmp_path / 'store'}", read_only=True) as store:
        assert store.graphs() == [KEPT]
