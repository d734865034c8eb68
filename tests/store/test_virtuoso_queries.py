"""Every query fscai runs, on a second engine, Virtuoso 7.2, against the embedded store, on the
same analysed examples (every graph copied over quad for quad): the same rows, the same graphs.

The engine's queries (``mapper/queries/``) run as the engine runs them, over one submission's
dataset (its submission, derived and catalogue graphs; :func:`mapper.classify.derive`); the
regulator's named questions over the union of every graph, with their parameters given and not.
Where Virtuoso read a query differently, the ``.rq`` was rewritten to a form both engines read
alike (README "Beyond one machine"); these tests keep it so.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
import pytest
from rdflib import BNode
from rdflib.compare import graph_diff, isomorphic
from sparql_support import examples_nquads

from mapper.graphs import CATALOGUE_GRAPH, SUBMISSION_GRAPH_PREFIX, derived_graph
from mapper.query_library import list_queries, read_query
from mapper.rq import ENGINE_QUERIES, read_rq
from mapper.store import open_store
from mapper.store.parse import engine_reading

ENGINE = tuple(sorted(path.stem for path in ENGINE_QUERIES.glob("*.rq")))
NAMED = tuple(sorted(query.name for query in list_queries()))
#: The viewer's search index reads its subjects' texts with the one query here (web/records/search.py).
SEARCH = ENGINE_QUERIES.parents[1] / "web" / "queries" / "search"
#: Parameters given to the named queries besides none at all (each a case of its own).
NAMED_PARAMETERS = {
    "gaps-by-principle": [{"asOf": "2026-11-25"}],
    "submission-changes": [{"ubn": "83910461"}, {"ubn": "83910461", "from": "2026-04-30", "to": "2026-10-30"},
                           {"to": "2026-10-30"}],
}
NAMED_CASES = [(name, {}) for name in NAMED] + [(name, params) for name, cases in NAMED_PARAMETERS.items()
                                                   for params in cases]


def test_every_query_is_compared() -> None:
    assert len(ENGINE) == 28 and len(NAMED) == 7
    assert [p.name for p in SEARCH.glob('*.rq')] == ['subject-texts.rq']
    assert len(list((ENGINE_QUERIES.parents[1] / 'web' / 'queries').glob('*.rq'))) == len(VIEWER)
    assert set(NAMED_PARAMETERS) <= set(NAMED)


#: Functions that build a text out of others (where Virtuoso 7.2 mangles UTF-8 next to a non-ASCII literal).
_BUILDS_TEXT = re.compile(r"\b(CONCAT|REPLACE|GROUP_CONCAT|STRLANG|SUBSTR|STRBEFORE|STRAFTER)\s*\(", re.IGNORECASE)
_NON_ASCII_LITERAL = re.compile(r'"[^"\n]*[^\x00-\x7f][^"\n]*"')


def _query_texts() -> dict[str, str]:
    """Every query fscai runs: the .rq files and the rules' CONSTRUCTs kept in Turtle."""
    import rdflib

    texts = {path.name: path.read_text(encoding="utf-8")
             for folder in (ENGINE_QUERIES, ENGINE_QUERIES.parents[1] / "queries", ENGINE_QUERIES.parents[1] / "web" / "queries",
                            SEARCH)
             for path in folder.glob("*.rq")}
    rules = rdflib.Graph()
    for path in (ENGINE_QUERIES.parents[1] / "shapes" / "rules").glob("*.ttl"):
        rules.parse(path)
    construct = rdflib.URIRef("https://w3id.org/fscai/def#construct")
    texts.update({str(rule): str(text) for rule, text in rules.subject_objects(construct)})
    return texts


def test_no_query_that_builds_text_holds_a_non_ascii_literal() -> None:
    texts = _query_texts()
    assert len(texts) >= 40
    code = {name: "\n".join(line.split(" #")[0] for line in text.splitlines() if not line.lstrip().startswith("#"))
            for name, text in texts.items()}
    builders = {name for name, text in code.items() if _BUILDS_TEXT.search(text)}
    assert {"applicability.rq", "https://w3id.org/fscai/rules/draft/derived-tier"} <= builders
    assert not {name: _NON_ASCII_LITERAL.findall(code[name]) for name in builders if _NON_ASCII_LITERAL.search(code[name])}


@pytest.fixture(scope="module")
def both(virtuoso_server):
    data = examples_nquads()
    by_graph: dict[str, list] = defaultdict(list)
    for quad in ox.parse(data, ox.RdfFormat.N_QUADS):
        by_graph[quad.graph_name.value].append(quad.triple)
    virtuoso_server.clear()
    local = open_store("memory:")
    remote = open_store(virtuoso_server.store_url, timeout_s=120)
    for graph, triples in sorted(by_graph.items()):
        payload = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        local.replace_graph(graph, payload)
        remote.replace_graph(graph, payload)
    yield local, remote
    local.close()
    remote.close()
    virtuoso_server.clear()


