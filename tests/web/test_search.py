"""Search across everything (issue 18, item 6), through Flask's test client over the real catalogue
and examples: CJK words of two characters inside longer runs, defined terms and the measures that
use them, English, subjects and gap text, FTS5 syntax in the query, who may find what, and the
tokeniser's doctests."""

from __future__ import annotations

import doctest
import html as htmllib
from urllib.parse import quote

import pytest
from conftest import app_with_tokens

import web.search_index
from web import close_app
from web.access import REGULATOR, Principal
from web.analyses import latest_analyses
from web.identity import acting_as
from web.records.search import prepare

BANK, LIFE = "83910461", "53728108"  # institution A and B of the access tests
CHATBOT = "https://bank.example.tw/fscai/chatbot"
TOKENS = {"regulator": "regulator-token-search-000000001", BANK: "bank-token-search-0000000000002",
          LIFE: "insurer-token-search-00000000003"}


def search(client, q: str, headers: dict | None = None, **args) -> dict:
    response = client.get("/api/search", query_string={"q": q, **args}, headers=headers or {})
    assert response.status_code == 200, (q, response.status_code)
    return response.get_json()


def url_for_gap(iri: str) -> str:
    return "/trace?iri=" + quote(iri, safe=":/")


def groups(found: dict) -> dict[str, dict]:
    return {g["kind"]: g for g in found["groups"]}


def notations(group: dict) -> list[str]:
    return [h["notation"] for h in group["hits"]]


def test_the_tokeniser_and_query_builder_doctests():
    result = doctest.testmod(web.search_index)
    assert result.attempted >= 12 and result.failed == 0


def test_two_characters_find_the_principle_section_main_concept_and_defined_term(client):
    found = groups(search(client, "公平"))
    assert notations(found["principle"]) == ["2"]  # 重視公平性及以人為本的價值觀
    assert notations(found["section"]) == ["2.1"]  # 落實公平性
    assert "2.C.1" in notations(found["MainConcept"])
    assert [h["label"]["zh"] for h in found["DefinedTerm"]["hits"]] == ["公平性"]
    assert found["principle"]["label"] == {"zh": "核心原則", "en": "core principle"}  # the vocabulary's words
    assert found["measure"]["label"]["en"] == "measure"
    term = found["DefinedTerm"]["hits"][0]
    assert term["url"] == "/principle/2" and term["meta"][0]["notation"] == "2.C.1"  # where the guideline defines it
    assert ["公平", True] in found["principle"]["hits"][0]["marked"]["zh"]


