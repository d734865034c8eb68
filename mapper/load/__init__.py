"""Safe, atomic loading of one institution's submission (one or many RDF files).

A submission is parsed and checked *completely* before anything is written; then its
triples replace one named graph in one call, ``store.replace_graph``. A refused
submission leaves the store exactly as it was.

What is refused, and why (every refusal is a :class:`LoadError`):

- **Files**: an unknown extension (the format is chosen by extension only, see
  :data:`FORMATS`); a file over ``Limits.max_file_bytes`` (checked with ``stat`` before
  reading); an empty file; bytes that are not UTF-8 (Big5, Latin-1, UTF-16 ...) or NUL
  bytes; an XML declaration naming another encoding.
- **RDF/XML**: any ``<!DOCTYPE`` or ``<!ENTITY`` (byte scan, case-insensitive, anywhere in
  the file) *before* parsing: pyoxigraph expands internal entities without bound
  ("billion laughs") and DTDs can point at local files. Elements nested deeper than
  :data:`MAX_NESTING` are refused (pyoxigraph's RDF/XML parser is quadratic in depth).
  Well-formedness is checked first with expat so that XML errors carry a line and column.
- **JSON-LD**: the JSON is walked before parsing; any ``@context`` that is a string
  (an IRI reference: remote, ``file:`` or relative) and any ``@import`` are refused: a
  submission must be self-contained and the loader never fetches anything. Duplicate
  keys, invalid ``@language`` tags and ``@id`` values with characters no IRI may hold are
  refused too, because the JSON-LD algorithms would otherwise *drop* those statements
  silently. Relative IRIs are resolved against a sentinel base and then refused.
  Known limit: a JSON key that expands to no IRI (an undefined term) is dropped by
  JSON-LD itself, without a trace; the SHACL stage reports the data that is missing.
- **Named graphs** (TriG, N-Quads, JSON-LD ``@graph`` with an ``@id``): refused, not
  flattened. A submission *is* one graph, named by the loader; a graph name inside a file
  would be silently lost if flattened. Put the triples in the default graph (TriG's
  ``{ ... }`` block without a name is fine).
- **Blank nodes** are renamed per file, so ``_:b`` in two files are two nodes (RDF merge).
- **owl:imports**: refused, whatever its object. Imports are never followed and a
  submission must be self-contained; keeping an import that does nothing would mislead.
- **RDF 1.2** triple terms and directional language strings: refused (rdflib, which
  pySHACL needs, cannot hold them). ``rdf:XMLLiteral`` and ``rdf:HTML`` literals are
  refused: rdflib parses them with an XML/HTML parser when the graph is built.
- **Literals**: longer than ``Limits.max_literal_chars`` characters, or ill-typed for an
  XSD datatype (``"2025-02-30"^^xsd:date``, ``"300"^^xsd:unsignedByte``): the parsers
  accept those silently; :func:`xsd_valid` judges them.
- **Size**: more than ``Limits.max_triples`` triples in the whole submission.
- **The catalogue**: a triple whose subject is a catalogue term ("submissions may not
  redefine the guideline"); any IRI in the guideline namespace (``fscg:``) that is not a
  catalogue term, e.g. a typo'd measure ``fscg:measure-9.9.9``.
- **Identity**: the submission must hold exactly one ``fsc:Institution``, named by an
  IRI, with exactly one ``fsc:unifiedBusinessNumber`` of 8 digits (a plain string), and
  exactly one ``fsc:Submission`` with exactly one ``dct:issued`` of type ``xsd:date``
  written ``YYYY-MM-DD``; an ``fsc:submittedBy`` on it, if given, must name that
  institution. They name the graph: ``SUBMISSION_GRAPH_PREFIX + UBN + "/" + date``.

Where errors point (``FILE:LINE:COL``, both 1-based, the column counted in characters):

- syntax errors: the line and column pyoxigraph gives (its ``SyntaxError.lineno`` and
  ``.offset``); for RDF/XML well-formedness, expat's; for JSON, Python's ``json``'s;
- byte-level checks (encoding, DOCTYPE, NUL): computed from the byte offset;
- checks on parsed triples (catalogue terms, literals, imports, identity) and parser
  errors without a position (RDF/XML and JSON-LD semantics): the first place in the
  file's text where the offending term is written (full IRI, compact ``prefix:local``
  name with the file's prefixes, then its local name, then a literal's text). This is a
  best-effort text search, not a parser position; when nothing matches, ``1:1``.
- errors about the submission as a whole (no institution at all): the first file, ``1:1``.

All files are checked, each up to its first error; the :class:`LoadError` raised is the
first file's error and carries every file's first error in ``errors`` (one line each).
Files after the one that exhausts ``Limits.max_triples`` are not read. Identity is
checked only when every file passed.

Cost (measured on 2 cores): the 507,775 triples of a synthetic institution of 500 AI systems
(78 MB of N-Triples) parse and check in ~2 s, and the store writes them in ~1 s more
(``bench/bench_analysis.py``); the rdflib graph (:attr:`Submission.graph`) is built only when
asked for.

>>> import tempfile, pathlib
>>> from mapper.namespaces import FSCG
>>> ttl = '''@prefix fsc: <https://w3id.org/fscai/def#> .
... @prefix dct: <http://purl.org/dc/terms/> .
... @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
... <https://bank.example/> a fsc:Institution ; fsc:unifiedBusinessNumber "12345678" .
... [] a fsc:Submission ; fsc:submittedBy <https://bank.example/> ;
...    dct:issued "2025-06-30"^^xsd:date .
... '''
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "bank.ttl")
...     _ = path.write_text(ttl, encoding="utf-8")
...     sub = parse_submission([path], catalogue_terms=frozenset())
>>> sub.graph_iri, sub.ubn, len(sub.graph)
('https://w3id.org/fscai/graph/submission/12345678/2025-06-30', '12345678', 5)
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "typo.ttl")
...     _ = path.write_text(ttl + f"<https://bank.example/> dct:references <{FSCG}measure-9.9.9> .\\n")
...     parse_submission([path], catalogue_terms=frozenset())  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
mapper.load.LoadError: .../typo.ttl:7:40: unknown catalogue term <https://w3id.org/fscai/guideline/draft/measure-9.9.9>: ...
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
import gc
import json
import os
import re
import xml.parsers.expat as expat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from mapper.namespaces import FSC, FSCG
from mapper.graphs import CATALOGUE_GRAPH, submission_graph_iri

if TYPE_CHECKING:  # pragma: no cover
    from mapper.store import Store

__all__ = [
    "FORMATS",
    "Limits",
    "LoadError",
    "Submission",
    "parse_submission",
    "load_submission",
    "catalogue_terms_from",
    "catalogue_terms_from_files",

    "xsd_valid",
    "MAX_NESTING",
]

#: File extension (lower case) -> pyoxigraph format. Nothing else is guessed.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

#: Deepest element / JSON nesting accepted. Real submissions stay far below 50 levels;
#: pyoxigraph's RDF/XML parser takes ~0.6 s at depth 8,000 and minutes at 100,000.
MAX_NESTING = 512

#: Base IRI given to the JSON-LD and RDF/XML parsers, which otherwise *drop* statements
#: with relative IRIs silently. Any IRI under it is refused as relative.
RELATIVE_BASE = "https://relative-iri.invalid/"

ENV_MAX_FILE_BYTES = "FSCAI_MAX_FILE_BYTES"
ENV_MAX_TRIPLES = "FSCAI_MAX_TRIPLES"
ENV_MAX_LITERAL_CHARS = "FSCAI_MAX_LITERAL_CHARS"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
DCT_ISSUED = "http://purl.org/dc/terms/issued"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_DATE = XSD + "date"
RDF_XML_LITERAL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral"
RDF_HTML = "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
FSC_INSTITUTION = str(FSC.Institution)
FSC_SUBMISSION = str(FSC.Submission)
FSC_UBN = str(FSC.unifiedBusinessNumber)
FSC_SUBMITTED_BY = str(FSC.submittedBy)
FSCG_NS = str(FSCG)

_BOM = b"\xef\xbb\xbf"
_DTD = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"\A\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_LANG_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")
_NOT_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_UBN = re.compile(r"[0-9]{8}\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_POSITION_PREFIX = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")
_QUOTED = re.compile(r"'([^'\n]{1,200})'|`([^`\n]{1,200})`|\"([^\"\n]{1,200})\"")


# --- limits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Size limits of one submission. Override with CLI options or the environment.

    - ``max_file_bytes`` (``FSCAI_MAX_FILE_BYTES``, default 64 MiB): size of each file,
      checked with ``stat`` before reading;
    - ``max_triples`` (``FSCAI_MAX_TRIPLES``, default 1,000,000): triples in the whole
      submission (about 1,000 AI systems at ~1,000 triples each);
    - ``max_literal_chars`` (``FSCAI_MAX_LITERAL_CHARS``, default 100,000): characters in
      one literal (a long policy excerpt fits; a pasted document does not).

    >>> Limits().max_triples
    1000000
    >>> Limits.from_env({"FSCAI_MAX_TRIPLES": "500"}).max_triples
    500
    >>> Limits.from_env({"FSCAI_MAX_TRIPLES": "500"}, max_triples=7).max_triples
    7
    >>> Limits.from_env({"FSCAI_MAX_TRIPLES": "lots"})
    Traceback (most recent call last):
        ...
    ValueError: FSCAI_MAX_TRIPLES must be a positive integer, got 'lots'
    """

    max_file_bytes: int = 64 * 1024 * 1024
    max_triples: int = 1_000_000
    max_literal_chars: int = 100_000

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{f.name} must be a positive integer, got {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: int | None) -> "Limits":
        """Defaults, then the ``FSCAI_MAX_*`` variables of ``environ`` (``os.environ`` if
        None), then the ``overrides`` that are not None (the CLI options)."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, var in (("max_file_bytes", ENV_MAX_FILE_BYTES), ("max_triples", ENV_MAX_TRIPLES),
                          ("max_literal_chars", ENV_MAX_LITERAL_CHARS)):
            raw = environ.get(var)
            if raw is not None and raw.strip():
                try:
                    values[name] = int(raw.strip().replace("_", ""))
                except ValueError:
                    raise ValueError(f"{var} must be a positive integer, got {raw!r}") from None
                if values[name] < 1:
                    raise ValueError(f"{var} must be a positive integer, got {raw!r}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


# --- errors ----------------------------------------------------------------------------


class LoadError(Exception):
    """A refused submission: prints as ``FILE:LINE:COL: cause`` on one line.

    ``errors`` holds every error found (the first error of each file), this one first.
    ``line`` and ``column`` are None only for errors that concern no file (no files
    given, no catalogue in the store); those print as ``FILE: cause``.

    >>> str(LoadError("a.ttl", 3, 15, "A language code\\nshould start with a letter"))
    'a.ttl:3:15: A language code should start with a letter'
    """

    def __init__(self, file: str, line: int | None, column: int | None, cause: str,
                 errors: Sequence["LoadError"] = ()) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.cause = " ".join(str(cause).split())
        self.errors: tuple[LoadError, ...] = tuple(errors) or (self,)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.cause}"
        return f"{self.file}:{self.line}:{self.column or 1}: {self.cause}"

    def __reduce__(self):  # picklable despite the custom __init__
        return (LoadError, (self.file, self.line, self.column, self.cause))


# --- the result ------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """One checked submission, ready to be written (or already written) to the store."""

    institution: str
    ubn: str
    date: datetime.date
    graph_iri: str
    files: tuple[str, ...]
    #: number of distinct triples
    triples: int
    #: the triples as N-Triples, as written by :func:`load_submission`
    ntriples: bytes = field(compare=False, repr=False)

    @functools.cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib Graph (for pySHACL), built on first use: rdflib needs
        ~50 s for 600,000 triples, which loading alone need not pay."""
        graph = Graph()
        for triple in ox.parse(self.ntriples, ox.RdfFormat.N_TRIPLES):
            graph.add((_rdflib_term(triple.subject), _rdflib_term(triple.predicate),
                       _rdflib_term(triple.object)))
        return graph


