"""One-pass lexical scans of a file's text: its nesting depth, its comments and strings, the
bracket an unexpected end leaves open.

Each scan is one regular expression run once over the text (``re.findall`` / ``re.finditer``),
with no recursion: every branch consumes what it starts (possessive quantifiers, an unterminated
string runs to its line's end, a long one to the file's end), so each character is looked at a
bounded number of times and a scan is linear in the text, whatever the input.

- Turtle, TriG, N-Triples and N-Quads share one lexer (:data:`_TURTLE`): long and short strings,
  IRIs, comments, escapes, and the brackets ``[ ] ( ) { } << >>``;
- JSON: strings and the brackets ``[ ] { }``.

The nesting depth (blank-node property lists, collections, graph blocks and triple terms) of a
Turtle-family file is checked against :data:`~mapper.load.limits.MAX_NESTING` before pyoxigraph
parses it, and an over-deep file is refused at the first bracket beyond the limit. A JSON file's
depth is counted by the walk of :mod:`~mapper.load.jsonld` (no second pass over a file that is
fine); the scan only finds the bracket to point at. RDF/XML's depth is expat's
(:mod:`~mapper.load.rdfxml`).

>>> turtle_depth("ex:a ex:p [ ex:q ( 1 2 [ ex:r '[[[' ] ) ] . # [[[[")
3
>>> json_depth('{"a": [1, {"b": "]]]}}"}]}')
3
"""

from __future__ import annotations

import bisect
import itertools
import re

from mapper.load.errors import LoadError
from mapper.load.files import File
from mapper.load.limits import MAX_NESTING

# Each string branch is an unrolled loop (a run of plain characters, then escapes each followed by
# a run), possessive: no backtracking, and a run is taken at C speed.
_STRINGS = r"""
    \"\"\"[^"\\]*+(?:(?:\\.|"(?!""))[^"\\]*+)*+(?:\"\"\"|\Z)            # long strings, to the end if open
  | '''[^'\\]*+(?:(?:\\.|'(?!''))[^'\\]*+)*+(?:'''|\Z)
  | "[^"\\\r\n]*+(?:\\.[^"\\\r\n]*+)*+"?                        # short strings, to the line's end if open
  | '[^'\\\r\n]*+(?:\\.[^'\\\r\n]*+)*+'?
"""
_IRI = r"""<[^<>"{}|^`\\\x00-\x20]*+(?:\\.[^<>"{}|^`\\\x00-\x20]*+)*+>"""
_COMMENT = r"\#[^\r\n]*+"
#: Brackets as one group; runs of other characters, strings, IRIs, comments and escapes in
#: prefixed names skipped (a lone ``<`` or ``>`` too).
_TURTLE_BRACKETS = re.compile(f"""[^"'<>\\#\\\\\\[\\](){{}}]++ | {_STRINGS} | {_IRI} | {_COMMENT} | \\\\.
                                  | (<<|>>|[\\[\\](){{}}]) | [<>]""", re.VERBOSE | re.DOTALL)
#: Comments and strings as groups (where a term's name is not code).
_TURTLE = re.compile(f"""[^"'<>\\#\\\\]++ | (?P<string>{_STRINGS}) | {_IRI} | (?P<comment>{_COMMENT}) | \\\\.
                         | [<>]""", re.VERBOSE | re.DOTALL)
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_JSON_BRACKETS = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?|([\[\]{}])', re.DOTALL)

_DELTA = {"": 0, "[": 1, "(": 1, "{": 1, "<<": 1, "]": -1, ")": -1, "}": -1, ">>": -1}
_OPENERS = ("[", "(", "{", "<<")


def _depth(tokens: list[str]) -> int:
    """The deepest nesting of a sequence of bracket tokens; a closer without its opener does not
    lower the depth below 0 (the running sum, at C speed, is exact when it never goes below 0)."""
    deltas = list(map(_DELTA.__getitem__, tokens))
    sums = list(itertools.accumulate(deltas, initial=0))
    if min(sums) >= 0:
        return max(sums)
    return max(itertools.accumulate(deltas, lambda depth, delta: max(depth + delta, 0), initial=0))


def _may_exceed(text: str, openers: str, limit: int) -> bool:
    """Whether ``text`` holds more than ``limit`` opening brackets at all (a cheap bound)."""
    return sum(text.count(c) for c in openers) + text.count("<<") > limit


