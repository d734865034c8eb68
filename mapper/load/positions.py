"""Where in a file a refusal points.

Every refusal names ``FILE:LINE:COL`` (both 1-based, the column counted in characters; CR, LF
and CRLF end lines) so that the person who wrote the file can find the cause:

- syntax errors: the line and column pyoxigraph gives (its ``SyntaxError.lineno`` and
  ``.offset``), except where pyoxigraph notices an error only at the next token: a missing
  final dot points just after the statement's last token (comments and blank lines passed
  over backwards), an unexpected end of file at the bracket left open or after the last
  token; for RDF/XML well-formedness, expat's byte offset; for JSON, Python's ``json``'s
  character offset;
- byte-level checks (encoding, DOCTYPE, NUL): computed from the byte offset;
- checks on parsed triples (catalogue terms, literals, imports, identity) and parser
  errors without a position (RDF/XML and JSON-LD semantics): the first place in the
  file's text where the offending term is written (full IRI, compact ``prefix:local``
  name with the file's prefixes, then its local name, then a literal's text), outside
  comments (and, for an IRI, outside string literals). This is a best-effort text search,
  not a parser position; when nothing matches, ``1:1``.
- errors about the submission as a whole (no institution at all): the first file, ``1:1``.

Locating is linear in the file: the comments and strings are found once per file, in one pass
(:mod:`mapper.load.scan`); each candidate spelling is searched with ``str.find`` from where the
last match ended (every character is passed at most once per candidate), and whether a match
is in a comment is a binary search, not a scan back to the line's start.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from mapper.load.errors import LoadError, char_position, line_start
from mapper.load.files import File
from mapper.load.scan import Spans, error_at_unclosed, skip_back, turtle_spans, unclosed_bracket, xml_comment_spans

_POSITION_PREFIX = re.compile(r"^Parser error (?:at line \d+ (?:column \d+|between columns \d+ and \d+)"
                              r"|between line \d+ column \d+ and line \d+ column \d+): ")
_QUOTED = re.compile(r"'([^'\n]{1,200})'|`([^`\n]{1,200})`|\"([^\"\n]{1,200})\"")
_KEYWORD = re.compile(r"@[a-z]+")
#: Errors pyoxigraph notices at the token after the one at fault (or at the end of the file).
_AFTER_TOKEN = ("A dot is expected at the end of statements", "Quads must be followed by a dot",
                "Triples must be followed by a dot", "A '}' or a '.' is expected at the end of a graph block")
#: Errors at the token where a closing bracket was expected: the opening one is named too.
_EXPECTED_CLOSER = {"blank node property lists should end with a ']'": "["}
_UNEXPECTED_END = "Unexpected end"  # of the file, in a statement (not "Unexpected end of file": a string)
_TURTLE_FAMILY = frozenset({ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES,
                            ox.RdfFormat.N_QUADS})
_WORD_CHAR = re.compile(r"[\w.:-]")
_ANCHOR = re.compile(r"(?:about\s*=\s*|\"@id\"\s*:\s*)\Z")
#: Characters an IRI or literal may hold only escaped in some syntaxes (``\u202E``, ``&#x202E;``).
_ESCAPABLE = re.compile(r"[^\x21-\x7e\u00a0-\U0010ffff]|[\u0080-\u00a0\u061c\u200b-\u200f\u2028-\u202e"
                        r"\u2060-\u206f\ufeff]")
_NOT_LITERAL_TEXT = re.compile(r"[\"\\\x00-\x1f\x7f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The one substring search of this module (tests count the characters it passes).
_find = str.find


def spans(f: File) -> tuple[Spans, Spans]:
    """(comments, comments and string literals) of ``f``, found once per file in one pass."""
    if f.spans is None:
        if f.fmt == ox.RdfFormat.RDF_XML:
            comments = xml_comment_spans(f.text)
            f.spans = (comments, comments)
        elif f.fmt in _TURTLE_FAMILY:
            f.spans = turtle_spans(f.text)
        else:  # JSON has no comments
            f.spans = (Spans([]), Spans([]))
    return f.spans


def syntax_error(f: File, exc: SyntaxError) -> LoadError:
    """A pyoxigraph syntax error as a :class:`LoadError` at its position, or, without one,
    at the first text it quotes that the file holds."""
    message = str(exc.msg if exc.msg is not None else exc)
    cause = _POSITION_PREFIX.sub("", message)
    if exc.lineno:
        # pyoxigraph counts lines (CR, LF, CRLF) and columns (characters) from 1, as we do
        after_token = cause.startswith(_AFTER_TOKEN) or cause == _UNEXPECTED_END
        if f.fmt in _TURTLE_FAMILY and f.text and after_token and not f.places:
            index = min(line_start(f.text, exc.lineno) + max((exc.offset or 1) - 1, 0), len(f.text))
            if cause == _UNEXPECTED_END:
                unclosed = error_at_unclosed(f, cause)
                if unclosed is not None:
                    return unclosed
            return f.error_at_char(skip_back(f.text, index, spans(f)[0]), cause)
        if f.fmt in _TURTLE_FAMILY and cause in _EXPECTED_CLOSER and not f.places:
            index = min(line_start(f.text, exc.lineno) + max((exc.offset or 1) - 1, 0), len(f.text))
            opened = unclosed_bracket(f.text, index)
            if opened is not None and opened[1] == _EXPECTED_CLOSER[cause]:
                line, column = char_position(f.text, opened[0])
                cause = f"{cause} (the {opened[1]!r} of line {line}, column {column})"
        return f.error(cause, exc.lineno, exc.offset or 1)
    for match in _QUOTED.finditer(message):
        quoted = next(g for g in match.groups() if g is not None)
        index = _first(f, quoted, code=False)
        if index >= 0:
            return f.error_at_char(index, cause)
    if f.fmt == ox.RdfFormat.JSON_LD:  # a JSON-LD error names its keyword: point at its first use
        for keyword in _KEYWORD.findall(message):
            index = _first(f, f'"{keyword}"')
            if index >= 0:
                return f.error_at_char(index, cause)
    return f.error(cause)


def term_error(f: File, term: Any, cause: str, *, subject: bool = False, text: str | None = None,
               last: bool = False) -> LoadError:
    """A :class:`LoadError` at the place :func:`_locate` finds ``term`` written, else at 1:1."""
    index = _locate(f, term, subject=subject, text=text, last=last)
    return f.error_at_char(index, cause) if index >= 0 else f.error(cause)


def _locate(f: File, term: Any, *, subject: bool = False, text: str | None = None,
            last: bool = False) -> int:
    """Best-effort index in ``f.text`` where ``term`` is written; -1 if not found."""
    candidates: list[str] = []
    words: list[str] = []
    code = True
    if text is not None:
        candidates += [f"<{text}>", f'"{text}"', text]
    if isinstance(term, ox.NamedNode):
        iri = term.value
        candidates += [f"<{iri}>", f'"{iri}"', iri]
        prefixed: list[str] = []
        prefixes = dict(f.parser.prefixes) if f.parser is not None else {}
        for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if namespace and iri.startswith(namespace):
                prefixed.append(f"{prefix}:{iri[len(namespace):]}")
        candidates += prefixed
        # an IRI holding a character written escaped (\u202E, &#x202E;): what comes before it
        for spelled in [f"<{iri}", f'"{iri}', *prefixed]:
            escapable = _ESCAPABLE.search(spelled)
            if escapable and escapable.start() >= 8:
                candidates.append(spelled[:escapable.start()])
        local = re.split(r"[#/]", iri)[-1]
        if local and not _ESCAPABLE.search(local):
            words.append(local)
    elif isinstance(term, ox.Literal):
        code = False
        head = next((piece for piece in _NOT_LITERAL_TEXT.split(term.value[:1000]) if piece), "")[:60]
        if head:
            candidates.append(head)
        control = _CONTROL.search(term.value)
        if control:  # a literal of escapes only ("\u0000"): the escape of its first control character
            code_point = ord(control.group())
            candidates += [f"\\u{code_point:04X}", f"\\u{code_point:04x}", f"\\U{code_point:08X}", f"\\U{code_point:08x}"]
    for candidate in candidates:
        found = _first(f, candidate, subject=subject, last=last, code=code)
        if found >= 0:
            return found
    for word in words:
        found = _first(f, word, subject=subject, last=last, word=True, code=code)
        if found >= 0:
            return found
    return -1


def _first(f: File, needle: str, *, subject: bool = False, last: bool = False, word: bool = False,
           code: bool = True) -> int:
    """Index of the first occurrence of ``needle`` in ``f.text`` outside comments (and, with
    ``code``, outside string literals); the last one with ``last``. With ``subject``, prefer
    one that starts a line or follows ``about=`` (RDF/XML) or ``"@id":`` (JSON-LD). With
    ``word``, only an occurrence that is not part of a longer name. -1 if none.

    Occurrences are searched without overlap, each search starting where the last match
    ended: the text is passed once.
    """
    if not needle:
        return -1
    text = f.text
    comments, not_code = spans(f)
    skipped = not_code if code else comments
    length = len(needle)
    start, first, found = 0, -1, -1
    while True:
        index = _find(text, needle, start)
        if index < 0:
            break
        start = index + length
        if word and not _whole_word(text, index, start):
            continue
        if skipped.inside(index):
            continue
        if subject and not last:
            if _anchored(text, index):
                return index
            if first < 0:
                first = index
            continue
        found = index
        if not last:
            break
    return first if subject and not last else found


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _WORD_CHAR.match(before) and not (after == "-" or after.isalnum() or after == "_")


def _anchored(text: str, index: int) -> bool:
    """Whether ``index`` starts a line (after spaces or tabs) or follows ``about=`` / ``"@id":``;
    the look back is bounded (256 characters of indentation, 80 of ``about =``)."""
    j, floor = index, max(0, index - 256)
    while j > floor and text[j - 1] in " \t":
        j -= 1
    if j == 0 or text[j - 1] in "\r\n":
        return True
    return bool(_ANCHOR.search(text, max(0, index - 80), index))