# --- one file --------------------------------------------------------------------------


@dataclass
class _File:
    name: str
    fmt: ox.RdfFormat
    data: bytes = b""  # without BOM
    text: str = ""
    bom: bool = False
    parser: Any = None  # the pyoxigraph parser, for its prefixes
    triples: list[Any] = field(default_factory=list)  # ox.Quad in the default graph, checked
    identity: list[Any] = field(default_factory=list)  # the quads _identify needs
    _xml_comments: list[tuple[int, int]] | None = None

    def xml_comments(self) -> list[tuple[int, int]]:
        """Sorted (start, end) character spans of the XML comments."""
        if self._xml_comments is None:
            self._xml_comments = [m.span() for m in re.finditer(r"<!--.*?(?:-->|\Z)", self.text, re.DOTALL)]
        return self._xml_comments

    def error(self, cause: str, line: int | None = 1, column: int | None = 1) -> LoadError:
        return LoadError(self.name, line or 1, column or 1, cause)

    def error_at_char(self, index: int, cause: str) -> LoadError:
        line, column = _char_position(self.text, index)
        return self.error(cause, line, column)

    def error_at_byte(self, offset: int, cause: str) -> LoadError:
        """``offset`` into ``data`` (the bytes after any BOM)."""
        line, column = _byte_position(self.data, offset)
        return self.error(cause, line, column)


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.triples = 0
        self.exhausted = False


