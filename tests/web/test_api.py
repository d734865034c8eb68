"""The JSON API through Flask's test client: each route mirrors its page, and anything unknown is
a bilingual JSON 404."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from web.analyses import latest_analyses

BANK = "83910461"
BK = "https://bank.example.tw/fscai/"
CHATBOT = BK + "chatbot"
CREDIT = BK + "credit-scoring"
AML = BK + "aml-monitoring"
SKYDOME = "https://vendors.example.tw/id/skydome-cloud"
AUDIT_REPORT = BK + "ev-audit-ai-2025"
UBNS = ["12345675", "53728108", "66482035", BANK]


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def bilingual(label) -> bool:
    return isinstance(label, dict) and label.get("zh") and label.get("en")


def test_institutions(client, app):
    found = get(client, "/api/institutions")
    assert [i["ubn"] for i in found] == UBNS
    bank = next(i for i in found if i["ubn"] == BANK)
    assert bank["label"] == {"zh": "瀚海商業銀行股份有限公司", "en": "Hanhai Commercial Bank Co., Ltd."}
    assert bank["submitted"] == "2026-10-30" and bank["as_of"] == "2026-11-25"
    assert bank["url"] == f"/institution/{BANK}"
    assert set(bank["gaps_by_principle"]) == {"G", "1", "2", "3", "4", "5", "6"}
    with app.app_context():
        analysis = next(a for a in latest_analyses() if f"/{BANK}/" in a.submission_graph)
        assert bank["gaps"] == len(analysis.gaps) == sum(bank["gaps_by_principle"].values())
        assert bank["systems"] == len(analysis.classification.tiers)


def test_institution(client):
    found = get(client, f"/api/institution/{BANK}")
    assert {s["iri"] for s in found["system_list"]} >= {CHATBOT, CREDIT, AML}
    assert SKYDOME in {v["iri"] for v in found["vendor_list"]}
    kinds = {k["kind"]: k for k in found["gaps_by_kind"]}
    assert set(kinds) == {"NoStatement", "NoEvidence", "EvidenceReviewOverdue", "PlannedOverdue", "Partial"}
    assert sum(k["count"] for k in kinds.values()) == found["gaps"]
    # each kind links to its gap list (issue 18): the list's twin holds the gaps themselves
    assert kinds["NoStatement"]["list_url"] == f"/gaps?institution={BANK}&kind=NoStatement"
    overdue = get(client, f"/api/gaps?institution={BANK}&kind=EvidenceReviewOverdue")["list"]["rows"]
    assert all(bilingual(g["why"]) and bilingual(g["missing"]) for g in overdue)
    assert AUDIT_REPORT in {g["evidence"]["iri"] for g in overdue}
    credit = next(s for s in found["system_list"] if s["iri"] == CREDIT)
    assert credit["agrees"] is False and credit["declared"]["en"] == "high risk"


def test_matrix(client, app):
    found = get(client, f"/api/matrix?institution={BANK}")
    assert [c["notation"] for c in found["columns"]] == ["S1", "S2", "S3", "S4", "-"]
    assert [r["notation"] for r in found["rows"]] == ["G", "1", "2", "3", "4", "5", "6"]
    with app.app_context():
        analysis = next(a for a in latest_analyses() if f"/{BANK}/" in a.submission_graph)
        expected = {(c.chapter, c.stage): c for c in analysis.coverage()}
    for row in found["rows"]:
        for cell in row["cells"]:
            want = expected.get((cell["chapter"], cell["stage"]))
            assert cell["applicable"] == (want.applicable if want else 0)
            assert cell["evidenced"] == (want.evidenced if want else 0)
            assert cell["gaps"] == (want.gaps if want else 0)
            if cell["applicable"]:
                assert cell["share"] == round(cell["evidenced"] / cell["applicable"], 4)
    assert found["total"]["applicable"] == sum(c.applicable for c in expected.values())
    every = get(client, "/api/matrix")
    assert every["institution"] is None and every["total"]["applicable"] > found["total"]["applicable"]


def test_matrix_cell(client):
    found = get(client, f"/api/matrix/cell?chapter=2&stage=S3&institution={BANK}")
    notations = [m["notation"] for m in found["measures"]]
    assert "2.1.6" in notations and all(n.startswith("2.") for n in notations)
    assert sum(m["gaps"] for m in found["measures"]) == found["cell"]["gaps"]
    get(client, "/api/matrix/cell?chapter=2&stage=S7", 404)


def test_catalogue(client):
    found = get(client, "/api/catalogue")
    assert found["counts"]["measures"] == 93
    statements = [s for c in found["chapters"] for sec in c["sections"] for s in sec["statements"]]
    statements += [s for c in found["chapters"] for s in c["statements"]]
    measures = [s for s in statements if s["kind"] == "Measure"]
    assert len(measures) == 93 and all(bilingual(m["label"]) for m in measures)
    assert get(client, "/api/principle/2")["label"]["en"] == "Upholding fairness and human-centric values"
    assert get(client, "/api/section/2.1")["chapter"]["notation"] == "2"


def test_measure(client):
    found = get(client, "/api/measure/2.1.3")
    assert found["label"] == {"zh": "提供救濟管道", "en": "Provide channels of redress"}
    assert found["stage"]["notation"] == "S1" and found["stage_inferred"] is True
    assert found["modality"]["iri"].endswith("#Unmarked") and found["notes"]  # no modal word
    assert get(client, "/api/measure/4.1.7")["modality"]["iri"].endswith("#Permissive")  # 可進行對抗性測試
    assert found["source"]["section"]["iri"].endswith("section-2.1")
    chatbot = next(a for a in found["applies_to"] if a["subject"]["iri"] == CHATBOT)
    assert chatbot["verdict"] == "applies" and bilingual(chatbot["why"])
    assert chatbot["institution"]["ubn"] == BANK
    assert found["gaps"] == sum(len(a["gaps"]) for a in found["applies_to"])


def test_system(client):
    found = get(client, "/api/system?iri=" + quote(CREDIT) + "&gaps.per=500&measures.per=500")  # every row, unpaged
    assert [f["notation"] for f in found["factors"]] == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert all(bilingual(f["level"]["label"]) for f in found["factors"])
    tier = found["tier"]
    assert (tier["declared"]["en"], tier["derived"]["en"], tier["agrees"], tier["score"]) == (
        "high risk", "medium risk", False, 13)
    assert bilingual(tier["explanation"])
    assert found["oversight"][0]["label"]["en"] == "Human in the loop"
    assert found["traits"]["criticalSystem"]["value"] is True
    assert found["institution"]["ubn"] == BANK
    assert {g["measure"]["notation"] for g in found["gaps"] if g["kind"] == "Partial"} == {"2.1.8"}
    applicable = {m["measure"]["notation"] for m in found["measures"]}
    assert {g["measure"]["notation"] for g in found["gaps"]} <= applicable
    chatbot = get(client, "/api/system?iri=" + quote(CHATBOT))
    assert [v["iri"] for v in chatbot["vendors"]] == [SKYDOME]


def test_vendor(client):
    found = get(client, "/api/vendor?iri=" + quote(SKYDOME) + "&oversight.per=50")  # every institution, unpaged
    assert {i["ubn"] for i in found["institutions"]} == {"53728108", "66482035", BANK}
    assert CHATBOT in {s["iri"] for s in found["systems"]}
    assert {b["institution"]["ubn"] for b in found["by_institution"]} == {"53728108", "66482035", BANK}
    bank = next(b for b in found["by_institution"] if b["institution"]["ubn"] == BANK)
    properties = {o["property"]["iri"].rsplit("#", 1)[-1] for o in bank["oversight"]}
    assert properties == {"expertiseAssessment", "concentrationRiskAssessment", "subOutsourcingTerms",
                          "responsibilitySplit", "exitPlan"}


def test_evidence(client):
    found = get(client, "/api/evidence?iri=" + quote(AUDIT_REPORT))
    assert found["overdue"] is True and found["next_review"] == "2026-06-30"
    assert found["title"]["zh"] == "114年度AI風險管理機制專案查核報告"
    assert found["evidence_kind"] and found["owner"] and found["issued"]
    assert "1.2.4" in {s["measure"]["notation"] for s in found["statements"]}
    assert {g["kind"] for g in found["gaps"]} == {"EvidenceReviewOverdue"}


def test_gaps(client, app):
    """The gap list's twin is one page of it; ``format=json`` gives every row as the reports write them."""
    found = get(client, f"/api/gaps?institution={BANK}&format=json")
    with app.app_context():
        analysis = next(a for a in latest_analyses() if f"/{BANK}/" in a.submission_graph)
    assert len(found) == len(analysis.gaps) == get(client, f"/api/gaps?institution={BANK}")["list"]["total"]
    assert {"id", "measure_notation", "gap_kind", "why_zh", "why_en", "missing_zh", "missing_en"} <= set(found[0])
    overdue = get(client, f"/api/gaps?institution={BANK}&kind=EvidenceReviewOverdue")["list"]["rows"]
    assert overdue and {g["kind"] for g in overdue} == {"EvidenceReviewOverdue"}
    assert len(get(client, "/api/gaps?format=json")) > len(found)
    get(client, "/api/gaps?institution=00000000", 404)


