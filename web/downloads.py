"""A list's rows as a file: CSV (UTF-8 with a byte-order mark, so Excel reads Chinese), XLSX
(openpyxl) or JSON (a list of objects), with its name in ``Content-Disposition``.

A :class:`Table` is a header and rows of plain values; a list's rows come from its records
(:func:`table_of`: a bilingual label becomes two columns, ``NAME_zh`` and ``NAME_en``) or, for
gaps, from :class:`mapper.report.rows.GapRow`, the one definition of a gap row every report writes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from flask import Response

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "json": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple, ...]


def table_of(items: Sequence, columns: Sequence[tuple[str, Callable[[Any], Any]]]) -> Table:
    """A table of ``items``: one column per (name, value); a value that is a ``{"zh", "en"}``
    label (or None, for a column declared bilingual by its first non-empty value) becomes
    ``NAME_zh`` and ``NAME_en``."""
    values = [[get(item) for _, get in columns] for item in items]
    bilingual = [any(isinstance(row[i], dict) for row in values) for i in range(len(columns))]
    header: list[str] = []
    for (name, _), two in zip(columns, bilingual):
        header += [f"{name}_zh", f"{name}_en"] if two else [name]
    rows = []
    for row in values:
        out: list = []
        for value, two in zip(row, bilingual):
            if two:
                out += [value.get("zh", "") if value else "", value.get("en", "") if value else ""]
            else:
                out.append("" if value is None else value)
        rows.append(tuple(out))
    return Table(tuple(header), tuple(rows))


def _csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(table: Table, sheet: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append(list(table.header))
    for row in table.rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _json(table: Table) -> bytes:
    return json.dumps([dict(zip(table.header, row)) for row in table.rows], ensure_ascii=False, indent=1).encode()


def download(table: Table, filename: str, fmt: str) -> Response:
    """The response that downloads ``table`` as ``filename`` in ``fmt`` (one of :data:`FORMATS`)."""
    body = {"csv": _csv, "json": _json}[fmt](table) if fmt != "xlsx" else _xlsx(table, filename.rsplit(".", 1)[0])
    response = Response(body, mimetype=MEDIA_TYPES[fmt].split(";")[0], content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
