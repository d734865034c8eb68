"""One file of a submission as the checks pass it along: its bytes and text, its parser (for
the prefixes error positions use), the triples that passed, and errors placed in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from mapper.load.errors import LoadError, byte_position, char_position


@dataclass
class File:
    name: str
    fmt: ox.RdfFormat
    data: bytes = b""  # without BOM
    text: str = ""
    bom: bool = False
    parser: Any = None  # the pyoxigraph parser, for its prefixes
    triples: list[Any] = field(default_factory=list)  # ox.Quad in the default graph, checked
    identity: list[Any] = field(default_factory=list)  # the quads identify() needs
    #: for a workbook read as N-Triples: the cell (``'SHEET'!CELL``) each line came from
    places: list[str] | None = None
    _xml_comments: list[tuple[int, int]] | None = None

    def xml_comments(self) -> list[tuple[int, int]]:
        """Sorted (start, end) character spans of the XML comments."""
        if self._xml_comments is None:
            self._xml_comments = [m.span() for m in re.finditer(r"<!--.*?(?:-->|\Z)", self.text, re.DOTALL)]
        return self._xml_comments

    def error(self, cause: str, line: int | None = 1, column: int | None = 1) -> LoadError:
        if self.places:  # a workbook: the line of its N-Triples stands for a cell
            return LoadError(self.name, None, None, cause,
                             place=self.places[min(max(line or 1, 1), len(self.places)) - 1])
        return LoadError(self.name, line or 1, column or 1, cause)

    def error_at_char(self, index: int, cause: str) -> LoadError:
        line, column = char_position(self.text, index)
        return self.error(cause, line, column)

    def error_at_byte(self, offset: int, cause: str) -> LoadError:
        """``offset`` into ``data`` (the bytes after any BOM)."""
        line, column = byte_position(self.data, offset)
        return self.error(cause, line, column)
