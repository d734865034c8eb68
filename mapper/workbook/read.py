"""A filled workbook (``.xlsx``) as the N-Triples a Turtle submission would give, each line with its cell.

The loader (:mod:`mapper.load.read`) then checks those triples like any other file's, and every
error names ``FILE:'SHEET'!CELL``. Refused here, before a triple is made, each at its cell and in
both languages: what is not a plain ``.xlsx`` (a macro workbook, an encrypted or damaged file, links
to other workbooks, more than :data:`MAX_UNZIPPED_RATIO` times its size unzipped); hidden sheets,
rows or columns and merged cells (what the reader would see is not what a person sees); formulas
(never evaluated; a cached value can be stale, so the value must be typed) and error values
(``#REF!``, ``#N/A``: what a broken formula left, pasted as a value); an unknown sheet or
header, a value under no header; a missing required cell; a value a column does not take (an
unknown choice or measure, a bad date, a reference to an ID no sheet defines); an ID given twice.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from mapper.workbook.ids import IdError, check_base, resolve
from mapper.workbook.mapping import XSD, Column, Mapping, Sheet

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: An unzipped workbook may be this many times its file size (text compresses about 10 times);
#: more is a zip bomb.
MAX_UNZIPPED_RATIO = 100
_REFUSED_PARTS = {"xl/vbaProject.bin": ("含巨集", "holds macros (save it as .xlsx without macros)"),
                  "xl/externalLinks/": ("連結其他活頁簿", "links to other workbooks (remove the links)")}


class WorkbookError(ValueError):
    """A refused workbook: ``place`` is ``'SHEET'!CELL`` (None for the file as a whole)."""

    def __init__(self, place: str | None, cause: str) -> None:
        super().__init__(cause)
        self.place = place
        self.cause = cause


@dataclass(frozen=True)
class Converted:
    """The workbook's triples as N-Triples, and the cell each line came from."""

    ntriples: bytes
    places: tuple[str, ...]


def place(sheet: str, column: int, row: int) -> str:
    """A cell as Excel names it, the sheet quoted: ``'AI系統 AI systems'!H3``."""
    return f"'{sheet}'!{get_column_letter(column)}{row}"


def convert(data: bytes, mapping: Mapping) -> Converted:
    """The triples of the workbook ``data`` (the bytes of an ``.xlsx``), or :class:`WorkbookError`."""
    _check_package(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds on a damaged file)
        raise WorkbookError(None, f"無法讀取活頁簿 / not a readable .xlsx workbook: {exc}") from None
    rows: list[_Row] = []
    for ws in book.worksheets + list(book.chartsheets):
        if ws.sheet_state != "visible":
            raise WorkbookError(f"'{ws.title}'!A1", "隱藏之工作表 / hidden sheet: unhide it or delete it")
        sheet = mapping.find_sheet(ws.title)
        if sheet is None:
            known = "、".join(s.name for s in mapping.sheets)
            raise WorkbookError(f"'{ws.title}'!A1", f"未知之工作表 / unknown sheet; the template's sheets are: {known}")
        if sheet.is_data:
            rows.extend(_rows(ws, sheet))
    return _triples(rows, mapping)