def test_the_page_groups_results_with_counts_links_and_highlights(client):
    response = client.get("/search?q=" + quote("公平"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for href in ('href="/principle/2"', 'href="/section/2.1"', 'href="/measure/2.3.1"'):
        assert href in page
    assert "<mark>公平</mark>" in page
    assert 'id="kind-principle"' in page and 'id="kind-DefinedTerm"' in page
    assert "核心原則" in page and "定義用語" in page and "defined term" in page


def test_a_defined_term_finds_the_measures_that_use_it(client):
    found = groups(search(client, "公平性"))
    measures = notations(found["measure"])
    # 2.1.6 and 2.1.9 carry 2.C.1, where the guideline defines 公平性; the rest of 2.1 落實公平性 after them
    assert set(measures[:2]) == {"2.1.6", "2.1.9"}
    assert found["measure"]["total"] == 10 and set(measures) == {f"2.1.{n}" for n in range(1, 11)}
    assert notations(found["MainConcept"]) == ["2.C.1"]
    assert "2.3.1" not in measures  # 不公平 holds 公平 but not 公平性


def test_english_finds_principle_2_and_an_exact_label_comes_first(client):
    found = groups(search(client, "fairness"))
    assert notations(found["principle"]) == ["2"] and notations(found["section"]) == ["2.1"]
    term = found["DefinedTerm"]["hits"][0]
    assert term["label"]["en"] == "fairness" and term["exact"]
    assert groups(search(client, "FAIR"))["principle"]["total"] == 1  # a prefix, any case
    section = groups(search(client, "2.1"))["section"]["hits"][0]
    assert section["notation"] == "2.1" and section["exact"]
    assert notations(groups(search(client, "2.1.3"))["measure"]) == ["2.1.3"]


def test_a_system_vendor_and_evidence_are_found_by_label_and_description(client):
    systems = groups(search(client, "小瀚"))["system"]["hits"]
    assert systems[0]["url"] == "/system?iri=" + CHATBOT
    assert systems[0]["meta"][0]["ubn"] == BANK
    by_purpose = groups(search(client, "違約機率"))  # the credit-scoring model's fsc:purpose
    assert "個人信用貸款申請評分模型" in [h["label"]["zh"] for h in by_purpose["system"]["hits"]]
    vendor = groups(search(client, "部分雲端服務集中"))["vendor"]["hits"]  # an assessment's conclusion
    assert [h["label"]["en"] for h in vendor] == ["Skydome Cloud Technology Co., Ltd."]
    assert ["部分雲端服務集中", True] in vendor[0]["snippet"]
    evidence = groups(search(client, "查核報告"))["evidence"]["hits"]
    assert any(h["url"] == "/evidence?iri=https://bank.example.tw/fscai/ev-audit-ai-2025" for h in evidence)


def test_a_gaps_text_is_found(app, client):
    fragment = "金融機構決定不提供替代方案"
    with app.test_request_context(), acting_as(app, Principal(REGULATOR)):
        expected = {g.id for a in latest_analyses() for g in a.gaps
                    if fragment in g.why.zh + g.missing.zh + g.subject_label.zh}
    assert 0 < len(expected) <= 200
    found = search(client, fragment, kind="gap")
    [gap] = found["groups"]
    assert gap["total"] == len(expected) and gap["all_url"] is None
    assert {h["url"] for h in gap["hits"]} == {url_for_gap(i) for i in expected}
    assert all([fragment, True] in h["snippet"] for h in gap["hits"])
    overview = groups(search(client, fragment))["gap"]
    assert len(overview["hits"]) == min(10, len(expected))
    assert (overview["all_url"] is None) == (len(expected) <= 10)


@pytest.mark.parametrize("q", ['"', "*", "OR", "NEAR(", "公平 NEAR(", '公平" OR "x', "fair*", "(", ")", "AND NOT",
                               "^2", "label:公平", "{notation}: 2", "-", "'", "公平 OR", "\\", "%", "_"])
def test_fts_syntax_in_the_query_is_text(client, q):
    found = search(client, q)
    assert found["q"] == q.strip()
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200


def test_syntax_around_words_does_not_change_what_they_find(client):
    plain = search(client, "公平")["total"]
    assert plain > 0
    for q in ('"公平"', "公平*", "(公平)", "「公平」", "公平 *"):
        assert search(client, q)["total"] == plain, q
    assert search(client, "公平 OR")["total"] < plain  # "OR" is a word to find, not an operator


def test_an_empty_query_finds_nothing_and_the_page_explains(client):
    for q in ("", "   ", "* ("):
        found = search(client, q)
        assert found["groups"] == [] and found["total"] == 0
    page = client.get("/search").get_data(as_text=True)
    assert "搜尋指引之原則" in page and "Search the guideline" in page


def test_one_kind_shows_every_result_of_it(client):
    overview = groups(search(client, "公平"))
    assert overview["measure"]["total"] > 10
    assert overview["measure"]["all_url"] == "/search?q=%E5%85%AC%E5%B9%B3&kind=measure"
    one = search(client, "公平", kind="measure")
    assert [g["kind"] for g in one["groups"]] == ["measure"]
    assert len(one["groups"][0]["hits"]) == overview["measure"]["total"]
    page = client.get(overview["measure"]["all_url"]).get_data(as_text=True)
    assert 'id="kind-measure"' in page and 'id="kind-principle"' not in page


def test_the_query_is_escaped(client):
    page = client.get("/search", query_string={"q": "<script>x</script> 公平"}).get_data(as_text=True)
    assert "<script>x</script>" not in page and htmllib.escape("<script>x</script>") in page


def test_the_catalogue_index_is_built_once_and_the_submissions_once_per_view(app, client):
    search(client, "公平")
    catalogue = list(app.extensions["fscai.search.catalogue"].values())
    submissions = list(app.extensions["fscai.search.submissions"].values())
    search(client, "救濟")
    assert [id(i) for i in app.extensions["fscai.search.catalogue"].values()] == [id(i) for i in catalogue]
    assert [id(i) for i in app.extensions["fscai.search.submissions"].values()] == [id(i) for i in submissions]
    assert len(catalogue) == 1 and catalogue[0].size > 400 and submissions and submissions[-1].size > 500


def test_prepare_builds_the_indexes_a_first_search_then_uses(app_over, examples):
    app = app_over([[examples / "minimal-submission.ttl"]])
    try:
        prepare(app)
        built = [id(i) for name in ("fscai.search.catalogue", "fscai.search.submissions")
                 for i in app.extensions[name].values()]
        assert len(built) == 2
        found = groups(search(app.test_client(), "範例商業銀行"))  # the local user: the regulator's view
        assert found["institution"]["hits"][0]["notation"] == "12345675"
        assert [id(i) for name in ("fscai.search.catalogue", "fscai.search.submissions")
                for i in app.extensions[name].values()] == built
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with app_with_tokens(tmp_path_factory.mktemp("tokens"), TOKENS) as app:
        yield app


def _as(role: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[role]}"} if role in TOKENS else {}


def test_an_institution_finds_only_its_own_subjects_and_the_public_none(guarded):
    client = guarded.test_client()
    life = "永信人壽保險股份有限公司"
    assert groups(search(client, life, _as("regulator")))["institution"]["hits"][0]["notation"] == LIFE
    assert search(client, LIFE, _as("regulator"))["total"] > 0
    for who in (BANK, "public"):
        for q in (life, LIFE, "AI", "模型", "gap", "適用"):
            found = search(client, q, _as(who))
            body = str(found["groups"])  # (the query itself is echoed)
            assert LIFE not in body and life not in body, (who, q)
            for kind in ("institution", "system", "vendor", "evidence", "gap"):
                for hit in groups(found).get(kind, {}).get("hits", []):
                    assert who == BANK and BANK in str(hit), (who, q, kind, hit)
    bank = groups(search(client, "AI", _as(BANK)))
    assert bank["system"]["total"] > 0 and all(h["meta"][0]["ubn"] == BANK for h in bank["system"]["hits"])
    assert not {"institution", "system", "vendor", "evidence", "gap"} & set(groups(search(client, "AI")))
    assert groups(search(client, "公平"))["principle"]["total"] == 1  # the public reads the catalogue
    assert len(guarded.extensions["fscai.search.submissions"]) == 2  # the regulator's and the bank's


def test_a_handles_workspace_holds_only_what_its_principal_reads(tmp_path):
    """The search index reads each submission's texts from an in-memory copy of it (on disk, about
    twice as fast): the copy, like the handle, holds only the graphs its principal may read."""
    import datetime as dt

    from mapper.graphs import submission_graph_iri
    from mapper.store import open_store
    from web.store import ReadingHandle

    own, other = (submission_graph_iri(ubn, dt.date(2025, 6, 30)) for ubn in (BANK, LIFE))
    with open_store(f"oxigraph:{tmp_path / 'store'}") as store:
        for graph in (own, other):
            store.replace_graph(graph, f'<{graph}#s> <https://example.org/p> "text of {graph}" .\n'.encode())
        query = "SELECT ?o WHERE { ?s ?p ?o }"
        for who, readable in ((Principal("institution", BANK), [own]), (Principal(REGULATOR), [own, other])):
            handle = ReadingHandle(store, who)
            work = handle.workspace([own, other])
            try:
                assert work is not handle and work.store is not store  # a copy in memory
                assert sorted(work.graphs()) == sorted(readable)
                assert sorted(str(r["o"]) for r in work.select(query, default_graphs=[own, other])) == \
                    sorted(f"text of {g}" for g in readable)
            finally:
                work.close()
        memory = ReadingHandle(open_store("memory:"), Principal("institution", BANK), owns_store=True)
        assert memory.workspace([own]) is memory  # a store in memory is its own workspace
        memory.close()
