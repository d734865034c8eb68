"""The checks of an RDF/XML file before pyoxigraph parses it.

Any ``<!DOCTYPE`` or ``<!ENTITY`` is refused (byte scan, case-insensitive, anywhere in the
file) *before* parsing: pyoxigraph expands internal entities without bound ("billion
laughs") and DTDs can point at local files. An XML declaration naming an encoding other
than UTF-8 is refused (submissions are UTF-8). Well-formedness is checked with expat first,
so that XML errors carry a line and column (from expat's byte offset: CR, LF and CRLF end
lines, columns count characters), and elements nested deeper than
:data:`~mapper.load.limits.MAX_NESTING` are refused, at the start tag one level too deep,
counted by expat's handlers in one pass without recursion (pyoxigraph's RDF/XML parser is
quadratic in depth).
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

from mapper.load.files import File
from mapper.load.limits import MAX_NESTING

_DTD = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"\A\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def check_rdf_xml(f: File) -> None:
    """Refuse DTDs and entities, another encoding, XML that is not well-formed, or too deep."""
    match = _DTD.search(f.data)
    if match:
        raise f.error_at_byte(match.start(), f"RDF/XML with a {match.group(1).decode().upper()} declaration "
                              "refused: DTDs and entities can expand without bound (billion laughs) or "
                              "read other files; remove the DOCTYPE and write the text out")
    enc = _XML_ENCODING.match(f.data)
    if enc and enc.group(1).decode("ascii", "replace").lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise f.error_at_byte(enc.start(1), f"XML declaration names encoding "
                              f"{enc.group(1).decode('ascii', 'replace')!r}: submissions must be UTF-8")

    class TooDeep(Exception):
        pass

    parser = expat.ParserCreate(encoding="UTF-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(name: str, attrs: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise TooDeep()

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def refuse(*args: Any) -> None:  # belt and braces: the byte scan already refused DTDs
        raise expat.ExpatError("DTD")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(f.data, True)
    except TooDeep:  # at the start tag one level too deep
        raise f.error_at_byte(parser.CurrentByteIndex, f"巢狀超過 {MAX_NESTING} 層 / XML elements nested deeper "
                              f"than {MAX_NESTING} levels refused") from None
    except expat.ExpatError as exc:
        cause = expat.ErrorString(exc.code) if getattr(exc, "code", None) else str(exc)
        # expat's byte offset of the error (its line and column count bytes, from 0)
        offset = parser.ErrorByteIndex if parser.ErrorByteIndex >= 0 else parser.CurrentByteIndex
        raise f.error_at_byte(max(offset, 0), f"XML is not well-formed: {cause}") from None