def _char_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def _read(path: Path, limits: Limits) -> _File:
    name = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        if path.is_dir():
            raise LoadError(name, 1, 1, "is a directory: give the submission's files")
        raise LoadError(name, 1, 1, f"unknown file extension {path.suffix or '(none)'!r}: use one of "
                        + " ".join(sorted(FORMATS)))
    f = _File(name, fmt)
    try:
        st = path.stat()
    except OSError as exc:
        raise f.error(f"cannot read file: {exc.strerror or exc}") from None
    if not path.is_file():  # a directory, FIFO or device (/dev/zero) is never read
        raise f.error("not a regular file")
    if st.st_size > limits.max_file_bytes:
        raise f.error(f"file is {st.st_size} bytes, over the limit of {limits.max_file_bytes} bytes "
                      f"(--max-file-bytes / {ENV_MAX_FILE_BYTES})")
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise f.error(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limits.max_file_bytes:  # grew after stat
        raise f.error(f"file is over the limit of {limits.max_file_bytes} bytes "
                      f"(--max-file-bytes / {ENV_MAX_FILE_BYTES})")
    if data.startswith(_BOM):
        data, f.bom = data[len(_BOM):], True
    f.data = data
    if not data.strip():
        raise f.error("empty file, no triples")
    nul = data.find(b"\x00")
    try:
        f.text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if 0 <= nul < exc.start:
            raise f.error_at_byte(nul, _nul_cause(nul, f.bom)) from None
        offset = exc.start + (len(_BOM) if f.bom else 0)
        raise f.error_at_byte(exc.start, f"not UTF-8: byte 0x{data[exc.start]:02X} at byte offset {offset} "
                              "(Big5, Latin-1 or UTF-16?): save the file as UTF-8") from None
    if nul >= 0:
        raise f.error_at_byte(nul, _nul_cause(nul, f.bom))
    return f


def _nul_cause(offset: int, bom: bool) -> str:
    return (f"NUL byte at byte offset {offset + (len(_BOM) if bom else 0)}: not a UTF-8 text file "
            "(UTF-16?): save the file as UTF-8")


def _check_rdf_xml(f: _File) -> None:
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
    except TooDeep:
        raise f.error(f"XML elements nested deeper than {MAX_NESTING} levels refused",
                      parser.CurrentLineNumber, _xml_column(f, parser.CurrentLineNumber,
                                                            parser.CurrentColumnNumber)) from None
    except expat.ExpatError as exc:
        cause = expat.ErrorString(exc.code) if getattr(exc, "code", None) else str(exc)
        line = getattr(exc, "lineno", None) or parser.CurrentLineNumber
        column = getattr(exc, "offset", None)
        column = parser.CurrentColumnNumber if column is None else column
        raise f.error(f"XML is not well-formed: {cause}", line, _xml_column(f, line, column)) from None


def _xml_column(f: _File, line: int, byte_column: int) -> int:
    """expat counts columns in bytes from 0; we count characters from 1."""
    lines = f.data.split(b"\n")
    if not 1 <= line <= len(lines):
        return 1
    return len(lines[line - 1][:byte_column].decode("utf-8", errors="replace")) + 1


class _JsonObject(list):
    """A JSON object as its list of (key, value) pairs, duplicates kept."""


def _check_json_ld(f: _File) -> None:
    try:
        document = json.loads(f.text, object_pairs_hook=_JsonObject)
    except json.JSONDecodeError as exc:
        raise f.error(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise f.error(f"JSON nested deeper than {MAX_NESTING} levels refused") from None
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise f.error(f"JSON nested deeper than {MAX_NESTING} levels refused")
        if isinstance(node, _JsonObject):
            seen: set[str] = set()
            for key, value in node:
                if key in seen:
                    raise _json_error(f, key, value, f"duplicate key {key!r} in one JSON object: "
                                      "JSON-LD would keep only one of them")
                seen.add(key)
                if key == "@context":
                    _check_context(f, value)
                elif key == "@import":
                    raise _json_error(f, key, value, f"JSON-LD @import of {value!r} refused: a submission "
                                      "must be self-contained, the loader fetches nothing")
                elif key == "@language" and isinstance(value, str) and not _LANG_TAG.match(value):
                    raise _json_error(f, key, value, f"invalid language tag {value!r}: JSON-LD would drop "
                                      "the value silently")
                elif key in ("@id", "@base", "@vocab") and isinstance(value, str) \
                        and _NOT_IRI_CHARS.search(value):
                    raise _json_error(f, key, value, f"invalid IRI {value!r} in {key}: JSON-LD would drop "
                                      "the node silently")
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


def _check_context(f: _File, value: Any) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            kind = "file: " if item.lower().startswith("file:") else (
                "remote " if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", item) else "relative ")
            raise _json_error(f, "@context", item, f"{kind}JSON-LD context {item!r} refused: a submission "
                              "must be self-contained (put the context inline); the loader fetches nothing")


def _json_error(f: _File, key: str, value: Any, cause: str) -> LoadError:
    if isinstance(value, str):
        encoded = re.escape(json.dumps(value, ensure_ascii=False))
        for pattern in (re.escape(json.dumps(key)) + r"\s*:\s*\[?\s*" + encoded, encoded):
            match = re.search(pattern, f.text)
            if match:
                return f.error_at_char(match.start(), cause)
    index = f.text.find(json.dumps(key))
    return f.error_at_char(index, cause) if index >= 0 else f.error(cause)


def _syntax_error(f: _File, exc: SyntaxError) -> LoadError:
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


def _parse(f: _File, budget: _Budget, terms: frozenset[str]) -> None:
    """Parse ``f`` and check each quad as it comes; stop at the first error."""
    base = RELATIVE_BASE if f.fmt in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML) else None
    parser = ox.parse(f.data, f.fmt, base_iri=base, rename_blank_nodes=True)
    f.parser = parser  # its prefixes, as far as parsed, help _locate
    try:
        _check_quads(f, parser, budget, terms)
    except SyntaxError as exc:
        raise _syntax_error(f, exc) from None
    if not f.triples:
        raise f.error("no triples in file")


# --- per-triple checks -----------------------------------------------------------------

#: Predicates whose triples the identity check needs, gathered while checking.
_IDENTITY_PREDICATES = frozenset({RDF_TYPE, FSC_UBN, DCT_ISSUED, FSC_SUBMITTED_BY})
#: The classes whose rdf:type triples it needs.
_IDENTITY_CLASSES = frozenset({FSC_INSTITUTION, FSC_SUBMISSION})
#: Formats whose parser can put a triple in a named graph.
_DATASET_FORMATS = frozenset({ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD})


def _check_quads(f: _File, quads: Iterable[Any], budget: _Budget, terms: frozenset[str]) -> None:
    """Check each parsed quad; keep it in ``f.triples`` (and in ``f.identity`` if needed).

    This loop runs once per triple (half a million for 500 AI systems), so it is written for
    speed: names bound locally, an IRI's checks skipped once the same IRI has passed them (the
    checks depend on the IRI alone), and the named-graph check only for formats that can name one.
    """
    max_chars, max_triples = budget.limits.max_literal_chars, budget.limits.max_triples
    named_node, literal, triple_term = ox.NamedNode, ox.Literal, ox.Triple  # exact types: no subclasses
    keep, identity = f.triples.append, f.identity.append
    may_name_graphs = f.fmt in _DATASET_FORMATS
    passed: set[str] = set()  # IRIs that passed the checks of any position
    passed_subjects: set[str] = set()  # subject IRIs that are no catalogue term
    count = budget.triples
    try:
        for quad in quads:
            count += 1
            if count > max_triples:
                budget.exhausted = True
                raise f.error(f"more than {max_triples} triples in the submission "
                              f"(--max-triples / {ENV_MAX_TRIPLES}); counted up to this file")
            if may_name_graphs and not isinstance(quad.graph_name, ox.DefaultGraph):
                raise _term_error(f, quad.graph_name, f"named graph {_show(quad.graph_name)} refused: a "
                                  "submission is one graph, named by the loader; put the triples in the "
                                  "default graph")
            s, p, o = quad.subject, quad.predicate, quad.object
            s_kind, o_kind = type(s), type(o)
            if s_kind is triple_term or o_kind is triple_term:
                raise _term_error(f, p, "RDF 1.2 triple term refused: not supported by the mapper", text="<<")
            s_iri = s.value if s_kind is named_node else None
            if s_iri is not None and s_iri not in passed_subjects:
                if s_iri in terms:
                    raise _term_error(f, s, f"triple about catalogue term <{s_iri}> refused: submissions may "
                                      "not redefine the guideline", subject=True)
                passed_subjects.add(s_iri)
            o_iri = o.value if o_kind is named_node else None
            if o_kind is literal:
                _check_literal(f, o, max_chars)
            p_iri = p.value
            for iri in (p_iri, s_iri, o_iri):  # in the order the checks have always reported them
                if iri is not None and iri not in passed:
                    _check_iri(f, iri, terms, passed)
            if p_iri == OWL_IMPORTS:
                raise _term_error(f, p, f"owl:imports {_show(o)} refused: imports are never followed and a "
                                  "submission must be self-contained (copy the triples in instead)")
            keep(quad)
            if p_iri in _IDENTITY_PREDICATES and (p_iri != RDF_TYPE or o_iri in _IDENTITY_CLASSES):
                identity(quad)
    finally:
        budget.triples = count


def _check_iri(f: _File, iri: str, terms: frozenset[str], passed: set[str]) -> None:
    """Refuse an unknown catalogue IRI or a relative one; remember one that passes."""
    if iri.startswith(FSCG_NS) and iri not in terms:
        raise _term_error(f, ox.NamedNode(iri), f"unknown catalogue term <{iri}>: no such term in "
                          "the guideline catalogue (a typo in a measure or section IRI?)")
    if iri.startswith(RELATIVE_BASE):
        relative = iri[len(RELATIVE_BASE):]
        raise _term_error(f, ox.NamedNode(iri), f"relative IRI <{relative}> refused: use absolute "
                          "IRIs (or set @base / xml:base)", text=relative)
    passed.add(iri)


def _check_literal(f: _File, o: ox.Literal, max_chars: int) -> None:
    value = o.value
    if len(value) > max_chars:
        raise _term_error(f, o, f"literal of {len(value)} characters, over the limit of {max_chars} "
                          f"(--max-literal-chars / {ENV_MAX_LITERAL_CHARS})")
    if o.language:
        if o.direction is not None:
            raise _term_error(f, o, "RDF 1.2 directional language string refused: not supported by "
                              "the mapper")
        return
    datatype = o.datatype.value
    if datatype == XSD_STRING:
        return
    if datatype in (RDF_XML_LITERAL, RDF_HTML):
        raise _term_error(f, o, f"literal of type <{datatype}> refused: use a plain string")
    if datatype.startswith(XSD) and not xsd_valid(value, datatype[len(XSD):]):
        raise _term_error(f, o, f"ill-typed literal {_show(o)}: not a valid xsd:{datatype[len(XSD):]}")


# --- XSD lexical forms ---------------------------------------------------------------------

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_XSD_PATTERNS = {
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)",
    "double": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN",
    "float": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN",
    "date": rf"({_YEAR})-(\d\d)-(\d\d){_TZ}",
    "dateTime": rf"({_YEAR})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?{_TZ}",
    "dateTimeStamp": rf"({_YEAR})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|[+-]\d\d:\d\d)",
    "time": rf"(\d\d):(\d\d):(\d\d)(?:\.(\d+))?{_TZ}",
    "gYear": rf"{_YEAR}{_TZ}",
    "gYearMonth": rf"{_YEAR}-(0[1-9]|1[0-2]){_TZ}",
    "duration": r"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "integer": r"[+-]?\d+",
}
_XSD_REGEX = {name: re.compile(rf"(?:{pattern})\Z", re.ASCII) for name, pattern in _XSD_PATTERNS.items()}
#: Integer types derived from xsd:integer: (lowest, highest), None for unbounded.
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1),
    "byte": (-2**7, 2**7 - 1), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1),
}