def _check_package(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise WorkbookError(None, f"不是 .xlsx 活頁簿（已加密或損毀？）/ not an .xlsx workbook (encrypted or damaged?): "
                                  f"{exc}") from None
    unzipped = sum(i.file_size for i in infos)
    if unzipped > MAX_UNZIPPED_RATIO * max(len(data), 1):
        raise WorkbookError(None, f"解壓後 {unzipped} 位元組，超過檔案大小之 {MAX_UNZIPPED_RATIO} 倍 / unzips to "
                                  f"{unzipped} bytes, over {MAX_UNZIPPED_RATIO} times its size: refused")
    for info in infos:
        for part, (zh, en) in _REFUSED_PARTS.items():
            if info.filename == part or (part.endswith("/") and info.filename.startswith(part)):
                raise WorkbookError(None, f"活頁簿{zh} / the workbook {en}")


@dataclass
class _Row:
    sheet: Sheet
    number: int
    cells: dict[str, tuple[Any, str]]  # column IRI -> (value, place)


def _rows(ws, sheet: Sheet) -> Iterator[_Row]:
    """The filled rows of a data sheet, each cell's value with its place."""
    if ws.merged_cells.ranges:
        first = min(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
        raise WorkbookError(place(ws.title, first.min_col, first.min_row),
                            f"合併儲存格 {first.coord} / merged cells {first.coord}: unmerge them")
    # openpyxl keeps only the cells a file holds; iterating them (not every row up to max_row) keeps
    # a sheet formatted down to row 1,048,576 cheap.
    cells = ws._cells
    used_rows = {r for r, _ in cells}
    used_columns = {c for _, c in cells}
    for number, dim in ws.row_dimensions.items():
        if dim.hidden and number in used_rows:
            raise WorkbookError(place(ws.title, 1, number), f"隱藏之列 {number} / hidden row {number}: unhide it")
    for letter, dim in ws.column_dimensions.items():
        if dim.hidden and any(dim.min <= c <= dim.max for c in used_columns):
            raise WorkbookError(f"'{ws.title}'!{letter}1", f"隱藏之欄 {letter} / hidden column {letter}: unhide it")
    columns: dict[int, Column] = {}
    for (r, c), cell in sorted(cells.items()):
        if r != 1 or _empty(cell.value):
            continue
        _no_formula(ws.title, cell)
        column = sheet.column_by_header(str(cell.value))
        if column is None:
            raise WorkbookError(place(ws.title, c, 1), f"未知之欄位標題 {str(cell.value)!r} / unknown column header; "
                                f"this sheet's columns are: {'、'.join(col.zh + ' ' + col.en for col in sheet.columns)}")
        if column in columns.values():
            raise WorkbookError(place(ws.title, c, 1), f"欄位 {column.zh} {column.en} 重複 / column given twice")
        columns[c] = column
    by_row: dict[int, dict[str, tuple[Any, str]]] = {}
    for (r, c), cell in sorted(cells.items()):
        if r == 1 or _empty(cell.value):
            continue
        _no_formula(ws.title, cell)
        if c not in columns:
            raise WorkbookError(place(ws.title, c, r), "此欄無標題 / a value under no column header")
        by_row.setdefault(r, {})[columns[c].iri] = (cell.value, place(ws.title, c, r))
    present = set(columns.values())
    for number, values in sorted(by_row.items()):
        row = _Row(sheet, number, values)
        if all(c.prefilled for c in sheet.columns if c.iri in values) and any(c.prefilled for c in sheet.columns):
            continue  # an unanswered row of the template: only its pre-filled cells hold values
        for column in sheet.columns:
            if column.required and column.iri not in values:
                where = next((k for k, v in columns.items() if v == column), None)
                cell = place(ws.title, where, number) if where else place(ws.title, 1, 1)
                cause = "必填 / required" if column in present else "缺少必填欄位 / the sheet lacks this required column"
                raise WorkbookError(cell, f"{column.zh} {column.en}：{cause}")
        yield row


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _no_formula(sheet: str, cell) -> None:
    if cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula"):
        raise WorkbookError(place(sheet, cell.column, cell.row),
                            "公式不予計算：請填入值 / a formula: formulas are never evaluated, type the value")
    if cell.data_type == "e":  # an error value (#REF!, #N/A, #DIV/0!) is no value
        raise WorkbookError(place(sheet, cell.column, cell.row),
                            f"錯誤值 {cell.value}：請填入值 / an error value {cell.value}: type the value")


def _triples(rows: list[_Row], mapping: Mapping) -> Converted:
    base = _base(rows)
    ids: dict[str, tuple[str, str]] = {}  # IRI -> (sheet IRI, place)
    subjects: list[str] = []
    for row in rows:
        column = row.sheet.columns_of("Identifier")[0]
        value, where = row.cells[column.iri]
        iri = _resolve(_text(value, where), base, where)
        if iri in ids:
            raise WorkbookError(where, f"識別碼重複，已見於 {ids[iri][1]} / the ID is given twice, also at {ids[iri][1]}")
        ids[iri] = (row.sheet.iri, where)
        subjects.append(iri)
    lines: list[str] = []
    places: list[str] = []

    def emit(s: Any, p: str, o: Any, where: str) -> None:
        lines.append(f"{s} {ox.NamedNode(p)} {o} .")
        places.append(where)

    blank = 0
    for row, iri in zip(rows, subjects):
        subject = ox.NamedNode(iri)
        id_place = row.cells[row.sheet.columns_of("Identifier")[0].iri][1]
        types = [_choice(c, value, where) for c in row.sheet.columns_of("RowType") if c.iri in row.cells
                 for value, where in [row.cells[c.iri]] for value in _values(c, value, where)]
        for cls in types or [row.sheet.row_class]:
            emit(subject, RDF_TYPE, ox.NamedNode(cls), id_place)
        nodes: dict[str, ox.BlankNode] = {}
        for group in mapping.groups:
            key = next((c for c in row.sheet.columns if c.iri == group.key_column), None)
            if key is not None and key.iri in row.cells:
                blank += 1
                node = nodes[group.iri] = ox.BlankNode(f"r{blank}")
                where = row.cells[key.iri][1]
                emit(subject, group.link, node, where)
                if group.node_class:
                    emit(node, RDF_TYPE, ox.NamedNode(group.node_class), where)
                if group.fixed_property:
                    emit(node, group.fixed_property, ox.NamedNode(group.fixed_value), where)
        for column in row.sheet.columns:
            if column.iri not in row.cells or column.kind in ("Identifier", "IriBase", "RowType", "ChoiceLabel"):
                continue
            value, where = row.cells[column.iri]
            objects = [_object(column, v, where, base, ids) for v in _values(column, value, where)]
            if column.groups:
                targets = [nodes[g] for g in column.groups if g in nodes]
                if not targets:
                    raise WorkbookError(where, f"{column.zh} {column.en}：此列無對應之評估（其等級欄為空）"
                                        "/ nothing on this row for it to describe (its level columns are empty)")
            else:
                targets = [subject]
            for target in targets:
                for obj in objects:
                    emit(target, column.predicate, obj, where)
    text = "\n".join(lines) + "\n"
    return Converted(text.encode("utf-8"), tuple(places))


def _base(rows: list[_Row]) -> str | None:
    for row in rows:
        for column in row.sheet.columns_of("IriBase"):
            if column.iri in row.cells:
                value, where = row.cells[column.iri]
                try:
                    return check_base(_text(value, where))
                except IdError as exc:
                    raise WorkbookError(where, str(exc)) from None
    return None


def _resolve(text: str, base: str | None, where: str) -> str:
    try:
        return resolve(text, base)
    except IdError as exc:
        raise WorkbookError(where, str(exc)) from None


def _text(value: Any, where: str) -> str:
    """A cell as text: a string, or a whole number (an ID or a UBN typed as a number)."""
    if isinstance(value, bool):
        raise WorkbookError(where, f"應為文字，而非是非值 / expected text, got {value}")
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if not isinstance(value, str):
        raise WorkbookError(where, f"應為文字 / expected text, got {value!r}")
    return value.strip()


def _values(column: Column, value: Any, where: str) -> list[Any]:
    """The cell's values: one per line of a multi-valued column's text."""
    if column.multiple and isinstance(value, str):
        return [v.strip() for v in value.splitlines() if v.strip()]
    return [value]


def _choice(column: Column, value: Any, where: str) -> str:
    choice = column.choice_for(_text(value, where) if not isinstance(value, bool) else str(value).lower())
    if choice is None:
        shown = "、".join(c.display for c in column.choices[:12]) + ("…" if len(column.choices) > 12 else "")
        raise WorkbookError(where, f"{column.zh} {column.en}：未知之選項 {value!r} / unknown choice; use one of: {shown}")
    return choice.literal or choice.iri


def _object(column: Column, value: Any, where: str, base: str | None, ids: dict) -> Any:
    kind = column.kind
    if kind == "Text":
        return ox.Literal(_text(value, where), language=column.language or None)
    if kind == "Choice":
        return ox.NamedNode(_choice(column, value, where))
    if kind == "Reference":
        iri = _resolve(_text(value, where), base, where)
        if column.refers_to and ids.get(iri, ("",))[0] not in column.refers_to:
            raise WorkbookError(where, f"{column.zh} {column.en}：參照之識別碼 {_text(value, where)!r} 不在所參照之工作表 "
                                "/ refers to an ID that no row of the referred sheets defines")
        return ox.NamedNode(iri)
    if kind == "IriValue":
        return ox.NamedNode(_absolute(_text(value, where), where))
    if kind == "Typed":
        return _typed(column, value, where)
    raise WorkbookError(where, f"未知之值種類 / unknown value kind {kind} in the workbook mapping")


def _typed(column: Column, value: Any, where: str) -> ox.Literal:
    datatype = column.datatype
    if datatype == XSD + "date":
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise WorkbookError(where, f"日期不應含時間 / a date without a time, got {value}")
            value = value.date()
        if isinstance(value, dt.date):
            return ox.Literal(value.isoformat(), datatype=ox.NamedNode(datatype))
        # anything else (text, a number, a time without a date) must read as YYYY-MM-DD
        text = value.strip() if isinstance(value, str) else str(value)
        try:
            if len(text) != 10:
                raise ValueError(text)
            return ox.Literal(dt.date.fromisoformat(text).isoformat(), datatype=ox.NamedNode(datatype))
        except ValueError:
            raise WorkbookError(where, f"{column.zh} {column.en}：日期 {text!r} 應寫作 YYYY-MM-DD / a date is written "
                                "YYYY-MM-DD") from None
    if datatype == XSD + "boolean":
        return ox.Literal(_choice(column, value, where), datatype=ox.NamedNode(datatype))
    text = _text(value, where)
    if datatype == XSD + "anyURI":
        _absolute(text, where)
    return ox.Literal(text, datatype=ox.NamedNode(datatype or XSD + "string"))


def _absolute(text: str, where: str) -> str:
    try:
        return resolve(text, None)
    except IdError:
        raise WorkbookError(where, f"{text!r} 不是絕對IRI / not an absolute IRI (https://...)") from None
