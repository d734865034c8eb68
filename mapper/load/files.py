"""One file of a submission as the checks pass it along: its bytes and text, its parser (for
the prefixes error positions use), the triples that passed, and errors placed in it (lines end
at CR, LF or CRLF; the file's name is quoted in the message when it needs to be, see
:func:`mapper.load.errors.quote_name`)."""

from __future__ import annotations

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
    #: where the text is not code (its comments; its comments and strings), found once when an
    #: error is located (:func:`mapper.load.positions.spans`)
    spans: Any = None

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