def test_trace(client):
    found = get(client, "/api/trace?iri=" + quote(CHATBOT))
    nodes = [e["data"] for e in found["elements"] if e["group"] == "nodes"]
    edges = [e["data"] for e in found["elements"] if e["group"] == "edges"]
    ids = {n["id"] for n in nodes}
    assert CHATBOT in ids and SKYDOME in ids and all(e["source"] in ids and e["target"] in ids for e in edges)
    assert any(n["kind"] == "gap" for n in nodes) and any(n["kind"] == "measure" for n in nodes)
    assert all("url" in n and "caption" in n for n in nodes)
    assert next(n for n in nodes if n["id"] == CHATBOT)["focus"] is True
    gap = next(n for n in nodes if n["kind"] == "gap")
    explained = get(client, "/api/trace?iri=" + quote(gap["id"]))
    assert [step["kind"] for step in explained["path"]][-3:] == ["measure", "system", "gap"]
    measure = get(client, "/api/trace?iri=" + quote("https://w3id.org/fscai/guideline/draft/measure-2.1.3"))
    assert CHATBOT in {e["data"]["id"] for e in measure["elements"]}


def test_search(client):
    def hits(q: str, kind: str) -> list[dict]:
        return next(g["hits"] for g in get(client, "/api/search?q=" + quote(q))["groups"] if g["kind"] == kind)

    assert "2.1.3" in [m["notation"] for m in hits("救濟", "measure")]
    assert hits("Skydome", "vendor")[0]["url"] == "/vendor?iri=" + SKYDOME
    assert hits("chatbot", "system")[0]["url"] == "/system?iri=" + CHATBOT
    empty = get(client, "/api/search?q=")
    assert empty["groups"] == [] and empty["total"] == 0


