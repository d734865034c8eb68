"""A writer killed between writing a staging graph and moving it in place leaves the graph behind;
the next read-write open of the directory removes it, and no reader ever lists one. The one commit
of a load and its analysis (:func:`mapper.store.staging.commit`) writes all of a workspace's graphs
or none (``tests/store/test_kill_load.py`` kills real loads)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

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


# The one commit of a load and its analysis (mapper.store.staging.commit), through the seam.

SUBMISSION, DERIVED, MARKET = (f"https://example.org/{name}" for name in ("submission", "derived", "market"))


def _raw_graphs(path) -> list[str]:
    raw = ox.Store.read_only(str(path))
    try:
        return sorted({q.graph_name.value for q in raw.quads_for_pattern(None, None, None, None)})
    finally:
        del raw


def test_a_commit_writes_what_the_workspace_wrote_and_keeps_the_blank_nodes_it_shares(tmp_path):
    """An analysis of a stored submission: its derived graph names the submission's blank nodes,
    which the commit keeps (through a staging graph), replacing the old derived graph and dropping
    the market graph the workspace dropped; the submission itself is not written."""
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:
        store.replace_graph(SUBMISSION, b'_:e <https://example.org/p> "evidence" .\n<https://example.org/s> <https://example.org/p> "kept" .')
        store.replace_graph(DERIVED, b'<https://example.org/s> <https://example.org/q> "old" .')
        store.replace_graph(MARKET, b'<https://example.org/s> <https://example.org/q> "old" .')
        work = store.workspace([SUBMISSION])
        work.construct_into(DERIVED, 'CONSTRUCT { ?e <https://example.org/gap> "x" } WHERE { ?e <https://example.org/p> "evidence" }',
                            default_graphs=[SUBMISSION])
        work.drop_graph(MARKET)
        store.commit(work)
        assert store.graphs() == [DERIVED, SUBMISSION]
        assert store.ask(f'ASK {{ GRAPH <{SUBMISSION}> {{ ?e <https://example.org/p> "evidence" }} '
                         f'GRAPH <{DERIVED}> {{ ?e <https://example.org/gap> "x" }} }}')
        assert not store.ask(f'ASK {{ GRAPH <{DERIVED}> {{ ?s ?p "old" }} }}')
    assert _raw_graphs(tmp_path / "store") == [DERIVED, SUBMISSION]  # no staging graph left on disk


def test_a_first_commit_is_one_load_and_keeps_the_blank_nodes_too(tmp_path):
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:
        store.replace_graph(SUBMISSION, b'_:e <https://example.org/p> "evidence" .')
        work = store.workspace([SUBMISSION])
        work.construct_into(DERIVED, 'CONSTRUCT { ?e <https://example.org/gap> "x" } WHERE { ?e <https://example.org/p> "evidence" }',
                            default_graphs=[SUBMISSION])
        work.replace_graph(MARKET, b'_:m <https://example.org/p> "market" .')
        store.commit(work)
        assert store.ask(f'ASK {{ GRAPH <{SUBMISSION}> {{ ?e <https://example.org/p> "evidence" }} '
                         f'GRAPH <{DERIVED}> {{ ?e <https://example.org/gap> "x" }} }}')
        assert store.graphs() == [DERIVED, MARKET, SUBMISSION]
    assert _raw_graphs(tmp_path / "store") == [DERIVED, MARKET, SUBMISSION]


def test_a_commit_replaces_a_graph_by_its_difference_and_adds_new_ones_whole(tmp_path):
    triples = [f'<https://example.org/s{i}> <https://example.org/p> "{i}" .'.encode() for i in range(5)]
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:
        store.replace_graph(DERIVED, b"\n".join(triples[:3]))
        work = store.workspace([DERIVED])
        work.replace_graph(DERIVED, b"\n".join(triples[1:4]))  # one triple leaves, one comes
        work.replace_graph(SUBMISSION, b'_:b <https://example.org/p> "new" .')
        store.commit(work)
        assert sorted(str(r["o"]) for r in store.select(f"SELECT ?o WHERE {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }}")) == ["1", "2", "3"]
        assert store.ask(f'ASK {{ GRAPH <{SUBMISSION}> {{ ?b ?p "new" FILTER isBlank(?b) }} }}')
        assert store.graphs() == [DERIVED, SUBMISSION]


class _Failing:
    """A pyoxigraph store whose updates fail (a full disk, say), everything else as the real one."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def update(self, update: str) -> None:
        raise OSError("no space left on device")

    def load(self, *args, **kwargs) -> None:
        raise OSError("no space left on device")

    def __getattr__(self, name: str):
        return getattr(self.store, name)


def test_a_failed_commit_writes_nothing_and_leaves_no_staging_graph():
    from mapper.store.staging import commit

    store, work = ox.Store(), ox.Store()
    graph, shared = ox.NamedNode(DERIVED), ox.BlankNode()
    store.add(ox.Quad(shared, P, ox.Literal("stored"), ox.NamedNode(SUBMISSION)))
    store.add(ox.Quad(S, P, ox.Literal("old"), graph))
    work.add(ox.Quad(shared, P, ox.Literal("stored"), ox.NamedNode(SUBMISSION)))  # a copy of the stored graph
    work.add(ox.Quad(shared, P, ox.Literal("derived"), graph))  # staged: it keeps the shared blank node
    before = sorted(map(str, store))
    with pytest.raises(OSError):
        commit(_Failing(store), work, [graph])
    assert sorted(map(str, store)) == before
    with pytest.raises(OSError):  # a first write, one load
        commit(_Failing(store), work, [ox.NamedNode(MARKET)])
    assert sorted(map(str, store)) == before
