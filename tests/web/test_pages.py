"""The viewer's pages through Flask's test client: every route, its content in both languages,
and a bilingual 404 for anything unknown."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from web.analyses import latest_analyses

MINIMAL_UBN = "12345675"
BANK = "83910461"
LIFE = "53728108"
SECURITIES = "66482035"
BK = "https://bank.example.tw/fscai/"
CHATBOT = BK + "chatbot"
CREDIT = BK + "credit-scoring"
AML = BK + "aml-monitoring"
SKYDOME = "https://vendors.example.tw/id/skydome-cloud"
AUDIT_REPORT = BK + "ev-audit-ai-2025"  # next review 2026-06-30: overdue on 2026-11-25
SKYDOME_CONTRACT = BK + "ev-skydome-contract"  # next review 2026-12-22: not overdue
CJK = re.compile(r"[\u4e00-\u9fff]")

PAGES = [
    "/", "/matrix", f"/matrix?institution={BANK}", "/matrix/cell?chapter=2&stage=S3",
    f"/matrix/cell?chapter=1&stage=-&institution={BANK}", "/catalogue", "/principle/2", "/principle/G",
    "/section/2.1", "/measure/2.1.3", f"/institution/{BANK}", f"/system?iri={quote(CHATBOT)}",
    f"/vendor?iri={quote(SKYDOME)}", f"/evidence?iri={quote(AUDIT_REPORT)}", f"/trace?iri={quote(CHATBOT)}",
    "/trace?iri=" + quote("https://w3id.org/fscai/guideline/draft/measure-2.1.6"), "/search?q=redress",
]


def text(response) -> str:
    return response.get_data(as_text=True)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/html"
    return text(response)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_bilingual_and_navigable(client, url):
    html = page(client, url)
    assert '<html lang="zh-Hant">' in html
    assert CJK.search(html) and 'lang="en"' in html
    # every page reaches the others through the navigation bar
    for nav in ('href="/"', 'href="/matrix"', 'href="/catalogue"', 'action="/search"', 'href="/sparql"'):
        assert nav in html, (url, nav)
    assert "覆蓋矩陣" in html and "Coverage matrix" in html


def test_home_lists_institutions_dates_and_gaps_per_principle(client, app):
    html = page(client, "/")
    assert "已申報之金融機構" in html and "Institutions loaded" in html
    for ubn, zh, en, date in [(BANK, "瀚海商業銀行股份有限公司", "Hanhai Commercial Bank Co., Ltd.", "2026-10-30"),
                              (LIFE, "永信人壽保險股份有限公司", "Yongxin Life Insurance Co., Ltd.", "2026-09-30"),
                              (SECURITIES, "鼎盛綜合證券股份有限公司", "Dingsheng Securities Co., Ltd.", "2026-11-13"),
                              (MINIMAL_UBN, "範例商業銀行", "Example Commercial Bank", "2025-06-30")]:
        assert f'href="/institution/{ubn}"' in html and zh in html and en in html and date in html
    # the row of the bank: gaps per principle G, 1..6 sum to its total
    with app.app_context():
        bank = next(a for a in latest_analyses() if a.submission_graph.endswith(f"/{BANK}/2026-10-30"))
        per_principle = [sum(1 for g in bank.gaps if g.chapter.notation == p) for p in "G123456"]
    row = html[html.index(f'href="/institution/{BANK}"'):]
    row = row[: row.index("</tr>")]
    # each count is a link to the list it counts (issue 18)
    cells = [int(n) for n in re.findall(r'<td class="num">(?:<a [^>]*>)?(?:<strong>)?(\d+)(?:</strong>)?(?:</a>)?</td>', row)]
    assert cells[2:9] == per_principle and sum(per_principle) == len(bank.gaps)


def test_matrix_cells_show_the_share_of_evidenced_pairs(client, app):
    html = page(client, f"/matrix?institution={BANK}")
    with app.app_context():
        bank = next(a for a in latest_analyses() if f"/{BANK}/" in a.submission_graph)
        cell = next(c for c in bank.coverage() if (c.chapter, c.stage) == ("2", "S3"))
    assert cell.applicable > 0
    share = round(100 * cell.evidenced / cell.applicable)
    start = html.index('data-chapter="2" data-stage="S3"')
    chunk = html[start: html.index("</td>", start)]
    assert f"{share}%" in chunk and f"{cell.evidenced}/{cell.applicable}" in chunk
    assert f'href="/matrix/cell?chapter=2&amp;stage=S3&amp;institution={BANK}"' in chunk
    assert "var(--seq-" in html[html.rindex("<td", 0, start): start]  # coloured by the share's step
    for column in ("系統規劃及設計", "System planning and design", "未分階段", "not in a stage table"):
        assert column in html
    assert f'<option value="{BANK}" selected>' in html


def test_matrix_of_all_institutions_sums_them(client, app):
    html = page(client, "/matrix")
    with app.app_context():
        total = sum(c.applicable for a in latest_analyses() for c in a.coverage())
        evidenced = sum(c.evidenced for a in latest_analyses() for c in a.coverage())
    assert f"{evidenced}/{total}" in html


def test_matrix_cell_lists_its_measures_with_counts(client):
    html = page(client, f"/matrix/cell?chapter=2&stage=S3&institution={BANK}")
    assert 'href="/measure/2.1.6"' in html and "自行檢驗模型對不同群體之產出結果" in html
    assert "Test in-house the model&#39;s outputs for different groups" in html
    assert "EvidenceReviewOverdue" in html
    assert 'href="/measure/2.1.3"' not in html  # 2.1.3 sits in S1


@pytest.mark.parametrize("url", ["/matrix/cell?chapter=9&stage=S1", "/matrix/cell?chapter=2&stage=S9",
                                 "/matrix?institution=99999999", "/matrix/cell?chapter=2&stage=S1&institution=1"])
def test_unknown_matrix_cells_and_institutions_are_404(client, url):
    assert client.get(url).status_code == 404


def test_catalogue_tree_links_every_measure(client, app):
    html = page(client, "/catalogue")
    with app.app_context():
        from web.analyses import catalogue

        notations = [m.notation for m in catalogue().measures]
    assert len(notations) == 93
    for notation in notations:
        assert f'href="/measure/{notation}"' in html
    assert "落實公平性" in html and "Implementing fairness" in html


def test_principle_and_section_pages(client):
    html = page(client, "/principle/2")
    assert "重視公平性及以人為本的價值觀" in html and "Upholding fairness and human-centric values" in html
    assert 'href="/section/2.1"' in html and 'href="/measure/2.1.3"' in html
    assert "主要概念" in html and "main concept" in html
    general = page(client, "/principle/G")
    assert "總則" in general and 'href="/measure/G.5.2"' in general
    section = page(client, "/section/2.1")
    assert 'href="/principle/2"' in section and 'href="/measure/2.1.10"' in section


def test_measure_page_shows_text_source_stage_modality_and_where_it_applies(client):
    html = page(client, "/measure/2.1.3")
    assert "提供救濟管道" in html and "Provide channels of redress" in html
    assert "系統規劃及設計" in html and "依欄位順序推定" in html and "inferred from the column order" in html
    assert "Judgement: placed in the planning column" in html  # the editorial note
    assert "無規範用語" in html and "no modal word" in html  # 2.1.3 has none
    assert "落實核心原則之建議作法" in html  # the source locator's part
    assert f'href="/system?iri={CHATBOT}"' in html and "智能客服「小瀚」" in html
    assert f'href="/institution/{BANK}"' in html
    assert "未提出落實說明" in html and "no statement" in html  # a gap's kind
    assert 'href="/trace?iri=urn:fscai:gap:' in html


def test_a_measure_shows_the_texts_own_modal_word(client):
    html = page(client, "/measure/1.1.2")
    assert "得為（可）" in html and "permissive wording" in html and "「可」" in html
    listing = page(client, "/section/1.1")
    assert "「宜」" in listing and "「可」" in listing  # 1.1.1 says 宜, 1.1.2 says 可


def test_institution_page_lists_systems_vendors_and_gaps_by_kind(client):
    html = page(client, f"/institution/{BANK}")
    assert "瀚海商業銀行股份有限公司" in html and BANK in html
    assert f'href="/system?iri={CHATBOT}"' in html and f'href="/vendor?iri={SKYDOME}"' in html
    for zh, en in [("未提出落實說明", "no statement"), ("佐證已逾下次檢視日", "evidence past its next review date"),
                   ("部分落實", "partial"), ("規劃項目已逾目標日", "planned past its target date")]:
        assert zh in html and en in html
    # each kind's count links to the gap list it counts (issue 18), which lists the gaps one by one
    assert f'href="/gaps?institution={BANK}&amp;kind=NoStatement"' in html
    overdue = page(client, f"/gaps?institution={BANK}&kind=EvidenceReviewOverdue")
    assert f'href="/evidence?iri={AUDIT_REPORT}"' in overdue  # an overdue gap's evidence
    assert 'href="/measure/6.1.3"' in page(client, f"/gaps?institution={BANK}&kind=NoStatement")
    assert "不一致" in html  # the credit-scoring model's tiers disagree


def test_system_page_shows_factors_tiers_oversight_vendors_measures_and_gaps(client):
    html = page(client, f"/system?iri={quote(CREDIT)}")
    assert "個人信用貸款申請評分模型" in html and "Personal loan application scoring model" in html
    assert html.count('class="factor"') == 6
    assert "是否面對客戶" in html and "Whether it faces customers" in html
    assert "高風險" in html and "中風險" in html  # declared high, derived medium
    assert "申報與推導不一致" in html and "declared and derived tiers disagree" in html
    assert "風險分數 13" in html and "risk score 13" in html  # the rule's explanation
    assert "fscai 預設規則（非指引所定）" in html and "default rule, not the guideline" in html  # the project's, said so
    assert "人在迴圈內" in html and "Human in the loop" in html
    assert "重要之關鍵系統" in html  # a trait
    assert 'href="/measure/2.1.8"' in html and "部分落實" in html  # a gap with what is missing
    assert "適用理由" in html and "缺少什麼" in html and "What is missing" in html
    chatbot = page(client, f"/system?iri={quote(CHATBOT)}")
    assert f'href="/vendor?iri={SKYDOME}"' in chatbot and "天穹雲端科技股份有限公司" in chatbot
    assert "開放型生成式AI" in chatbot


def test_system_page_lists_undetermined_verdicts_with_missing_inputs(app_over, examples, tmp_path):
    """A system that never says whether it is generative AI: the rules cannot decide, and say why."""
    source = (examples / "minimal-submission.ttl").read_text(encoding="utf-8")
    trimmed = tmp_path / "minimal-unknown.ttl"
    trimmed.write_text("\n".join(line for line in source.splitlines()
                                 if "fsc:generativeAI" not in line and "fsc:openGenerativeAI" not in line),
                       encoding="utf-8")
    app = app_over([[trimmed]])
    client = app.test_client()
    with app.app_context():
        analysis = latest_analyses()[0]
        assert analysis.undetermined
        verdict = analysis.undetermined[0]
        notation = next(m.notation for m in analysis.catalogue.measures if m.iri == verdict.measure)
    html = page(client, "/system?iri=" + quote("https://bank.example/fscai/assistant"))
    assert "無法判定是否適用" in html and "Undetermined verdicts" in html
    assert "生成式AI" in html and "generative AI" in html  # the missing input, by its label
    assert f'href="/measure/{notation}"' in html
    measure = page(client, f"/measure/{notation}")
    assert "無法判定" in measure and "undetermined" in measure and "缺少" in measure


def test_vendor_page_shows_systems_and_institutions_depending_on_it(client):
    html = page(client, f"/vendor?iri={quote(SKYDOME)}&oversight.per=50")  # every institution's oversight
    assert "天穹雲端科技股份有限公司" in html and "Skydome Cloud Technology Co., Ltd." in html
    for ubn in (BANK, LIFE, SECURITIES):  # one vendor IRI shared by three institutions
        assert f'href="/institution/{ubn}"' in html
    assert f'href="/system?iri={CHATBOT}"' in html
    assert "集中度風險之判斷" in html and "concentration-risk assessment" in html
    assert "三項AI系統及部分雲端服務集中於同一業者" in html  # the bank's conclusion


def test_evidence_page_shows_document_facts_overdue_flag_and_citing_statements(client):
    html = page(client, f"/evidence?iri={quote(AUDIT_REPORT)}")
    assert "114年度AI風險管理機制專案查核報告" in html and "2025 special audit report" in html
    assert "2026-06-30" in html and "已逾檢視日" in html and "review overdue" in html
    assert 'href="/measure/1.2.4"' in html  # the statement citing it
    current = page(client, f"/evidence?iri={quote(SKYDOME_CONTRACT)}")
    assert "未逾期" in current and "已逾檢視日" not in current
    assert "SHA-256 3d3f7b2ede7e0015ac7d79e084aae9c0add38977d1efabe842cdb109e6662cb9" in current
    assert "G.5.2" in current or "G.5.1" in current
    linked = page(client, "/evidence?iri=" + quote(BK + "ev-skydome-exit-draft"))
    assert 'href="https://dms.bank.example.tw/outsourcing/skydome-exit-draft"' in linked


def test_trace_page_loads_cytoscape_from_the_app_and_its_data_from_the_api(client):
    html = page(client, f"/trace?iri={quote(CHATBOT)}")
    assert '<script src="/vendor/cytoscape.min.js"></script>' in html
    assert f'data-src="/api/trace?iri={CHATBOT}&amp;depth=1"' in html
    assert 'id="cy"' in html and "缺口" in html
    assert client.get("/vendor/cytoscape.min.js").status_code == 200
    assert client.get("/static/trace.js").status_code == 200


def test_gap_trace_explains_the_path_with_why_and_what_is_missing(client):
    system = page(client, f"/system?iri={quote(AML)}")
    gap = re.search(r'href="(/trace\?iri=urn:fscai:gap:EvidenceReviewOverdue:2\.1\.6:[0-9a-f]+)"', system).group(1)
    html = page(client, gap)
    assert "缺口之來由" in html and "Why this gap" in html
    for step in ('href="/principle/2"', 'href="/section/2.1"', 'href="/measure/2.1.6"', f'href="/system?iri={AML}"'):
        assert step in html
    assert "佐證資料已逾其下次檢視日" in html and "needs reviewing and updating" in html
    assert f'href="/evidence?iri={BK}ev-aml-validation"' in html


@pytest.mark.parametrize("q, expected", [
    ("2.1.3", 'href="/measure/2.1.3"'), ("救濟", 'href="/measure/2.1.3"'), ("REDRESS", 'href="/measure/2.1.3"'),
    ("小瀚", f'href="/system?iri={CHATBOT}"'), ("chatbot", f'href="/system?iri={CHATBOT}"'),
    ("Skydome", f'href="/vendor?iri={SKYDOME}"'), ("天穹", f'href="/vendor?iri={SKYDOME}"'),
    (BANK, f'href="/institution/{BANK}"'), ("查核報告", f'href="/evidence?iri={AUDIT_REPORT}"'),
])
def test_search_finds_measures_systems_vendors_institutions_and_evidence(client, q, expected):
    assert expected in page(client, "/search?q=" + quote(q))


def test_search_escapes_the_query_and_says_when_nothing_matches(client):
    html = page(client, "/search?q=" + quote("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "查無結果" in html and "Nothing matches" in html


@pytest.mark.parametrize("url", [
    "/measure/9.9.9", "/principle/9", "/section/9.9", "/institution/00000000",
    "/system?iri=" + quote("https://nowhere.example/system"), "/system?iri=" + quote(SKYDOME),
    "/vendor?iri=" + quote(CHATBOT), "/evidence?iri=" + quote(CHATBOT),
    "/trace?iri=" + quote("https://nowhere.example/x"),
    "/system?iri=" + quote("x> } DROP ALL #"), "/no-such-page",
])
def test_unknown_things_are_a_bilingual_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = text(response)
    assert "找不到" in html and "Not found" in html and 'href="/"' in html


def test_a_missing_iri_parameter_is_a_bilingual_400(client):
    response = client.get("/system")
    assert response.status_code == 400
    assert "請求不完整" in text(response) and "Bad request" in text(response)


def test_no_page_refers_to_anything_outside_the_app(client):
    """Air-gapped: scripts, styles, icons and fonts all come from the app itself."""
    for url in PAGES:
        html = page(client, url)
        for attribute in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert attribute.startswith("/"), (url, attribute)
    css = text(client.get("/static/fscai.css"))
    assert "url(" not in css and "@import" not in css


def test_an_empty_store_still_serves_the_catalogue(app_over):
    app = app_over([])
    client = app.test_client()
    assert "資料庫中尚無申報資料" in page(client, "/")
    assert 'href="/measure/2.1.3"' in page(client, "/catalogue")
    assert "0/0" in page(client, "/matrix")
    assert "提供救濟管道" in page(client, "/measure/2.1.3")


def test_a_page_view_never_writes_and_an_unanalysed_submission_says_so(examples):
    """Reads never write: a submission no analysis has classified is listed apart on the home page
    and its pages answer 503; walking the viewer and /api leaves the store's bytes as they were."""
    from conftest import AS_OF, REPO

    from mapper.catalogue.install import install_catalogue
    from mapper.layout import project_layout
    from mapper.load import load_submission
    from web import close_app, create_app
    from web.store import setting_up

    app = create_app({"TESTING": True, "STORE": "memory:", "AS_OF": AS_OF, "ROOT": str(REPO)})
    try:
        with setting_up(app) as store:
            install_catalogue(store, project_layout(REPO))
            load_submission(store, [examples / "minimal-submission.ttl"])
            before = store.dump()
        client = app.test_client()
        home = page(client, "/")
        assert "以下申報尚未分析" in home and f"/submission/{MINIMAL_UBN}/" in home
        unanalysed = client.get(f"/institution/{MINIMAL_UBN}")
        assert unanalysed.status_code == 503 and "has not been analysed" in unanalysed.get_data(as_text=True)
        assert client.get(f"/api/institution/{MINIMAL_UBN}").get_json()["error"]["code"] == 503
        for url in ("/matrix", "/catalogue", "/measure/2.1.3", "/api/institutions", "/api/gaps", "/search?q=AI"):
            assert client.get(url).status_code == 200, url
        with setting_up(app) as store:
            assert store.dump() == before
    finally:
        close_app(app)


def test_a_request_reads_through_a_handle_that_cannot_write(app):
    from mapper.store import StoreError
    from web.store import get_store

    with app.test_request_context("/"):
        store = get_store()
        assert store.graphs()
        with pytest.raises(StoreError, match="only reads"):
            store.drop_graph("https://w3id.org/fscai/graph/catalogue")
        with pytest.raises(StoreError, match="only reads"):
            store.replace_graph("https://example.org/g", b"")
