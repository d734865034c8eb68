"""The workbook an institution fills: empty, or filled from a submission, with what it has left to answer.

:func:`write_workbook` lays out every sheet of the mapping (``ontology/workbook.ttl``): bilingual
headers with a note on each, drop-down lists from the catalogue and the vocabulary (and from the ID
columns of referred sheets), the read-me, the measures and the choices. Given a submission's triples
it fills the rows, so that reading the workbook back gives the same graph: a triple the mapping
cannot hold is an error, never dropped. Given unanswered (measure, subject) pairs it adds a
pre-filled statement row for each.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mapper.catalogue.records import Catalogue
from mapper.workbook.ids import shorten
from mapper.workbook.mapping import XSD, Column, Mapping, Sheet

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: How many rows of a data sheet get drop-down lists and formats: the rows a person fills.
FORMATTED_ROWS = 2000
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
#: A fixed creation time keeps the same input's workbook byte for byte the same.
_EPOCH = dt.datetime(2000, 1, 1)


class WorkbookWriteError(ValueError):
    """A submission the workbook cannot hold (a triple no column gives)."""


@dataclass(frozen=True)
class Unanswered:
    """A statement row to pre-fill: its subject (an IRI) and the measure's notation."""

    measure: str
    subject: str


def write_workbook(mapping: Mapping, catalogue: Catalogue, *, triples: Iterable[ox.Triple] = (),
                   unanswered: Sequence[Unanswered] = ()) -> bytes:
    """The ``.xlsx`` bytes of the template, filled with ``triples`` and ``unanswered`` rows."""
    rows, base = _rows(mapping, list(triples))
    book = Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = _EPOCH
    book.properties.creator = "fscai"
    choice_ranges = _choices_sheet_ranges(mapping)
    for sheet in mapping.sheets:
        ws = book.create_sheet(sheet.name)
        if sheet.role == "ReadMe":
            _read_me(ws, sheet, mapping)
        elif sheet.role == "MeasureList":
            _measures(ws, catalogue)
        elif sheet.role == "ChoiceList":
            _choice_lists(ws, mapping)
        else:
            values = rows.get(sheet.iri, [])
            if sheet.row_class.endswith("#ConformanceStatement"):
                values = values + _unanswered_rows(sheet, unanswered, base, {v[c.iri] for v in values
                                                                             for c in sheet.columns_of("Identifier")})
            _data_sheet(ws, sheet, values, mapping, choice_ranges)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the rows a submission gives -------------------------------------------------------------------

def _rows(mapping: Mapping, triples: list[ox.Triple]) -> tuple[dict[str, list[dict[str, Any]]], str | None]:
    by_subject: dict[Any, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)
    used: set[ox.Triple] = set()
    placed: dict[Any, Sheet] = {}
    for sheet in mapping.data_sheets:
        allowed = {c.iri for col in sheet.columns_of("RowType") for c in col.choices} or {sheet.row_class}
        for subject in sorted(by_subject, key=str):
            if isinstance(subject, ox.NamedNode) and subject not in placed and any(
                    t.object.value in allowed for t in by_subject[subject] if t.predicate.value == RDF_TYPE):
                placed[subject] = sheet
    base = next((_namespace(s.value) for s, sheet in placed.items() if sheet.columns_of("IriBase")), None)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for subject, sheet in sorted(placed.items(), key=lambda item: str(item[0])):
        row: dict[str, Any] = {}
        own = by_subject[subject]
        allowed = {c.iri for col in sheet.columns_of("RowType") for c in col.choices} or {sheet.row_class}
        type_triples = sorted((t for t in own if t.predicate.value == RDF_TYPE and t.object.value in allowed),
                              key=lambda t: t.object.value)
        if len(type_triples) > 1 and not any(c.multiple for c in sheet.columns_of("RowType")):
            type_triples = type_triples[:1]  # the sheet's one class; any other type is left, and reported below
        used.update(type_triples)
        for column in sheet.columns:
            if column.kind == "Identifier":
                row[column.iri] = shorten(subject.value, base)
            elif column.kind == "IriBase":
                row[column.iri] = base
            elif column.kind == "RowType":
                row[column.iri] = "\n".join(c.display for t in type_triples for c in column.choices
                                            if c.iri == t.object.value)
            elif column.kind == "ChoiceLabel":
                continue  # filled below, once the column it shows is
            elif not column.groups:
                row[column.iri] = _cell(column, own, used, base, subject)
        _group_cells(mapping, sheet, row, own, by_subject, used, base, subject)
        rows[sheet.iri].append(row)
    left = [t for t in triples if t not in used]
    if left:
        shown = "; ".join(str(t) for t in left[:5])
        raise WorkbookWriteError(f"{len(left)} triples no column of the workbook holds, e.g. {shown}")
    return rows, base


def _namespace(iri: str) -> str:
    return iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]


