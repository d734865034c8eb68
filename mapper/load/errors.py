"""The loader's one error, :class:`LoadError` (``FILE:LINE:COL: cause``), and the line and column
of a character or byte offset. Where an error points in a file is :mod:`mapper.load.positions`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class LoadError(Exception):
    """A refused submission: prints as ``FILE:LINE:COL: cause`` on one line.

    ``errors`` holds every error found (the first error of each file), this one first.
    ``line`` and ``column`` are None only for errors that concern no file (no files
    given, no catalogue in the store); those print as ``FILE: cause``. In a workbook the
    place is a cell, ``place``, and the error prints as ``FILE:'SHEET'!CELL: cause``.

    >>> str(LoadError("a.ttl", 3, 15, "A language code\\nshould start with a letter"))
    'a.ttl:3:15: A language code should start with a letter'
    >>> str(LoadError("a.xlsx", None, None, "unknown choice", place="'AI系統 AI systems'!H3"))
    "a.xlsx:'AI系統 AI systems'!H3: unknown choice"
    """

    def __init__(self, file: str, line: int | None, column: int | None, cause: str,
                 errors: Sequence[LoadError] = (), place: str | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.place = place
        self.cause = " ".join(str(cause).split())
        self.errors: tuple[LoadError, ...] = tuple(errors) or (self,)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.place is not None:
            return f"{self.file}:{self.place}: {self.cause}"
        if self.line is None:
            return f"{self.file}: {self.cause}"
        return f"{self.file}:{self.line}:{self.column or 1}: {self.cause}"

    def __reduce__(self):  # picklable despite the custom __init__
        return (LoadError, (self.file, self.line, self.column, self.cause, (), self.place))


def char_position(text: str, index: int) -> tuple[int, int]:
    """(line, column) of character ``index`` of ``text``, both from 1."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of byte ``offset`` of UTF-8 ``data``, the column in characters, both from 1."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def show(term: Any) -> str:
    """A term as written in an error message, cut at 120 characters."""
    text = str(term)
    return text if len(text) <= 120 else text[:117] + "..."
