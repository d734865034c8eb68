"""The update form of CONSTRUCT queries: the same triples as the query, and taken by the real rules."""

from __future__ import annotations

import pytest
from rdflib.compare import isomorphic

from mapper.catalogue.install import install_catalogue
from mapper.graphs import CATALOGUE_GRAPH
from mapper.rq import query_text
from mapper.store import StoreError
from mapper.store.embedded import OxigraphStore
from mapper.store.insert_form import insert_form

EX = "https://example.org/"
A, B, OUT = f"{EX}a", f"{EX}b", f"{EX}out"
DATA = f"""
<{EX}s1> <{EX}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> , "chat"@fr , <{EX}o> .
<{EX}s2> <{EX}p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> ; <{EX}q> "x" .
""".encode()

QUERIES = {
    "plain": f"CONSTRUCT {{ ?s <{EX}r> ?o }} WHERE {{ ?s <{EX}p> ?o }}",
    "blank nodes in the template": f"CONSTRUCT {{ ?s <{EX}r> [ <{EX}v> ?o ] }} WHERE {{ ?s <{EX}p> ?o }}",
    "unbound variables skipped": f"CONSTRUCT {{ ?s <{EX}r> ?q }} WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?q }} }}",
    "literal subjects skipped": f"CONSTRUCT {{ ?o <{EX}r> ?s }} WHERE {{ ?s <{EX}p> ?o }}",
    "braces in strings and comments": (f'PREFIX ex: <{EX}>\nCONSTRUCT {{ ?s ex:r "}} {{" }} # }}\n'
                                       f'WHERE {{ ?s ex:p ?o FILTER (?o != "}}") }}'),
    "subquery and aggregate": (f"CONSTRUCT {{ ?s <{EX}n> ?n }} WHERE {{ "
                               f"{{ SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s <{EX}p> ?o }} GROUP BY ?s }} }}"),
    "GRAPH with named graphs given": f"CONSTRUCT {{ ?s <{EX}in> ?g }} WHERE {{ GRAPH ?g {{ ?s <{EX}q> ?o }} }}",
}


@pytest.fixture
def store():
    with OxigraphStore(None) as store:
        store.replace_graph(A, DATA, "text/turtle")
        store.replace_graph(B, f"<{EX}s3> <{EX}p> <{EX}o> .".encode())
        yield store


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_update_writes_what_the_query_constructs(store, name) -> None:
    query = QUERIES[name]
    named = [A] if "GRAPH" in query else None
    assert insert_form(query, OUT, [A, B], named) is not None, "the update form should be taken"
    expected = store.construct(query, default_graphs=[A, B], named_graphs=named)
    assert store.construct_into(OUT, query, default_graphs=[A, B], named_graphs=named) == len(expected)
    assert isomorphic(store.graph_triples(OUT), expected)


@pytest.mark.parametrize("query, default, named", [
    (f"CONSTRUCT WHERE {{ ?s <{EX}p> ?o }}", [A], None),
    (f"CONSTRUCT {{ ?s <{EX}r> ?o }} WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s LIMIT 1", [A], None),
    (f"CONSTRUCT {{ ?s <{EX}r> ?o }} FROM <{A}> WHERE {{ ?s <{EX}p> ?o }}", [A], None),
    (f"CONSTRUCT {{ ?s <{EX}r> ?o }} WHERE {{ ?s <{EX}p> ?o }} VALUES ?s {{ <{EX}s1> }}", [A], None),
    (f"CONSTRUCT {{ ?s <{EX}r> ?o }} WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}", [A], None),
    (f"CONSTRUCT {{ ?s <{EX}r> ?o }} WHERE {{ ?s <{EX}p> ?o }}", None, None),
    (f"DESCRIBE <{EX}s1>", [A], None),
    (f"SELECT * WHERE {{ ?s <{EX}p> ?o }}", [A], None),
    (f"PREFIX construct: <{EX}> SELECT * WHERE {{ ?s construct:p ?o }}", [A], None),
])
def test_what_the_update_cannot_say_runs_as_a_query(store, query, default, named) -> None:
    assert insert_form(query, OUT, default, named) is None
    if query.startswith(("SELECT", "PREFIX")):
        with pytest.raises(StoreError, match="needs a CONSTRUCT"):
            store.construct_into(OUT, query, default_graphs=default, named_graphs=named)
    else:
        expected = store.construct(query, default_graphs=default, named_graphs=named)
        store.construct_into(OUT, query, default_graphs=default, named_graphs=named)
        assert isomorphic(store.graph_triples(OUT), expected)


def test_a_service_clause_is_refused_in_the_update_form_too(store) -> None:
    query = f"CONSTRUCT {{ ?s <{EX}r> ?o }} WHERE {{ SERVICE <http://127.0.0.1:9/> {{ ?s <{EX}p> ?o }} }}"
    assert insert_form(query, OUT, [A], None) is not None
    with pytest.raises(StoreError, match="SERVICE"):
        store.construct_into(OUT, query, default_graphs=[A])
    assert OUT not in store.graphs()


def test_the_classification_rules_take_the_update_form(store) -> None:
    install_catalogue(store)
    rules = store.select(query_text("derivation-rules"), default_graphs=[CATALOGUE_GRAPH])
    queries = [str(rule["construct"]) for rule in rules] + [query_text("applicability"), query_text("gap-records")]
    assert len(queries) >= 3
    graphs = [A, B, CATALOGUE_GRAPH]
    assert all(insert_form(query, OUT, graphs, None) is not None for query in queries)
