"""An institution's whole analysis downloaded from its page (``/institution/<UBN>/report.<FORMAT>``),
over the real examples: each format parses back and says what the analysis says, in both
languages; the file is named for the UBN and the reference date; an unknown UBN, or one another
principal holds, is a 404.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from conftest import AS_OF, app_with_tokens
from openpyxl import load_workbook

BANK, INSURER = "83910461", "53728108"
BANK_ZH, BANK_EN = "瀚海商業銀行股份有限公司", "Hanhai Commercial Bank Co., Ltd."
FORMATS = ("html", "xlsx", "csv", "json")


def download(client, fmt: str, ubn: str = BANK, **headers):
    response = client.get(f"/institution/{ubn}/report.{fmt}", headers=headers)
    return response


def test_the_institution_page_links_each_download(client):
    page = client.get(f"/institution/{BANK}").get_data(as_text=True)
    block = re.search(r'<dd class="report-downloads">(.*?)</dd>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)" download', block) == [f"/institution/{BANK}/report.{f}" for f in FORMATS]
    assert "整份分析下載" in page and "Whole analysis" in page


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_an_attachment_named_for_the_ubn_and_date(client, fmt):
    response = download(client, fmt)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="fscai-report-{BANK}-{AS_OF}.{fmt}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_csv_parses_back_one_row_per_gap_in_both_languages(client):
    gap_records = json.loads(download(client, "json").data)["institutions"][0]["totals"]["gap_records"]
    body = download(client, "csv").data
    assert body.startswith("\ufeff".encode())  # so a spreadsheet reads the UTF-8 as such
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == gap_records > 0
    assert {r["ubn"] for r in rows} == {BANK} and {r["institution_zh"] for r in rows} == {BANK_ZH}
    assert all(r["measure_zh"] and r["measure_en"] and r["why_zh"] and r["why_en"] for r in rows)
    header = list(rows[0])
    assert header.index("missing_zh") + 1 == header.index("missing_en")


def test_json_parses_back_with_bilingual_labels(client):
    document = json.loads(download(client, "json").data)
    assert document["title"]["zh"] and document["title"]["en"]
    [bank] = document["institutions"]
    assert bank["ubn"] == BANK and bank["label"] == {"zh": BANK_ZH, "en": BANK_EN}
    assert bank["as_of"].startswith(AS_OF) and len(bank["gaps"]) == bank["totals"]["gap_records"] > 0


def test_xlsx_parses_back_a_sheet_per_table(client):
    book = load_workbook(io.BytesIO(download(client, "xlsx").data), read_only=True)
    assert book.sheetnames[:4] == ["概況 Overview", "摘要 Summary", "風險等級 Risk tiers", "缺口 Gaps"]
    overview = list(book["概況 Overview"].iter_rows(values_only=True))
    record = dict(zip(overview[0], overview[1]))
    assert (record["ubn"], record["institution_zh"], record["institution_en"]) == (BANK, BANK_ZH, BANK_EN)
    gaps = list(book["缺口 Gaps"].iter_rows(values_only=True))
    assert len(gaps) - 1 == record["gap_records"] > 0


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.tags, self.urls = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a":
            self.hrefs.append(attributes.get("href") or "")
        self.urls += [v for k, v in attrs if k in ("src", "href", "action") and v]


def test_html_is_self_contained_with_a_table_of_contents(client):
    text = download(client, "html").get_data(as_text=True)
    page = Page()
    page.feed(text)
    assert text.startswith("<!DOCTYPE html>") and 'lang="zh-Hant"' in text and BANK_ZH in text and BANK_EN in text
    assert not {"script", "link", "img", "iframe"} & set(page.tags)
    assert all(url.startswith("#") for url in page.urls)  # nothing fetched: every link an anchor on the page
    assert not re.search(r"url\(|@import|https?://[^\s\"<]*\.(css|js|png|woff)", text)
    toc = [href[1:] for href in page.hrefs]
    assert {f"i{BANK}-summary", f"i{BANK}-tiers", f"i{BANK}-gaps", f"i{BANK}-undetermined"} <= set(toc)
    assert set(toc) <= page.ids and "details" in page.tags and "@media print" in text


def test_an_unknown_ubn_or_format_is_a_404(client):
    missing = download(client, "csv", "99999999")
    assert missing.status_code == 404 and "找不到" in missing.get_data(as_text=True)
    assert client.get(f"/institution/{BANK}/report.pdf").status_code == 404


def test_an_institution_downloads_its_own_analysis_only(tmp_path):
    tokens = {BANK: "bank-token-downloads-test-000001", INSURER: "insurer-token-downloads-test-002"}
    with app_with_tokens(tmp_path, tokens) as app:
        client = app.test_client()
        as_bank = {"Authorization": f"Bearer {tokens[BANK]}"}
        for fmt in FORMATS:
            assert download(client, fmt, BANK, **as_bank).status_code == 200
            assert download(client, fmt, INSURER, **as_bank).status_code == 404
            assert download(client, fmt, BANK).status_code == 404  # the public sees no institution