@pytest.mark.parametrize("url", [
    "/api/institution/00000000", "/api/measure/9.9.9", "/api/principle/9", "/api/section/9.9",
    "/api/system?iri=" + quote("https://nowhere.example/s"), "/api/vendor?iri=" + quote(CHATBOT),
    "/api/evidence?iri=" + quote(CHATBOT), "/api/trace?iri=" + quote("https://nowhere.example/s"),
    "/api/system?iri=" + quote("x> } DROP ALL #"), "/api/matrix?institution=1", "/api/no-such-route",
])
def test_unknown_is_a_bilingual_json_404(client, url):
    found = get(client, url, 404)
    assert found["error"]["zh"] == "找不到" and found["error"]["en"] == "Not found"


def test_missing_iri_is_a_json_400(client):
    found = get(client, "/api/system", 400)
    assert found["error"]["en"] == "Bad request"


@pytest.mark.parametrize("iri", [CHATBOT, SKYDOME, "https://w3id.org/fscai/guideline/draft/measure-2.1.3"])
@pytest.mark.parametrize("depth", [1, 2])
def test_trace_neighbourhood_is_mapper_trace_subgraph(app, iri, depth):
    """The viewer walks the neighbourhood itself (fast); it must be subgraph_for's node set."""
    from mapper.trace import subgraph_for
    from web.facts import current_trace
    from web.records.trace import _within

    with app.test_request_context():
        trace = current_trace()
        assert set(_within(trace, iri, depth)) == set(subgraph_for(trace, iri, depth).nodes)


def test_the_query_library_is_offered_with_the_servers_reference_date(client):
    """The viewer, /api and the regulator's named queries count on the same date: --as-of."""
    text = client.get("/sparql/queries/gaps-by-principle").get_data(as_text=True)
    assert 'BIND ("2026-11-25"^^<http://www.w3.org/2001/XMLSchema#date> AS ?asOf)' in text
    listed = {q["name"]: q["query"] for q in client.get("/sparql/queries").get_json()["queries"]}
    assert listed["gaps-by-principle"] == text and "?asOf" not in listed["institutions"]
    assert client.get("/api/institutions").get_json()[0]["as_of"] == "2026-11-25"
