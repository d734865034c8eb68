"""Malformed workbooks: each case is the valid workbook of the securities example with ONE defect.

The base workbook is written once by the template writer (:func:`mapper.workbook.write.write_workbook`)
from the real example ``data/examples/securities``; each case edits a copy with openpyxl (or, for what
is wrong with the file itself, at the zip level) and loads it with the real ``fscai load`` into an
on-disk store that already holds another institution's submission (the bank example). Every case must
be refused with exit code 2, one line on stderr naming the exact place (``FILE:'SHEET'!CELL: cause``,
or ``FILE: cause`` for the file as a whole) and the cause in both languages where the message has
them, and must leave every byte of the store as it was.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from example_ubns import ubn_of
from openpyxl import load_workbook
from rdflib.compare import isomorphic

from cli import main
from mapper.catalogue.install import layout_catalogue
from mapper.load import parse_submission
from mapper.load.write import catalogue_terms_from_files
from mapper.store import open_store
from mapper.workbook.mapping import layout_mapping
from mapper.workbook.read import MAX_UNZIPPED_RATIO
from mapper.workbook.write import write_workbook

REPO = Path(__file__).resolve().parents[2]
SECURITIES = REPO / "data" / "examples" / "securities"
BANK = REPO / "data" / "examples" / "bank"

SUBMISSION = "申報 Submission"
INSTITUTION = "機構 Institution"
UNITS = "單位 Units"
EVIDENCE = "證據 Evidence"
VENDORS = "第三方業者 Vendors"
SYSTEMS = "AI系統 AI systems"
STATEMENTS = "落實情形 Statements"
CHOICES = "選項 Choices"

Edit = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Case:
    name: str
    edit: Edit
    #: ``'SHEET'!CELL``; None when the refusal concerns the file as a whole
    place: str | None
    #: substrings of the cause: its zh-Hant and its English part where the message has both
    causes: tuple[str, ...]


# --- how a defect is made --------------------------------------------------------------------------

def on_book(change: Callable) -> Edit:
    """An edit that opens the workbook with openpyxl, applies ``change(book)`` and saves it."""

    def edit(data: bytes) -> bytes:
        book = load_workbook(io.BytesIO(data))
        change(book)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return edit


def set_cells(sheet: str, values: dict[str, object], number_format: str | None = None) -> Edit:
    """Write ``values`` (cell -> value; None empties the cell) on ``sheet``."""

    def change(book) -> None:
        for ref, value in values.items():
            book[sheet][ref] = value
            if number_format is not None:
                book[sheet][ref].number_format = number_format

    return on_book(change)


def set_cell(sheet: str, ref: str, value: object, number_format: str | None = None) -> Edit:
    return set_cells(sheet, {ref: value}, number_format)


def with_part(name: str, content: bytes) -> Edit:
    """The workbook's zip with one more part."""

    def edit(data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info.filename))
            dst.writestr(name, content)
        return out.getvalue()

    return edit


def zip_bomb(data: bytes) -> bytes:
    """Zeros that unzip to twice the ratio the reader accepts (they compress about 1000 times)."""
    return with_part("xl/media/image1.bin", b"\0" * (2 * MAX_UNZIPPED_RATIO * len(data)))(data)


