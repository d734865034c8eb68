"""SPARQL's lexical grammar, just enough of it: where comments, IRIs and strings are.

Some questions about a query are lexical (where are the braces of a CONSTRUCT's template? is the
word FROM a keyword here, or inside a string or a comment?): a small scanner answers them without
rdflib's parser, which is slow on the first sight of a large query. Escapes (``\\u0046``) are
not expanded here; a caller that must be sure parses the text (:mod:`mapper.store.parse`).

>>> [t[1] for t in tokens('SELECT * FROM <g> { ?s ?p "FROM" } # FROM') if t[0] == "word"]
['SELECT', 'FROM', 's', 'p']
"""

from __future__ import annotations

import re
from typing import Iterator

# SPARQL 1.1 grammar, section 19.8: IRIREF, the four string forms, comments; anything else is
# scanned one character (or one word) at a time.
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#[^\n\r]*)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, text, start, end) of each token; comments and whitespace included."""
    for match in _TOKEN.finditer(text):
        yield match.lastgroup or "other", match.group(), match.start(), match.end()