def _cell(column: Column, own: list[ox.Triple], used: set, base: str | None, subject: Any) -> Any:
    found = [t for t in own if t.predicate.value == column.predicate and _fits(column, t.object)]
    used.update(found)
    values = [_shown(column, t.object, base) for t in found]
    if not values:
        return None
    if len(values) > 1 and not column.multiple:
        raise WorkbookWriteError(f"{subject} has {len(values)} values of {column.predicate}; the column "
                                 f"{column.zh} {column.en} holds one")
    return values[0] if len(values) == 1 else "\n".join(sorted(map(str, values)))


def _fits(column: Column, term: Any) -> bool:
    if column.kind == "Text":
        return isinstance(term, ox.Literal) and (term.language or "").lower() == column.language.lower()
    if column.kind == "Typed":
        return isinstance(term, ox.Literal) and not term.language and term.datatype.value == (column.datatype or XSD + "string")
    if column.kind == "Choice":
        return isinstance(term, ox.NamedNode) and any(c.iri == term.value for c in column.choices)
    return isinstance(term, ox.NamedNode)


def _shown(column: Column, term: Any, base: str | None) -> Any:
    if column.kind == "Choice":
        return next(c.display for c in column.choices if c.iri == term.value)
    if column.kind == "Reference":
        return shorten(term.value, base)
    if column.kind == "Typed" and column.datatype == XSD + "date":
        return dt.date.fromisoformat(term.value)
    if column.kind == "Typed" and column.datatype == XSD + "boolean":
        return next(c.display for c in column.choices if c.literal == term.value)
    return term.value


def _group_cells(mapping: Mapping, sheet: Sheet, row: dict, own: list, by_subject: dict, used: set,
                 base: str | None, subject: Any) -> None:
    for group in mapping.groups:
        key = next((c for c in sheet.columns if c.iri == group.key_column), None)
        if key is None:
            continue
        for link in [t for t in own if t.predicate.value == group.link and isinstance(t.object, ox.BlankNode)]:
            node = by_subject.get(link.object, [])
            fixed = [t for t in node if t.predicate.value == group.fixed_property and t.object.value == group.fixed_value]
            if not fixed:
                continue
            used.update([link, *fixed])
            used.update(t for t in node if t.predicate.value == RDF_TYPE and t.object.value == group.node_class)
            for column in sheet.columns:
                if group.iri not in column.groups:
                    continue
                value = _cell(column, node, used, base, link.object)
                if column.iri == key.iri or row.get(column.iri) is None:
                    row[column.iri] = value
                elif value != row[column.iri]:
                    raise WorkbookWriteError(f"{subject}: {column.zh} {column.en} differs between its assessments "
                                             f"({row[column.iri]} and {value}); the column holds one value per row")


def _unanswered_rows(sheet: Sheet, unanswered: Sequence[Unanswered], base: str | None, taken: set) -> list[dict]:
    identifier = sheet.columns_of("Identifier")[0]
    measure = next(c for c in sheet.columns if c.predicate.endswith("#measure"))
    subject = next(c for c in sheet.columns if c.predicate.endswith("#subject"))
    rows = []
    for item in unanswered:
        who = shorten(item.subject, base).rsplit("/", 1)[-1].rsplit("#", 1)[-1] if item.subject else ""
        name = "-".join(part for part in ("st", who, item.measure) if part)
        while name in taken:
            name += "-2"
        taken.add(name)
        row = {identifier.iri: name, measure.iri: item.measure}
        if item.subject:
            row[subject.iri] = shorten(item.subject, base)
        rows.append(row)
    return rows


# --- laying out the sheets ------------------------------------------------------------------------

def _header(ws, row: int, values: Sequence[str]) -> None:
    for i, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=i, value=value)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _shown_words(sheet: Sheet, values: dict) -> None:
    """Fill each ChoiceLabel column of a row with the words of the term its choice column names."""
    for column in sheet.columns_of("ChoiceLabel"):
        chosen = next((c for c in sheet.columns if c.iri == column.label_of), None)
        choice = chosen.choice_for(str(values.get(chosen.iri))) if chosen and values.get(chosen.iri) else None
        if choice is not None:
            values[column.iri] = f"{choice.zh}\n{choice.en}"