def xsd_valid(lexical: str, name: str) -> bool:
    """Whether ``lexical`` is a valid literal of the XSD datatype ``xsd:name``.

    Checked: boolean, the numeric types (integer and its 12 derived types with their
    ranges, decimal, double, float), date, dateTime, dateTimeStamp, time, gYear,
    gYearMonth, duration, hexBinary; surrounding whitespace is allowed (XSD collapses
    it). Any other datatype is accepted as written.

    >>> xsd_valid("2025-02-28", "date"), xsd_valid("2025-02-30", "date"), xsd_valid("2024-02-29Z", "date")
    (True, False, True)
    >>> xsd_valid("24:00:00", "time"), xsd_valid("24:00:01", "time"), xsd_valid("12", "boolean")
    (True, False, False)
    >>> xsd_valid("300", "unsignedByte"), xsd_valid("-0", "nonNegativeInteger"), xsd_valid(" 7 ", "int")
    (False, True, True)
    >>> xsd_valid("P", "duration"), xsd_valid("P1Y2MT3.5S", "duration"), xsd_valid("anything", "anyURI")
    (False, True, True)
    >>> xsd_valid("１２", "integer")  # fullwidth digits are not XSD digits
    False
    """
    lexical = lexical.strip(" \t\r\n")
    if name in _INTEGER_RANGES:
        if not _XSD_REGEX["integer"].match(lexical):
            return False
        low, high = _INTEGER_RANGES[name]
        if low is None and high is None:
            return True
        digits = lexical.lstrip("+-").lstrip("0")
        if len(digits) > 25:  # beyond every bounded type; avoids int() on huge strings
            negative = lexical.startswith("-")
            return (low is None and negative) or (high is None and not negative)
        number = int(lexical)
        return (low is None or number >= low) and (high is None or number <= high)
    regex = _XSD_REGEX.get(name)
    if regex is None:
        return True
    match = regex.match(lexical)
    if match is None:
        return False
    if name in ("date", "dateTime", "dateTimeStamp"):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
            return False
        if name != "date":
            return _valid_time(match.group(4), match.group(5), match.group(6), match.group(7))
        return True
    if name == "time":
        return _valid_time(*match.groups()[:4])
    return True


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        # XSD 1.1: year 0 is 1 BCE, a leap year; the proleptic Gregorian rule applies
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _valid_time(hour: str, minute: str, second: str, fraction: str | None) -> bool:
    if (hour, minute, second) == ("24", "00", "00"):
        return not fraction or not fraction.strip("0")
    return int(hour) < 24 and int(minute) < 60 and int(second) < 60


