"""The regulator's named queries (``queries/*.rq``): well-formed, right on the examples, the same on
a remote server, and behind ``fscai query``.

The answers are checked against independent computations: the gap counts against the analysis's
own ``mapper/queries/gaps.rq`` run per institution, the HHI against the shares the query returns,
the adoption counts against the applicability verdicts.
"""

from __future__ import annotations

import collections
import csv
import io
import json
from pathlib import Path
from urllib.request import Request, urlopen

import pyoxigraph as ox
import pytest
from oxigraph_server import running_oxigraph
from rdflib import BNode, Graph
from rdflib.compare import isomorphic
from sparql_support import (
    BANK_EARLIER_DATE,
    BANK_LATEST_DATE,
    BANK_UBN,
    CATALOGUE,
    INSURER_UBN,
    RETIRED_SYSTEM,
    SECURITIES_UBN,
    derived_graph,
    examples_nquads,
    make_store,
    submission_graph,
)

from cli.query import query_command
from mapper.layout import project_layout
from mapper.query_library import list_queries, read_query
from mapper.rq import ENGINE_QUERIES as QUERY_DIR
from mapper.rq import QueryFileError, engine_query, query_text
from mapper.store import open_store
from web.sparql.guard import inspect

AS_OF = "2026-11-25"
LATEST = {BANK_UBN: BANK_LATEST_DATE, INSURER_UBN: "2026-09-30", SECURITIES_UBN: "2026-11-13"}
FSC = "https://w3id.org/fscai/def#"


@pytest.fixture(scope="module")
def store():
    """The analysed examples in an embedded (pyoxigraph) store."""
    store = ox.Store()
    store.bulk_load(examples_nquads(), format=ox.RdfFormat.N_QUADS)
    return store


def rows(store, query: str) -> list[dict[str, str]]:
    results = store.query(query)
    names = [v.value for v in results.variables]
    return [{n: t.value for n, t in zip(names, solution) if t is not None} for solution in results]


# --- the library itself -----------------------------------------------------------------------


def test_the_library_holds_the_regulators_questions():
    names = {q.name for q in list_queries()}
    assert {"measure-adoption", "gaps-by-principle", "systems-by-tier-oversight", "vendor-concentration",
            "submission-changes", "institutions"} <= names


@pytest.mark.parametrize("named", list_queries(), ids=lambda q: q.name)
def test_each_query_is_documented_and_parses(named):
    from rdflib.plugins.sparql.parser import parseQuery

    assert named.title.zh and named.title.en and named.description.zh and named.description.en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in named.title.en + named.description.en)
    assert parseQuery(named.text)[1].name == "SelectQuery"  # rdflib reads it (SPARQL 1.1)
    ox.Store().query(named.text)  # so does Oxigraph
    assert "service" not in named.text.lower()  # never needs the guard's slow path


def test_parameters_are_bound_everywhere_they_appear():
    named = read_query("submission-changes")
    text = named.bind({"ubn": BANK_UBN, "from": BANK_EARLIER_DATE, "to": BANK_LATEST_DATE})
    assert "UNDEF" not in text and text.count(f'BIND ("{BANK_UBN}" AS ?ubn)') == 3
    with pytest.raises(QueryFileError, match="no parameter"):
        named.bind({"year": "2026"})
    with pytest.raises(QueryFileError, match="must be a date"):
        named.bind({"from": "2026/04/30"})
    assert named.bind({"ubn": 'x" } } DROP ALL #'}).count('"x\\" } } DROP ALL #"') == 3  # quoted, not injected