def turtle_depth(text: str) -> int:
    """The deepest bracket nesting of Turtle-family ``text`` (strings, IRIs and comments skipped)."""
    return _depth(list(filter(None, _TURTLE_BRACKETS.findall(text))))


def json_depth(text: str) -> int:
    """The deepest object and array nesting of JSON ``text`` (strings skipped)."""
    return _depth(re.findall(r"[\[\]{}]", _JSON_STRING.sub(" ", text)))


def check_turtle_nesting(f: File, limit: int = MAX_NESTING) -> None:
    """Refuse Turtle, TriG, N-Triples or N-Quads nested deeper than ``limit``, at the first
    bracket beyond it (one pass; a second one only to find that bracket)."""
    if not _may_exceed(f.text, "[({", limit) or turtle_depth(f.text) <= limit:
        return
    index = _beyond(_TURTLE_BRACKETS.finditer(f.text), limit)
    raise f.error_at_char(index, f"巢狀超過 {limit} 層 / nested deeper than {limit} levels (blank-node property "
                          "lists [ ], collections ( ), graph blocks { } or triple terms << >>) refused")


def check_json_nesting(f: File, limit: int = MAX_NESTING) -> None:
    """Refuse JSON nested deeper than ``limit``, at the first bracket beyond it."""
    if not _may_exceed(f.text, "[{", limit) or json_depth(f.text) <= limit:
        return
    index = _beyond(_JSON_BRACKETS.finditer(f.text), limit)
    raise f.error_at_char(index, f"巢狀超過 {limit} 層 / JSON nested deeper than {limit} levels (objects and "
                          "arrays) refused")


def _beyond(matches, limit: int) -> int:
    """The index of the first opening bracket at depth ``limit + 1``."""
    depth = 0
    for match in matches:
        token = match.group(1)
        if token:
            depth = max(depth + _DELTA[token], 0)
            if depth > limit:
                return match.start(1)
    return 0  # pragma: no cover - only called when the depth is over the limit


def unclosed_bracket(text: str, end: int | None = None) -> tuple[int, str] | None:
    """The index and token of the innermost bracket left open at the end of Turtle-family
    ``text`` (or at index ``end``), or None."""
    stack: list[tuple[int, str]] = []
    for match in _TURTLE_BRACKETS.finditer(text, 0, len(text) if end is None else end):
        token = match.group(1)
        if token in _OPENERS:
            stack.append((match.start(1), token))
        elif token and stack:
            stack.pop()
    return stack[-1] if stack else None


class Spans:
    """Sorted, disjoint (start, end) spans of a text: its comments, or its comments and strings.

    >>> spans = Spans([(2, 5), (9, 12)])
    >>> [spans.inside(i) for i in (1, 2, 4, 5, 10)]
    [False, True, True, False, True]
    """

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]

    def inside(self, index: int) -> bool:
        i = bisect.bisect_right(self.starts, index) - 1
        return i >= 0 and index < self.ends[i]


def turtle_spans(text: str) -> tuple[Spans, Spans]:
    """The comments, and the comments and string literals, of Turtle-family ``text``, in one pass."""
    comments: list[tuple[int, int]] = []
    not_code: list[tuple[int, int]] = []
    for match in _TURTLE.finditer(text):
        kind = match.lastgroup
        if kind == "comment":
            comments.append(match.span())
            not_code.append(match.span())
        elif kind == "string":
            not_code.append(match.span())
    return Spans(comments), Spans(not_code)


def xml_comment_spans(text: str) -> Spans:
    """The comments of XML ``text`` (one pass)."""
    return Spans([m.span() for m in re.finditer(r"<!--.*?(?:-->|\Z)", text, re.DOTALL)])


def skip_back(text: str, index: int, skipped: Spans) -> int:
    """The index just after the token before ``index``: whitespace and ``skipped`` spans
    (comments) passed over backwards."""
    while index > 0:
        if text[index - 1].isspace():
            index -= 1
            continue
        i = bisect.bisect_right(skipped.starts, index - 1) - 1
        if i >= 0 and index - 1 < skipped.ends[i]:
            index = skipped.starts[i]
            continue
        break
    return index


def error_at_unclosed(f: File, cause: str) -> LoadError | None:
    """An unexpected end of a Turtle-family file as an error at the bracket left open, if any."""
    found = unclosed_bracket(f.text)
    if found is None:
        return None
    index, token = found
    closer = {"[": "]", "(": ")", "{": "}", "<<": ">>"}[token]
    return f.error_at_char(index, f"{cause}: {token!r} opened here is never closed (missing {closer!r})")