def _newest_submissions(store) -> list[str]:
    newest: dict[str, str] = {}
    for graph in sorted(g for g in store.graphs() if g.startswith(SUBMISSION_GRAPH_PREFIX)):
        newest[graph.removeprefix(SUBMISSION_GRAPH_PREFIX).split("/")[0]] = graph
    assert len(newest) == 3
    return sorted(newest.values())


def _same_answer(local, remote, query: str, **dataset) -> bool:
    """Whether both stores answer ``query`` alike; at least one row or triple, or it proves nothing."""
    if engine_reading(query).form == "CONSTRUCT":
        expected_graph, got = local.construct(query, **dataset), remote.construct(query, **dataset)
        assert len(expected_graph), "no triples on the examples: the comparison would prove nothing"
        if not isomorphic(got, expected_graph):
            _, only_local, only_remote = graph_diff(expected_graph, got)
            pytest.fail(f"only embedded: {sorted(only_local)[:3]}\nonly Virtuoso: {sorted(only_remote)[:3]}")
        return True

    def rows(store) -> list[tuple]:
        return sorted(tuple(sorted(row.items())) for row in store.select_values(query, **dataset))

    expected = rows(local)
    assert expected, "no rows on the examples: the comparison would prove nothing"
    got = rows(remote)
    assert got == expected, (sorted(set(expected) - set(got))[:3], sorted(set(got) - set(expected))[:3])
    return True


@pytest.mark.parametrize("name", ENGINE)
def test_the_engines_query_answers_alike_on_virtuoso(both, name: str) -> None:
    local, remote = both
    parsed = read_rq(ENGINE_QUERIES / f"{name}.rq")
    for submission in _newest_submissions(local):
        query = parsed.bind({p.name: submission for p in parsed.parameters if p.name == "submission"})
        dataset = [submission, derived_graph(submission), CATALOGUE_GRAPH]
        assert _same_answer(local, remote, query, default_graphs=dataset)


@pytest.mark.parametrize(("name", "params"), NAMED_CASES, ids=[f"{n}-{'-'.join(p) or 'defaults'}" for n, p in NAMED_CASES])
def test_the_regulators_query_answers_alike_on_virtuoso(both, name: str, params: dict) -> None:
    local, remote = both
    query = read_query(name).bind(params)
    assert _same_answer(local, remote, query)


#: The viewer's queries about one IRI (web/queries/), and the class of the IRIs each is asked about.
VIEWER = {"evidence-citations": "Evidence", "subject-properties": "AISystem", "system-factors": "AISystem",
          "vendor-oversight": "Vendor"}


@pytest.mark.parametrize("name", sorted(VIEWER))
def test_the_viewers_query_answers_alike_on_virtuoso(both, name: str) -> None:
    """As the viewer asks it (web/facts.py): about each IRI of its kind, over one submission's dataset."""
    local, remote = both
    parsed = read_rq(ENGINE_QUERIES.parents[1] / "web" / "queries" / f"{name}.rq")
    [parameter] = parsed.parameters
    submission = _newest_submissions(local)[-1]  # the bank's
    dataset = [submission, derived_graph(submission), CATALOGUE_GRAPH]
    kind = f"https://w3id.org/fscai/def#{VIEWER[name]}"
    iris = [row["s"] for row in local.select_values(f"SELECT ?s WHERE {{ ?s a <{kind}> }}", default_graphs=[submission])]
    assert len(iris) >= 3
    for iri in iris:
        query = parsed.bind({parameter.name: iri})
        rows = [sorted(tuple(sorted((name, _unlabelled(term)) for name, term in row.items()))
                       for row in store.select(query, default_graphs=dataset))
                for store in (local, remote)]
        assert rows[1] == rows[0], iri


def test_the_search_indexs_query_answers_alike_on_virtuoso(both) -> None:
    """As the search index asks it (web/records/search.py): over each submission graph."""
    local, remote = both
    query = read_rq(SEARCH / "subject-texts.rq").text
    submissions = _newest_submissions(local)
    assert len(submissions) >= 3
    for submission in submissions:
        rows = [sorted(tuple(sorted((name, _unlabelled(term)) for name, term in row.items()))
                       for row in store.select(query, default_graphs=[submission]))
                for store in (local, remote)]
        assert rows[0] and rows[1] == rows[0], submission


def _unlabelled(term) -> str:
    """A term as text, a blank node as ``_:`` (its label is the engine's own)."""
    return "_:" if isinstance(term, BNode) else term.n3()