def test_a_header_without_both_languages_is_refused(tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "half.rq").write_text("# title@en: Half\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match="title@zh-Hant"):
        list_queries(project_layout(tmp_path))
    with pytest.raises(QueryFileError, match="not a query name"):
        read_query("../etc/passwd")


# --- the answers on the examples ------------------------------------------------------------------


def _gaps_per_chapter(store) -> dict[tuple[str, str], int]:
    """Per (UBN, chapter), distinct (measure, subject) pairs with a gap, by the analysis's gaps.rq."""
    gaps = query_text("gaps")
    chapter = {r["m"]: r["c"] for r in rows(store, f"""PREFIX fsc: <{FSC}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?m ?c WHERE {{ GRAPH <{CATALOGUE}> {{ ?m fsc:inChapter/skos:notation ?c }} }}""")}
    counts = collections.Counter()
    for ubn, date in LATEST.items():
        graphs = [ox.NamedNode(g) for g in (submission_graph(ubn, date), derived_graph(ubn, date), CATALOGUE)]
        pairs = {(s["measure"].value, s["subject"].value) for s in store.query(gaps, default_graph=graphs)
                 if s["date"] is None or s["date"].value < AS_OF}  # the gap holds on AS_OF
        for measure, _ in pairs:
            counts[(ubn, chapter[measure])] += 1
    return counts


def test_gaps_by_principle_agrees_with_the_analysis(store):
    query = read_query("gaps-by-principle").bind({"asOf": AS_OF})
    answer = rows(store, query)
    assert {(r["ubn"], r["chapterNotation"]): int(r["gaps"]) for r in answer} == {
        key: n for key, n in _gaps_per_chapter(store).items()} | {
        (r["ubn"], r["chapterNotation"]): 0 for r in answer if int(r["gaps"]) == 0}
    by_chapter = collections.defaultdict(list)
    for r in answer:
        by_chapter[r["chapterNotation"]].append(int(r["gaps"]))
    assert all(gaps == sorted(gaps, reverse=True) for gaps in by_chapter.values())  # ranked
    assert list(by_chapter)[0] == "G" and list(by_chapter)[1:] == ["1", "2", "3", "4", "5", "6"]


def test_measure_adoption_adds_up(store):
    answer = rows(store, read_query("measure-adoption").text)
    assert len(answer) == 97 and answer[0]["notation"].startswith("G.")
    applies = collections.Counter(r["m"] for r in rows(store, f"""PREFIX fsc: <{FSC}> SELECT ?m WHERE {{
        VALUES ?d {{ {" ".join(f"<{derived_graph(u, d)}>" for u, d in LATEST.items())} }}
        GRAPH ?d {{ ?a fsc:verdict fsc:Applies ; fsc:aboutMeasure ?m }} }}"""))
    for row in answer:
        parts = sum(int(row[k]) for k in ("implemented", "partial", "planned", "alternative", "notApplicable", "noStatement"))
        assert int(row["applicable"]) == applies[row["measure"]] == parts, row["notation"]
        assert int(row["institutions"]) <= 3


#: measure-adoption as a full computation (every verdict joined with the statements at query time):
#: the summaries must give the same answer.
ADOPTION_FROM_VERDICTS = (Path(__file__).parent / "full_computation" / "measure-adoption.rq").read_text(encoding="utf-8")


def test_measure_adoption_from_summaries_equals_the_verdicts_and_statements(store):
    summaries = rows(store, read_query("measure-adoption").text)
    verdicts = rows(store, ADOPTION_FROM_VERDICTS)
    assert len(summaries) == len(verdicts) == 97  # 93 measures and 4 main concepts assessed on their own
    assert summaries == verdicts


def test_systems_by_tier_and_oversight(store):
    answer = rows(store, read_query("systems-by-tier-oversight").text)
    tiers = [r["tierEn"] for r in answer]
    assert tiers == sorted(tiers, key=["high risk", "medium risk", "low risk", "undetermined"].index)
    derived = collections.Counter(r["t"] for r in rows(store, f"""PREFIX fsc: <{FSC}> SELECT ?s ?t WHERE {{
        VALUES ?d {{ {" ".join(f"<{derived_graph(u, d)}>" for u, d in LATEST.items())} }}
        GRAPH ?d {{ ?s fsc:effectiveRiskTier ?t }} }}"""))
    per_tier = collections.Counter()
    for r in answer:
        per_tier[r["tier"]] += int(r["systems"])
    # A system stating two oversight modes (the bank's card-fraud model) counts under each.
    assert per_tier[FSC + "TierHigh"] == derived[FSC + "TierHigh"] + 1
    assert per_tier[FSC + "TierMedium"] == derived[FSC + "TierMedium"]
    assert per_tier[FSC + "TierLow"] == derived[FSC + "TierLow"]


def test_vendor_concentration_and_its_hhi(store):
    answer = rows(store, read_query("vendor-concentration").text)
    systems = [int(r["systems"]) for r in answer]
    total = sum(systems)
    hhi = round(sum((100 * n / total) ** 2 for n in systems))
    assert {int(r["hhi"]) for r in answer} == {hhi} and 0 < hhi <= 10_000
    assert abs(sum(float(r["sharePercent"]) for r in answer) - 100) < 0.5
    assert systems == sorted(systems, reverse=True)
    skydome = answer[0]
    assert skydome["vendor"] == "https://vendors.example.tw/id/skydome-cloud" and skydome["institutions"] == "3"
    assert int(skydome["generativeSystems"]) >= 1 and int(skydome["customerFacingSystems"]) >= 1


def test_submission_changes(store):
    default = rows(store, read_query("submission-changes").text)
    chosen = rows(store, read_query("submission-changes").bind(
        {"ubn": BANK_UBN, "from": BANK_EARLIER_DATE, "to": BANK_LATEST_DATE}))
    assert default == chosen
    assert {(r["aspect"], r["change"], r["subject"]) for r in chosen} == {
        ("system", "removed", RETIRED_SYSTEM),
        ("status", "changed", "https://bank.example.tw/fscai/credit-scoring")}
    status = next(r for r in chosen if r["aspect"] == "status")
    assert (status["before"], status["after"]) == (FSC + "Planned", FSC + "Implemented")
    backwards = rows(store, read_query("submission-changes").bind({"from": BANK_LATEST_DATE, "to": BANK_EARLIER_DATE}))
    assert backwards == []


# --- the same answers from a remote SPARQL server, through the store seam --------------------------


def _canonical(result) -> object:
    """Rows as a sorted list of tuples (blank nodes blanked), or a graph for isomorphism."""
    if isinstance(result, Graph):
        return result
    return sorted(tuple(sorted((k, "_:b" if isinstance(v, BNode) else v.n3()) for k, v in row.items())) for row in result)


ENGINE_QUERIES = sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The same data embedded (on disk) and in a real ``oxigraph serve``, both behind the seam."""
    root = tmp_path_factory.mktemp("library-remote")
    embedded = open_store(f"oxigraph:{make_store(root / 'embedded', examples_nquads())}")
    with running_oxigraph(root / "served") as server:
        request = Request(f"{server.http_url}/store", data=examples_nquads(), method="POST",
                          headers={"Content-Type": "application/n-quads"})
        with urlopen(request, timeout=60) as response:
            response.read()
        remote = open_store(server.store_url)
        yield embedded, remote
        remote.close()
    embedded.close()


@pytest.mark.parametrize("named", list_queries(), ids=lambda q: q.name)
def test_the_library_answers_the_same_on_a_remote_server(stores, named):
    embedded, remote = stores
    text = named.bind({"asOf": AS_OF}) if named.parameters and named.parameters[0].name == "asOf" else named.text
    local = embedded.select(text)
    assert local and _canonical(remote.select(text)) == _canonical(local)


@pytest.mark.parametrize("name", ENGINE_QUERIES)
def test_the_analysis_queries_answer_the_same_on_a_remote_server(stores, name):
    embedded, remote = stores
    assert len(ENGINE_QUERIES) >= 13
    query = engine_query(name)
    given = {"asOf": AS_OF, "submission": submission_graph(BANK_UBN, BANK_LATEST_DATE)}
    text = query.bind({p.name: given[p.name] for p in query.parameters})
    graphs = [submission_graph(BANK_UBN, BANK_LATEST_DATE), derived_graph(BANK_UBN, BANK_LATEST_DATE), CATALOGUE]
    if inspect(text).form == "CONSTRUCT":
        local, served = embedded.construct(text, default_graphs=graphs), remote.construct(text, default_graphs=graphs)
        assert len(local) > 0 and isomorphic(local, served)
    else:
        local, served = embedded.select(text, default_graphs=graphs), remote.select(text, default_graphs=graphs)
        assert local and _canonical(served) == _canonical(local)


# --- fscai query -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return f"oxigraph:{make_store(tmp_path_factory.mktemp('cli') / 'store', examples_nquads())}"


def invoke(runner, *args):
    return runner.invoke(query_command, list(args), obj=project_layout(), catch_exceptions=False)


def test_fscai_query_list(runner):
    result = invoke(runner, "--list")
    assert result.exit_code == 0
    assert "vendor-concentration" in result.output and "第三方業者集中度" in result.output
    assert "--param ubn=<string>" in result.output


def test_fscai_query_table_json_csv(runner, store_url):
    table = invoke(runner, "vendor-concentration", "--store", store_url)
    assert table.exit_code == 0 and "天穹雲端科技股份有限公司" in table.output and "(6 列 / rows)" in table.output
    as_json = json.loads(invoke(runner, "vendor-concentration", "--store", store_url, "--format", "json").output)
    assert as_json[0]["hhi"] == 2664 and as_json[0]["systems"] == 7
    as_csv = list(csv.DictReader(io.StringIO(invoke(runner, "institutions", "--store", store_url, "--format", "csv").output)))
    assert [r["ubn"] for r in as_csv] == sorted(LATEST)
    changes = invoke(runner, "submission-changes", "--store", store_url, "--format", "json", "--param", f"ubn={BANK_UBN}")
    assert {r["change"] for r in json.loads(changes.output)} == {"removed", "changed"}


def test_fscai_query_usage_errors(runner, store_url):
    assert invoke(runner, "no-such-query", "--store", store_url).exit_code == 2
    assert invoke(runner, "submission-changes", "--store", store_url, "--param", "from=yesterday").exit_code == 2
    assert invoke(runner, "submission-changes", "--store", store_url, "--param", "nonsense").exit_code == 2
    failed = invoke(runner, "institutions", "--store", "sparql+http://127.0.0.1:9/")
    assert failed.exit_code == 3 and "error:" in failed.output  # the store unavailable (cli.options.ExitCode)
