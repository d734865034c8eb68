"""Where in a file a refusal points.

Every refusal names ``FILE:LINE:COL`` (both 1-based, the column counted in characters) so
that the person who wrote the file can find the cause:

- syntax errors: the line and column pyoxigraph gives (its ``SyntaxError.lineno`` and
  ``.offset``); for RDF/XML well-formedness, expat's; for JSON, Python's ``json``'s;
- byte-level checks (encoding, DOCTYPE, NUL): computed from the byte offset;
- checks on parsed triples (catalogue terms, literals, imports, identity) and parser
  errors without a position (RDF/XML and JSON-LD semantics): the first place in the
  file's text where the offending term is written (full IRI, compact ``prefix:local``
  name with the file's prefixes, then its local name, then a literal's text). This is a
  best-effort text search, not a parser position; when nothing matches, ``1:1``.
- errors about the submission as a whole (no institution at all): the first file, ``1:1``.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import pyoxigraph as ox

from mapper.load.errors import LoadError
from mapper.load.files import File

_POSITION_PREFIX = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")
_QUOTED = re.compile(r"'([^'\n]{1,200})'|`([^`\n]{1,200})`|\"([^\"\n]{1,200})\"")


def syntax_error(f: File, exc: SyntaxError) -> LoadError:
    """A pyoxigraph syntax error as a :class:`LoadError` at its position, or, without one,
    at the first text it quotes that the file holds."""
    message = str(exc.msg if exc.msg is not None else exc)
    cause = _POSITION_PREFIX.sub("", message)
    if exc.lineno:
        # pyoxigraph counts lines and columns from 1, columns in characters
        return f.error(cause, exc.lineno, exc.offset or 1)
    for match in _QUOTED.finditer(message):
        quoted = next(g for g in match.groups() if g is not None)
        index = f.text.find(quoted)
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
    if text is not None:
        candidates += [f"<{text}>", f'"{text}"', text]
    if isinstance(term, ox.NamedNode):
        iri = term.value
        candidates += [f"<{iri}>", f'"{iri}"', iri]
        prefixes = dict(f.parser.prefixes) if f.parser is not None else {}
        for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if namespace and iri.startswith(namespace):
                candidates.append(f"{prefix}:{iri[len(namespace):]}")
        local = re.split(r"[#/]", iri)[-1]
        if local:
            words.append(local)
    elif isinstance(term, ox.Literal):
        head = re.split(r'["\\\n\r]', term.value, maxsplit=1)[0][:60]
        if head:
            candidates.append(head)
    best = -1
    for candidate in candidates:
        best = _first(f, re.escape(candidate), subject, last)
        if best >= 0:
            return best
    for word in words:
        best = _first(f, r"(?<![\w.:-])" + re.escape(word) + r"(?![\w-])", subject, last)
        if best >= 0:
            return best
    return -1


def _first(f: File, pattern: str, subject: bool, last: bool = False) -> int:
    """Index of the first match of ``pattern`` in ``f.text`` outside comments (the last
    one with ``last``); with ``subject``, prefer a match that starts a line or follows
    ``about=`` (RDF/XML) or ``"@id":`` (JSON-LD)."""
    text = f.text
    hash_comments = f.fmt not in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)
    xml_comments = f.xml_comments() if f.fmt == ox.RdfFormat.RDF_XML else []

    def in_comment(index: int) -> bool:
        if hash_comments:
            before = text[text.rfind("\n", 0, index) + 1:index]
            if re.search(r"(^|\s)#", before):
                return True
        if xml_comments:
            i = bisect.bisect_right(xml_comments, (index, float("inf"))) - 1
            return i >= 0 and xml_comments[i][0] <= index < xml_comments[i][1]
        return False

    if subject and not last:
        anchored = r"(?m)(?:^[ \t]*|about\s*=\s*|\"@id\"\s*:\s*)(" + pattern + ")"
        for match in re.finditer(anchored, text):
            if not in_comment(match.start(1)):
                return match.start(1)
    found = -1
    for match in re.finditer(pattern, text):
        if not in_comment(match.start()):
            found = match.start()
            if not last:
                break
    return found
