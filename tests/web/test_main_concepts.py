"""Main concepts in the viewer: beside a measure, the main concept it carries with both modal
words (2.C.3 says 應, 2.1.3 none); a main concept assessed on its own has a page and its gaps."""

from __future__ import annotations

from test_pages import page as _page


def test_a_measure_shows_the_main_concept_it_carries_with_both_modal_words(client):
    html = _page(client, "/measure/2.1.3")
    assert "所承載之主要概念" in html and "Main concepts it carries" in html
    assert "2.C.3" in html and "「應」" in html and "針對受到不利結果影響之消費者，金融機構應提供相關救濟管道" in html
    assert "無規範用語" in html  # the measure itself has no modal word


def test_a_main_concept_assessed_on_its_own_has_a_page_with_where_it_applies(client):
    html = _page(client, "/measure/3.C.4")
    assert "主要概念（單獨評估）" in html and "Main concept, assessed on its own" in html
    assert "宜注意保護客戶之智慧財產權與營業秘密" in html and "「宜」" in html
    found = client.get("/api/measure/3.C.4").get_json()
    institutions = [a["institution"]["ubn"] for a in found["applies_to"]]
    assert found["kind"] == "MainConcept" and len(institutions) == len(set(institutions)) >= 3  # once per institution
    assert all(a["subject"]["kind"] == "institution" and a["verdict"] == "applies" for a in found["applies_to"])


def test_a_main_concept_that_is_a_definition_has_no_page(client):
    assert client.get("/measure/2.C.4").status_code == 404