def _rdflib_term(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _show(term: Any) -> str:
    text = str(term)
    return text if len(text) <= 120 else text[:117] + "..."


def _term_error(f: _File, term: Any, cause: str, *, subject: bool = False, text: str | None = None,
                last: bool = False) -> LoadError:
    index = _locate(f, term, subject=subject, text=text, last=last)
    return f.error_at_char(index, cause) if index >= 0 else f.error(cause)


def _locate(f: _File, term: Any, *, subject: bool = False, text: str | None = None,
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


def _first(f: _File, pattern: str, subject: bool, last: bool = False) -> int:
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


# --- the whole submission ----------------------------------------------------------------


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The submission's files: each directory stands for the RDF files directly in it, sorted.

    >>> [p.name for p in expand_paths(["data/examples/minimal-submission.ttl"])]
    ['minimal-submission.ttl']
    """
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir() and path.suffix.lower() not in FORMATS:
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)
            if not found:
                raise LoadError(str(path), 1, 1, "is a directory with no RDF files: give the submission's files "
                                "(" + " ".join(sorted(FORMATS)) + ")")
            expanded.extend(found)
        else:
            expanded.append(path)
    if not expanded:
        raise LoadError("(no files)", None, None, "no submission files given")
    return expanded


def parse_submission(paths: Iterable[str | os.PathLike[str]], *, catalogue_terms: frozenset[str],
                     limits: Limits = Limits()) -> Submission:
    """Read, parse and check every file of one submission; write nothing.

    ``catalogue_terms``: the IRIs of the catalogue's subjects (see
    :func:`catalogue_terms_from`). Raises :class:`LoadError` (the first error of each
    file in ``.errors``) if anything is refused.
    """
    paths = expand_paths(paths)
    budget = _Budget(limits)
    files: list[_File] = []
    errors: list[LoadError] = []
    # Parsing makes one Python object per term and none refer back: the cycle collector, run again
    # and again over a growing heap, would only cost time (a third of the parse at 500,000 triples).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_all(paths, budget, files, errors, catalogue_terms, limits)
    finally:
        if collecting:
            gc.enable()


def _parse_all(paths: list[Path], budget: _Budget, files: list[_File], errors: list[LoadError],
               catalogue_terms: frozenset[str], limits: Limits) -> Submission:
    for path in paths:
        if budget.exhausted:
            break
        try:
            f = _read(path, limits)
            if f.fmt == ox.RdfFormat.RDF_XML:
                _check_rdf_xml(f)
            elif f.fmt == ox.RdfFormat.JSON_LD:
                _check_json_ld(f)
            _parse(f, budget, catalogue_terms)
            files.append(f)
        except LoadError as exc:
            errors.append(exc)
    if errors:
        errors[0].errors = tuple(errors)
        raise errors[0]
    return _identify(files)


def _identify(files: list[_File]) -> Submission:
    first = files[0]
    identity = [(f, t) for f in files for t in f.identity]

    def objects(subject: Any, predicate: str) -> list[tuple[_File, Any]]:
        return [(f, t.object) for f, t in identity if t.subject == subject and t.predicate.value == predicate]

    def typed(cls: str) -> list[tuple[_File, Any]]:
        found: dict[Any, _File] = {}
        for f, t in identity:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value == cls:
                found.setdefault(t.subject, f)
        return [(f, s) for s, f in found.items()]

    def error_at(f: _File, term: Any, cause: str, cls: str, *, subject: bool = True,
                 last: bool = False) -> LoadError:
        if isinstance(term, ox.BlankNode):
            # a blank node is written nowhere: point at (the last) mention of its class
            return _term_error(f, ox.NamedNode(cls), cause, last=last)
        return _term_error(f, term, cause, subject=subject and isinstance(term, ox.NamedNode))

    expected_inst = ('expected exactly one: <https://your.institution/> a fsc:Institution ; '
                     'fsc:unifiedBusinessNumber "12345678" .')
    institutions = typed(FSC_INSTITUTION)
    if not institutions:
        raise first.error(f"no fsc:Institution in the submission: {expected_inst}")
    if len(institutions) > 1:
        f, second = institutions[1]
        names = ", ".join(str(s) for _, s in institutions[:5])
        raise error_at(f, second, f"{len(institutions)} fsc:Institution nodes ({names}): a submission "
                       f"describes one institution; {expected_inst}", FSC_INSTITUTION, last=True)
    f, institution = institutions[0]
    if not isinstance(institution, ox.NamedNode):
        raise error_at(f, institution, f"the fsc:Institution is a blank node: name it with an IRI; "
                       f"{expected_inst}", FSC_INSTITUTION)
    ubns = objects(institution, FSC_UBN)
    if len(ubns) != 1:
        raise error_at(f, institution, f"{len(ubns)} fsc:unifiedBusinessNumber values on "
                       f"{institution}: expected exactly one 8-digit string, e.g. \"12345678\"",
                       FSC_INSTITUTION)
    uf, ubn = ubns[0]
    if not (isinstance(ubn, ox.Literal) and ubn.datatype.value == XSD_STRING and _UBN.match(ubn.value)):
        raise error_at(uf, ubn, f"fsc:unifiedBusinessNumber {_show(ubn)} of {institution} is not an "
                       "8-digit string: write the unified business number as \"12345678\"", FSC_UBN)

    expected_sub = ('expected exactly one: [] a fsc:Submission ; fsc:submittedBy <institution> ; '
                    'dct:issued "YYYY-MM-DD"^^xsd:date .')
    submissions = typed(FSC_SUBMISSION)
    if not submissions:
        raise first.error(f"no fsc:Submission in the submission: {expected_sub}")
    if len(submissions) > 1:
        f, second = submissions[1]
        raise error_at(f, second, f"{len(submissions)} fsc:Submission nodes: {expected_sub}",
                       FSC_SUBMISSION, last=True)
    sf, submission = submissions[0]
    issued = objects(submission, DCT_ISSUED)
    if len(issued) != 1:
        raise error_at(sf, submission, f"{len(issued)} dct:issued values on the fsc:Submission: "
                       f"{expected_sub}", FSC_SUBMISSION)
    df, issued_on = issued[0]
    date = None
    if isinstance(issued_on, ox.Literal) and issued_on.datatype.value == XSD_DATE \
            and _ISO_DATE.match(issued_on.value):
        try:
            date = datetime.date.fromisoformat(issued_on.value)
        except ValueError:
            date = None
    if date is None:
        raise error_at(df, issued_on, f"dct:issued {_show(issued_on)} of the fsc:Submission is not an "
                       "xsd:date written YYYY-MM-DD (no time zone): e.g. \"2025-06-30\"^^xsd:date",
                       DCT_ISSUED)
    for bf, by in objects(submission, FSC_SUBMITTED_BY):
        if by != institution:
            raise error_at(bf, by, f"fsc:submittedBy {_show(by)} is not the submission's fsc:Institution "
                           f"{institution}", FSC_SUBMITTED_BY, subject=False)

    distinct = list(dict.fromkeys(t for f in files for t in f.triples))
    ntriples = ox.serialize(distinct, format=ox.RdfFormat.N_TRIPLES) or b""
    return Submission(institution=institution.value, ubn=ubn.value, date=date,
                      graph_iri=submission_graph_iri(ubn.value, date),
                      files=tuple(f.name for f in files), triples=len(distinct), ntriples=ntriples)


def load_submission(store: "Store", paths: Iterable[str | os.PathLike[str]], *,
                    catalogue_terms: frozenset[str] | None = None,
                    limits: Limits = Limits()) -> Submission:
    """Check every file (:func:`parse_submission`), then replace the submission's named
    graph in one ``store.replace_graph`` call. On any error nothing is written.

    ``catalogue_terms`` defaults to :func:`catalogue_terms_from` ``(store)``; a store
    without a catalogue is refused (nothing would protect the guideline).
    """
    if catalogue_terms is None:
        catalogue_terms = catalogue_terms_from(store)
        if not catalogue_terms:
            raise LoadError(getattr(store, "url", "store"), None, None,
                            f"the store holds no catalogue (graph <{CATALOGUE_GRAPH}> is empty): "
                            "load the catalogue before any submission")
    submission = parse_submission(paths, catalogue_terms=catalogue_terms, limits=limits)
    store.replace_graph(submission.graph_iri, submission.ntriples)
    return submission


# --- the catalogue's terms -------------------------------------------------------------


def catalogue_terms_from(store: "Store") -> frozenset[str]:
    """IRIs of every subject in the catalogue graph of ``store``."""
    rows = store.select_values("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }",
                        default_graphs=[CATALOGUE_GRAPH])
    return frozenset(str(row["s"]) for row in rows if "s" in row)


def catalogue_terms_from_files(paths: Iterable[str | os.PathLike[str]]) -> frozenset[str]:
    """IRIs of every subject in the given catalogue files (trusted input: the project's
    own ontology; parsed with pyoxigraph, format by extension).

    >>> ontology = Path(__file__).resolve().parents[2] / "ontology"
    >>> terms = catalogue_terms_from_files(sorted(ontology.rglob("*.ttl")))
    >>> "https://w3id.org/fscai/guideline/draft/measure-2.1.3" in terms or not terms
    True
    """
    terms: set[str] = set()
    for path in paths:
        path = Path(path)
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise LoadError(str(path), 1, 1, f"unknown file extension {path.suffix!r}")
        try:
            for quad in ox.parse(path=path, format=fmt):
                if isinstance(quad.subject, ox.NamedNode):
                    terms.add(quad.subject.value)
        except SyntaxError as exc:
            f = _File(str(path), fmt, text=path.read_text(encoding="utf-8", errors="replace"))
            raise _syntax_error(f, exc) from None
    return frozenset(terms)