def zipped_csv(data: bytes) -> bytes:
    """A zip archive, but no workbook: an export of the institution's systems as CSV, zipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("systems.csv", "id,name\nchurn-model,Client churn early-warning model\n")
    return out.getvalue()


def only_headers(book) -> None:
    for ws in book.worksheets:
        if ws.title not in ("說明 Read me", "建議作法 Measures", CHOICES) and ws.max_row > 1:
            ws.delete_rows(2, ws.max_row - 1)


def merge(book) -> None:
    book[SYSTEMS].merge_cells("B3:C3")


def hide_row(book) -> None:
    book[SYSTEMS].row_dimensions[4].hidden = True


def hide_column(book) -> None:
    book[SYSTEMS].column_dimensions["H"].hidden = True


def hide_sheet(book) -> None:
    book[EVIDENCE].sheet_state = "hidden"


def very_hide_choices(book) -> None:
    book[CHOICES].sheet_state = "veryHidden"


def add_notes_sheet(book) -> None:
    book.create_sheet("備註 Notes")["A1"] = "內部備註 / internal notes"


def drop_ubn_column(book) -> None:
    book[INSTITUTION].delete_cols(4)  # D: 統一編號 Unified business number, header and value


def second_institution(book) -> None:
    ws = book[INSTITUTION]
    ws["A3"], ws["B3"], ws["D3"] = "subsidiary", "鼎盛期貨股份有限公司", "12345678"


def catalogue_term_as_unit(book) -> None:
    ws = book[UNITS]
    row = ws.max_row + 1
    ws[f"A{row}"] = "https://w3id.org/fscai/guideline/draft/measure-2.1.3"
    ws[f"B{row}"] = "自訂單位"


def text(value: str) -> Edit:
    return lambda data: value.encode("utf-8")


NOT_XLSX = ("不是 .xlsx 活頁簿（已加密或損毀？）", "not an .xlsx workbook (encrypted or damaged?)")
REQUIRED = ("必填", "required")
UNKNOWN_CHOICE = ("未知之選項", "unknown choice; use one of")
UNDEFINED_ID = ("不在所參照之工作表", "refers to an ID that no row of the referred sheets defines")
FORMULA = ("公式不予計算：請填入值", "a formula: formulas are never evaluated, type the value")
DATE_FORMAT = ("應寫作 YYYY-MM-DD", "a date is written YYYY-MM-DD")


def at(sheet: str, ref: str) -> str:
    return f"'{sheet}'!{ref}"


CASES: list[Case] = [
    # -- a value a column does not take
    Case("unknown status", set_cell(STATEMENTS, "E3", "大概吧"), at(STATEMENTS, "E3"),
         ("落實狀態 Status", "'大概吧'", *UNKNOWN_CHOICE, "已落實 / implemented")),
    Case("unknown measure notation", set_cell(STATEMENTS, "B3", "9.9.9"), at(STATEMENTS, "B3"),
         ("建議作法 Measure", "'9.9.9'", *UNKNOWN_CHOICE)),
    Case("boolean maybe", set_cell(SYSTEMS, "K3", "也許"), at(SYSTEMS, "K3"),
         ("面對客戶 Customer facing", "'也許'", *UNKNOWN_CHOICE, "是 / yes、否 / no")),
    Case("row type of an unknown class", set_cell(EVIDENCE, "B3", "備忘錄 / memo"), at(EVIDENCE, "B3"),
         ("類型 Type", "'備忘錄 / memo'", *UNKNOWN_CHOICE, "佐證資料 / evidence")),
    Case("date with slashes", set_cell(SUBMISSION, "E2", "2026/11/15"), at(SUBMISSION, "E2"),
         ("申報日期 Submission date", "'2026/11/15'", *DATE_FORMAT)),
    Case("date that does not exist", set_cell(SUBMISSION, "E2", "2026-02-30"), at(SUBMISSION, "E2"),
         ("申報日期 Submission date", "'2026-02-30'", *DATE_FORMAT)),
    Case("date with a time", set_cell(SUBMISSION, "E2", dt.datetime(2026, 11, 15, 9, 30)), at(SUBMISSION, "E2"),
         ("日期不應含時間", "a date without a time", "2026-11-15 09:30:00")),
    Case("date as a plain number", set_cell(EVIDENCE, "F3", 46341, "General"), at(EVIDENCE, "F3"),
         ("發布日期 Issued", "'46341'", *DATE_FORMAT)),
    Case("time without a date", set_cell(EVIDENCE, "F3", dt.time(9, 30)), at(EVIDENCE, "F3"),
         ("發布日期 Issued", "'09:30:00'", *DATE_FORMAT)),
    Case("anyURI that is not absolute", set_cell(EVIDENCE, "I3", "grc/aml/data-review"), at(EVIDENCE, "I3"),
         ("'grc/aml/data-review'", "不是絕對IRI", "not an absolute IRI")),
    Case("download IRI that is not absolute", set_cell(EVIDENCE, "J6", "ekyc-consent.pdf"), at(EVIDENCE, "J6"),
         ("'ekyc-consent.pdf'", "不是絕對IRI", "not an absolute IRI")),
    Case("level in assessed-by with every R1-R6 level empty",
         set_cells(SYSTEMS, {f"{c}3": None for c in "STUVWX"}), at(SYSTEMS, "Y3"),
         ("風險評估單位 Risk assessed by", "此列無對應之評估（其等級欄為空）",
          "nothing on this row for it to describe (its level columns are empty)")),
    # -- a missing required cell
    Case("statement with a status but no subject", set_cell(STATEMENTS, "D3", None), at(STATEMENTS, "D3"),
         ("對象 Subject", *REQUIRED)),
    Case("submission date missing", set_cell(SUBMISSION, "E2", None), at(SUBMISSION, "E2"),
         ("申報日期 Submission date", *REQUIRED)),
    Case("ID of only spaces on a filled row", set_cell(SYSTEMS, "A3", "   "), at(SYSTEMS, "A3"),
         ("識別碼 ID", *REQUIRED)),
    Case("required column deleted", on_book(drop_ubn_column), at(INSTITUTION, "A1"),
         ("統一編號 Unified business number", "缺少必填欄位", "the sheet lacks this required column")),
    # -- what the reader would see is not what a person sees
    Case("merged cells", on_book(merge), at(SYSTEMS, "B3"),
         ("合併儲存格 B3:C3", "merged cells B3:C3", "unmerge them")),
    Case("hidden row", on_book(hide_row), at(SYSTEMS, "A4"), ("隱藏之列 4", "hidden row 4: unhide it")),
    Case("hidden column", on_book(hide_column), at(SYSTEMS, "H1"), ("隱藏之欄 H", "hidden column H: unhide it")),
    Case("hidden sheet", on_book(hide_sheet), at(EVIDENCE, "A1"),
         ("隱藏之工作表", "hidden sheet: unhide it or delete it")),
    Case("very hidden reference sheet", on_book(very_hide_choices), at(CHOICES, "A1"),
         ("隱藏之工作表", "hidden sheet: unhide it or delete it")),
    # -- formulas and what they leave
    Case("formula TODAY()", set_cell(EVIDENCE, "F3", "=TODAY()"), at(EVIDENCE, "F3"), FORMULA),
    Case("formula in a header", set_cell(SYSTEMS, "C1", '="名稱（英文）"&CHAR(10)&"Name (English)"'),
         at(SYSTEMS, "C1"), FORMULA),
    Case("error value #REF!", set_cell(SYSTEMS, "C3", "#REF!"), at(SYSTEMS, "C3"),
         ("錯誤值 #REF!", "an error value #REF!: type the value")),
    # -- sheets and headers
    Case("unknown sheet", on_book(add_notes_sheet), at("備註 Notes", "A1"),
         ("未知之工作表", "unknown sheet; the template's sheets are", "落實情形 Statements")),
    Case("unknown column header", set_cell(SYSTEMS, "AA1", "備註\nRemarks"), at(SYSTEMS, "AA1"),
         ("未知之欄位標題 '備註\\nRemarks'", "unknown column header; this sheet's columns are")),
    Case("column header given twice", set_cell(SYSTEMS, "AA1", "識別碼\nID"), at(SYSTEMS, "AA1"),
         ("欄位 識別碼 ID 重複", "column given twice")),
    Case("value under no header", set_cell(SYSTEMS, "AD5", "stray note"), at(SYSTEMS, "AD5"),
         ("此欄無標題", "a value under no column header")),
    # -- IDs and references
    Case("duplicate ID on one sheet", set_cell(STATEMENTS, "A4", "st-amlscore-2.1.4"), at(STATEMENTS, "A4"),
         ("識別碼重複，已見於 '落實情形 Statements'!A2", "the ID is given twice, also at '落實情形 Statements'!A2")),
    Case("duplicate ID across sheets", set_cell(STATEMENTS, "A3", "ekyc"), at(STATEMENTS, "A3"),
         ("識別碼重複，已見於 'AI系統 AI systems'!A4", "the ID is given twice, also at 'AI系統 AI systems'!A4")),
    Case("reference to an undefined ID", set_cell(SYSTEMS, "F3", "no-such-unit"), at(SYSTEMS, "F3"),
         ("負責單位 Owner unit", "'no-such-unit'", *UNDEFINED_ID)),
    Case("reference to an ID of another sheet", set_cell(SYSTEMS, "F3", "ekyc"), at(SYSTEMS, "F3"),
         ("負責單位 Owner unit", "'ekyc'", *UNDEFINED_ID)),
    Case("multi-valued reference, unknown ID on the second line",
         set_cell(INSTITUTION, "G2", "ai-risk-rules\nno-such-policy"), at(INSTITUTION, "G2"),
         ("政策 Policies", "'no-such-policy'", *UNDEFINED_ID)),
    Case("relative ID with no IRI base", set_cell(SUBMISSION, "B2", None), at(SUBMISSION, "A2"),
         ("為相對名稱，但「申報」工作表未填識別碼基底", "is relative but the Submission sheet gives no IRI base")),
    Case("IRI base without a trailing slash", set_cell(SUBMISSION, "B2", "https://securities.example.tw/fscai"),
         at(SUBMISSION, "B2"), ("須為以 / 或 # 結尾之絕對IRI", "must be an absolute IRI ending in / or #")),
    Case("ID with a space", set_cell(SYSTEMS, "A3", "churn model"), at(SYSTEMS, "A3"),
         ("識別碼 'churn model' 含空白", "the ID 'churn model' holds a space")),
    Case("absolute ID that is not a valid IRI", set_cell(VENDORS, "A3", "https://vendors.example.tw/id/mo shi"),
         at(VENDORS, "A3"), ("不是有效之IRI", "is not a valid IRI")),
    # -- what the loader's checks refuse, mapped back to a cell
    # (these causes come from mapper/load/identity.py and checks.py, for every format)
    Case("UBN typed as a number loses its leading zero", set_cell(INSTITUTION, "D2", 6482035, "General"),
         at(INSTITUTION, "D2"), ("統一編號須為8位數字之字串", '"6482035"', "is not an 8-digit string")),
    Case("two institutions", on_book(second_institution), at(INSTITUTION, "A3"),
         ("一份提交只描述一家金融機構", "2 fsc:Institution nodes", "a submission describes one institution")),
    Case("a catalogue term as a row's ID", on_book(catalogue_term_as_unit), at(UNITS, "A12"),
         ("不得描述指引目錄之用語", "catalogue term <https://w3id.org/fscai/guideline/draft/measure-2.1.3>",
          "submissions may not redefine the guideline")),
    # -- the file as a whole
    Case("empty workbook (only headers)", on_book(only_headers), None,
         ("活頁簿無資料列", "no rows in the workbook")),
    Case("plain text renamed .xlsx", text("識別碼,名稱\nchurn-model,客戶流失預警模型\n"), None, NOT_XLSX),
    Case("empty file", text(""), None, NOT_XLSX),
    Case("truncated download", lambda data: data[: len(data) // 2], None, NOT_XLSX),
    Case("encrypted workbook (an OLE container)", lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         None, NOT_XLSX),
    Case("a zip that is not a workbook", zipped_csv, None,
         ("無法讀取活頁簿", "not a readable .xlsx workbook", "[Content_Types].xml")),
    Case("macros (xl/vbaProject.bin)", with_part("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros"), None,
         ("活頁簿含巨集", "the workbook holds macros")),
    Case("links to other workbooks", with_part("xl/externalLinks/externalLink1.xml", b"<externalLink/>"), None,
         ("活頁簿連結其他活頁簿", "the workbook links to other workbooks")),
    Case("zip bomb ratio", zip_bomb, None,
         (f"超過檔案大小之 {MAX_UNZIPPED_RATIO} 倍", f"over {MAX_UNZIPPED_RATIO} times its size: refused")),
]


# --- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def terms(layout):
    return catalogue_terms_from_files(layout.ontology_files())


@pytest.fixture(scope="module")
def securities(terms):
    return parse_submission([SECURITIES], catalogue_terms=terms)


@pytest.fixture(scope="module")
def base(layout, securities) -> bytes:
    """The valid workbook of the securities example, as the template writes it."""
    triples = [quad.triple for quad in ox.parse(securities.ntriples, ox.RdfFormat.N_TRIPLES)]
    return write_workbook(layout_mapping(layout), layout_catalogue(layout), triples=triples)


def dump(url: str) -> bytes:
    with open_store(url) as store:
        data = store.dump()
    gc.collect()  # release the on-disk store's lock for the next command (see cli/options.py)
    return data


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory) -> tuple[str, bytes]:
    """An on-disk store holding the catalogue and the bank's submission, and its dump."""
    url = f"oxigraph:{tmp_path_factory.mktemp('malformed-workbooks') / 'store'}"
    result = CliRunner().invoke(main, ["load", "--institution", ubn_of([BANK]), "--store", url, str(BANK)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "/graph/submission/" in result.stdout
    before = dump(url)
    assert before.count(b"\n") > 5_000
    return url, before


# --- the tests -----------------------------------------------------------------------------------------

def test_the_corpus_has_its_cases():
    assert len(CASES) >= 20
    assert len(CASES) == 49
    names = [case.name for case in CASES]
    assert len(set(names)) == len(names), "case names must be unique"
    assert sum(case.place is None for case in CASES) == 9


def test_the_base_workbook_is_valid_after_an_openpyxl_round_trip(base, securities, terms, layout, tmp_path):
    """An edit that changes nothing gives a workbook that loads as the Turtle does: each case's
    refusal is its one defect, not openpyxl's way of saving."""
    path = tmp_path / "unchanged.xlsx"
    path.write_bytes(on_book(lambda book: None)(base))
    read = parse_submission([path], catalogue_terms=terms, workbook_mapping=layout_mapping(layout))
    assert read.graph_iri == securities.graph_iri
    assert read.triples == securities.triples
    assert isomorphic(read.graph, securities.graph)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_malformed_workbook_is_refused_at_its_place_and_the_store_is_unchanged(case, base, loaded_store, tmp_path):
    url, before = loaded_store
    path = tmp_path / "submission.xlsx"
    data = case.edit(base)
    assert data != base
    path.write_bytes(data)

    result = CliRunner().invoke(main, ["load", "--institution", ubn_of([BANK]), "--store", url, str(path)], catch_exceptions=False)

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = f"{path}: " if case.place is None else f"{path}:{case.place}: "
    assert lines[0].startswith(prefix), (prefix, lines[0])
    for cause in case.causes:
        assert cause in lines[0], (cause, lines[0])
    assert dump(url) == before
