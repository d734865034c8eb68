"""The loader's one error, :class:`LoadError` (``FILE:LINE:COL: cause``), and the line and column
of a character or byte offset. Where an error points in a file is :mod:`mapper.load.positions`.

An error is always one line of plain text, whatever the file's name or content: a file name is
quoted (Python ``repr``) when it holds a character that is not printable (a newline, a tab, an
escape, a bidi control ...) or a colon before a digit, so that a name cannot forge another error
line, a place, nor reorder what a terminal shows; a cause's whitespace is collapsed and its other unprintable characters escaped.
Lines end at CR, LF or CRLF, as in the RDF and XML grammars; columns count characters.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

_LINE_END = re.compile(r"\r\n?|\n")
#: In a name, what could pass for the ``:LINE:COL`` of a message.
_FORGED_PLACE = re.compile(r":\d")


def quote_name(name: str) -> str:
    """A file name as written in a message: as is when every character prints, else its ``repr``
    (which escapes newlines, tabs, escapes, bidi controls and every other unprintable character).

    >>> quote_name("data/bank.ttl"), quote_name("銀行 2025.ttl")
    ('data/bank.ttl', '銀行 2025.ttl')
    >>> print(quote_name("a.ttl:1:1: forged\\nb.ttl"))
    'a.ttl:1:1: forged\\nb.ttl'
    >>> print(quote_name("x.ttl:9:9: forged"))
    'x.ttl:9:9: forged'
    >>> print(quote_name("evil\\u202egpj.ttl"))
    'evil\\u202egpj.ttl'
    """
    return name if name.isprintable() and not _FORGED_PLACE.search(name) else repr(name)


def one_line(text: str) -> str:
    """``text`` with its whitespace collapsed and any other unprintable character escaped.

    >>> print(one_line("a\\n  b\\x1b[31m c\\u202e"))
    a b\\x1b[31m c\\u202e
    """
    collapsed = " ".join(str(text).split())
    if collapsed.isprintable():
        return collapsed
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in collapsed)


class LoadError(Exception):
    """A refused submission: prints as ``FILE:LINE:COL: cause`` on one line.

    ``errors`` holds every error found (the first error of each file), this one first.
    ``line`` and ``column`` are None only for errors that concern no file (no files
    given, no catalogue in the store); those print as ``FILE: cause``. In a workbook the
    place is a cell, ``place``, and the error prints as ``FILE:'SHEET'!CELL: cause``.
    ``file`` is the name as given; the message quotes it if needed (:func:`quote_name`).

    >>> str(LoadError("a.ttl", 3, 15, "A language code\\nshould start with a letter"))
    'a.ttl:3:15: A language code should start with a letter'
    >>> str(LoadError("a.xlsx", None, None, "unknown choice", place="'AI系統 AI systems'!H3"))
    "a.xlsx:'AI系統 AI systems'!H3: unknown choice"
    >>> print(LoadError("x.ttl:9:9: forged\\ny.ttl", 1, 1, "no triples in file"))
    'x.ttl:9:9: forged\\ny.ttl':1:1: no triples in file
    """

    def __init__(self, file: str, line: int | None, column: int | None, cause: str,
                 errors: Sequence[LoadError] = (), place: str | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.place = place
        self.cause = one_line(cause)
        self.errors: tuple[LoadError, ...] = tuple(errors) or (self,)
        super().__init__(str(self))

    def __str__(self) -> str:
        name = quote_name(self.file)
        if self.place is not None:
            return f"{name}:{one_line(self.place)}: {self.cause}"
        if self.line is None:
            return f"{name}: {self.cause}"
        return f"{name}:{self.line}:{self.column or 1}: {self.cause}"

    def __reduce__(self):  # picklable despite the custom __init__
        return (LoadError, (self.file, self.line, self.column, self.cause, (), self.place))


def char_position(text: str, index: int) -> tuple[int, int]:
    """(line, column) of character ``index`` of ``text``, both from 1; CR, LF and CRLF end lines.

    >>> char_position("a\\rb\\r\\nc\\nd", 7), char_position("ab", 1)
    ((4, 1), (1, 2))
    """
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + text.count("\r", 0, index) - text.count("\r\n", 0, index) + 1
    start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return line, index - start + 1


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of byte ``offset`` of UTF-8 ``data``, the column in characters, both from 1.

    >>> byte_position("é\\rb".encode(), 3), byte_position("éb".encode(), 2)
    ((2, 1), (1, 2))
    """
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def line_start(text: str, line: int) -> int:
    """The index in ``text`` where line ``line`` (from 1; CR, LF and CRLF end lines) starts, or
    ``len(text)`` past the last line. One pass over the lines before it.

    >>> line_start("a\\r\\nb\\rc\\nd", 3), line_start("a\\nb", 9), line_start("ab", 1)
    (5, 3, 0)
    """
    if line <= 1:
        return 0
    end = next(itertools.islice(_LINE_END.finditer(text), line - 2, None), None)
    return len(text) if end is None else end.end()


def show(term: Any) -> str:
    """A term as written in an error message, cut at 120 characters."""
    text = str(term)
    return text if len(text) <= 120 else text[:117] + "..."