def _data_sheet(ws, sheet: Sheet, rows: list[dict], mapping: Mapping, choice_ranges: dict[str, str]) -> None:
    for values in rows:
        _shown_words(sheet, values)
    _header(ws, 1, [c.header for c in sheet.columns])
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 32
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        ws.cell(row=1, column=i).comment = Comment(_note(column, mapping), "fscai", width=320, height=160)
        rule = _validation(column, mapping, choice_ranges)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{FORMATTED_ROWS}")
            ws.add_data_validation(rule)
    for r, values in enumerate(rows, start=2):
        for i, column in enumerate(sheet.columns, start=1):
            value = values.get(column.iri)
            if value is None:
                continue
            cell = ws.cell(row=r, column=i, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif column.kind in ("Identifier", "Typed", "Text"):
                cell.number_format = "@"  # text: a UBN keeps its leading zero
            if isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _note(column: Column, mapping: Mapping) -> str:
    lines = [f"{column.zh} / {column.en}"]
    if column.hint_zh or column.hint_en:
        lines.append(f"{column.hint_zh} / {column.hint_en}")
    if column.required:
        lines.append("必填 / required")
    if column.multiple:
        lines.append("可填多個值，每行一個 / several values, one per line")
    if column.kind == "Typed" and column.datatype == XSD + "date":
        lines.append("日期 YYYY-MM-DD / a date, YYYY-MM-DD")
    if column.refers_to:
        names = "、".join(mapping.sheet(s).name for s in column.refers_to)
        lines.append(f"填入「{names}」之識別碼 / the ID of a row of: {names}")
    if column.choices:
        lines.append("選項見下拉清單及「選項」工作表 / choices: the drop-down list and the Choices sheet")
    return "\n".join(lines)


def _validation(column: Column, mapping: Mapping, choice_ranges: dict[str, str]) -> DataValidation | None:
    """The drop-down list of a choice or single reference column; for a column of several values a
    list that warns (a cell of two lines is no item of it) instead of refusing."""
    formula = choice_ranges.get(column.iri)
    if column.multiple and formula is None:
        return None
    if formula is None and column.kind == "Reference" and len(column.refers_to) == 1:
        target = mapping.sheet(column.refers_to[0])
        formula = f"'{target.name}'!$A$2:$A${FORMATTED_ROWS}"
    if formula is None:
        return None
    return DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                          errorStyle="warning" if column.multiple else "stop",
                          errorTitle="選項 / choice", error="請自清單選擇 / choose a value from the list")


def _choice_sets(mapping: Mapping) -> list[tuple[tuple[str, ...], list[Column]]]:
    sets: dict[tuple[str, ...], list[Column]] = {}
    for sheet in mapping.data_sheets:
        for column in sheet.columns:
            if column.choices:
                sets.setdefault(tuple(c.display for c in column.choices), []).append(column)
    return list(sets.items())


def _choices_sheet_ranges(mapping: Mapping) -> dict[str, str]:
    sheet = next((s for s in mapping.sheets if s.role == "ChoiceList"), None)
    if sheet is None:
        return {}
    ranges = {}
    for i, (displays, columns) in enumerate(_choice_sets(mapping), start=1):
        letter = get_column_letter(i)
        for column in columns:
            ranges[column.iri] = f"'{sheet.name}'!${letter}$2:${letter}${len(displays) + 1}"
    return ranges


def _choice_lists(ws, mapping: Mapping) -> None:
    for i, (displays, columns) in enumerate(_choice_sets(mapping), start=1):
        _header(ws, 1, [""] * (i - 1) + ["\n".join(sorted({f"{c.zh} {c.en}" for c in columns}))])
        ws.column_dimensions[get_column_letter(i)].width = 34
        for r, display in enumerate(displays, start=2):
            ws.cell(row=r, column=i, value=display)


def _measures(ws, catalogue: Catalogue) -> None:
    _header(ws, 1, ["編號\nNotation", "章\nChapter", "建議作法（原文）\nMeasure (zh-Hant)", "英文翻譯\nEnglish",
                    "生命週期階段\nStage", "用語\nModal word"])
    for width, letter in zip((10, 24, 60, 60, 24, 10), "ABCDEF"):
        ws.column_dimensions[letter].width = width
    for r, m in enumerate(catalogue.assessables, start=2):  # the measures, then the main concepts assessed on their own
        stage = f"{m.stage.notation} {m.stage.label.zh} / {m.stage.label.en}" if m.stage else ""
        for i, value in enumerate((m.notation, f"{m.chapter.label.zh} / {m.chapter.label.en}", m.label.zh,
                                   m.label.en, stage, m.modal_keyword or ""), start=1):
            ws.cell(row=r, column=i, value=value).alignment = Alignment(wrap_text=True, vertical="top")


def _read_me(ws, sheet: Sheet, mapping: Mapping) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 70
    ws.cell(row=1, column=1, value="金融業運用AI指引：落實情形自評活頁簿 / FSC AI guideline: self-assessment workbook"
            ).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=sheet.note_zh).alignment = Alignment(wrap_text=True)
    ws.cell(row=3, column=1, value=sheet.note_en).alignment = Alignment(wrap_text=True)
    _header(ws, 5, ["工作表\nSheet", "說明\nWhat it holds", "Description"])
    for r, s in enumerate(mapping.sheets, start=6):
        for i, value in enumerate((s.name, s.note_zh, s.note_en), start=1):
            ws.cell(row=r, column=i, value=value).alignment = Alignment(wrap_text=True, vertical="top")
