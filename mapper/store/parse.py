"""SPARQL text read by rdflib's parser: once per text, behind the one lock that parser needs.

The engines parse queries themselves; fscai parses a query only where it must know its structure
before an engine sees it: whether it names ``SERVICE`` (:mod:`mapper.store.guard`), its own dataset
(``FROM`` / ``FROM NAMED``), its form, or whether a text is an update. One cached parse answers all
of them, so the ``/sparql`` endpoint, the store backends and the CLI never parse one text twice.

pyparsing's packrat cache is shared by every parse and is not thread-safe: :data:`PARSER_LOCK` is
the one lock around rdflib's SPARQL parser, for every caller.

>>> parsed = parse_query("BASE <http://ex/> SELECT * FROM <g> FROM NAMED <h> { ?s ?p ?o }")
>>> parsed.form, parsed.default_graphs, parsed.named_graphs, parsed.uses_service
('SELECT', ('http://ex/g',), ('http://ex/h',), False)
>>> parse_query("ASK { SERVICE <http://ex/sparql> { ?s ?p ?o } }").uses_service
True
>>> parse_query("SELEC ?s")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
mapper.store.QuerySyntaxError: malformed SPARQL query: Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}, found 'SELEC'...
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseResults
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from mapper.store import QuerySyntaxError
from mapper.store.lexer import tokens

#: The one lock around rdflib's SPARQL parser (pyparsing's packrat cache is not thread-safe).
PARSER_LOCK = threading.Lock()
_SERVICE_PATTERN = "ServiceGraphPattern"


@dataclass(frozen=True)
class ParsedQuery:
    """What fscai needs to know of a query before an engine runs it."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    default_graphs: tuple[str, ...]  # its FROM clauses, absolute
    named_graphs: tuple[str, ...]  # its FROM NAMED clauses, absolute
    uses_service: bool

    @property
    def declares_dataset(self) -> bool:
        """Whether the query has its own ``FROM`` or ``FROM NAMED`` clause."""
        return bool(self.default_graphs or self.named_graphs)


@lru_cache(maxsize=1024)
def parse_query(text: str) -> ParsedQuery:
    """The structure of a SPARQL 1.1 query; :class:`~mapper.store.QuerySyntaxError` (with the
    parser's message) if ``text`` is not one."""
    try:
        with PARSER_LOCK:
            tree = parseQuery(text)
    except Exception as error:  # any parser failure: the text is not a query (fail closed)
        raise QuerySyntaxError(f"malformed SPARQL query: {error}") from error
    body = tree[1]
    clauses = dict.get(body, "datasetClause") or []  # CompValue.get() returns the key when absent
    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    if clauses:
        prologue = translatePrologue(tree[0], None)
        default = tuple(str(prologue.absolutize(c["default"])) for c in clauses if "default" in c)
        named = tuple(str(prologue.absolutize(c["named"])) for c in clauses if "named" in c)
    return ParsedQuery(body.name.removesuffix("Query").upper(), default, named, _contains_service(tree))


#: A backslash pair, or a \u / \U escape (Oxigraph expands those in strings and IRIs only).
_ENGINE_ESCAPE = re.compile(r"\\\\|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_LONE_CR = re.compile(r"\r(?!\n)")


def engine_view(query: str) -> str:
    r"""The query with the same structure for rdflib as for Oxigraph: each escape (where Oxigraph
    allows one, in a string or an IRI, it is content) becomes plain letters, so rdflib expands
    nothing, and a carriage return not followed by a line feed becomes one, so comments end where
    Oxigraph ends them (a query with CRLF line ends and no escape is read once only).

    >>> engine_view('SELECT ("\\u0022" AS ?x) {} # a\rb')
    'SELECT ("X" AS ?x) {} # a\nb'
    """
    return _LONE_CR.sub("\n", _ENGINE_ESCAPE.sub(lambda m: "XX" if m.group(0) == "\\\\" else "X", query))


def engine_reading(text: str) -> ParsedQuery:
    """The structure of a query as the engine (Oxigraph) reads it: :func:`parse_query` of its
    :func:`engine_view`."""
    return parse_query(engine_view(text))


#: An escape rdflib would expand (into the keyword FROM, say).
_ESCAPE = re.compile(r"\\[uU]")


def declares_dataset(query: str) -> bool:
    """Whether the query has its own ``FROM`` or ``FROM NAMED`` clause. A text in which the word is
    not a token outside comments, strings and IRIs, and no escape could spell it, is not parsed.

    >>> declares_dataset("SELECT * FROM <https://example.org/a> WHERE { ?s ?p ?o }")
    True
    >>> declares_dataset("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    if not _ESCAPE.search(query) and not any(kind == "word" and text.upper() == "FROM"
                                             for kind, text, _, _ in tokens(query)):
        return False
    return engine_reading(query).declares_dataset


def without_dataset(query: str) -> str:
    """``query`` without its ``FROM`` and ``FROM NAMED`` clauses, for a server that would add them
    to the dataset the protocol sends (Virtuoso unions the two) instead of letting the protocol's
    replace them, as SPARQL 1.1 Protocol section 2.1.4 says. Refuses what it cannot take apart.

    >>> without_dataset("SELECT * FROM <https://a.example/g> FROM NAMED <https://a.example/h> WHERE { ?s ?p ?o }")
    'SELECT *   WHERE { ?s ?p ?o }'
    """
    parts: list[str] = []
    depth, skip = 0, 0
    for kind, text, _, _ in tokens(query):
        word = text.upper() if kind == "word" else ""
        if skip:
            if kind in ("space", "comment"):
                continue
            if word == "NAMED" and skip == 2:
                skip = 1
                continue
            if kind != "iri":
                raise QuerySyntaxError("a FROM clause naming its graph by a prefixed name: write the full <IRI>")
            skip = 0
            continue
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
        if word == "FROM" and depth == 0:
            skip = 2
            continue
        parts.append(text)
    stripped = "".join(parts)
    if declares_dataset(stripped):
        raise QuerySyntaxError("a FROM clause that could not be taken out of the query (spelled with escapes?)")
    return stripped


@lru_cache(maxsize=256)
def is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL 1.1 Update.

    >>> is_update("DROP ALL"), is_update("SELECT * {}")
    (True, False)
    """
    try:
        with PARSER_LOCK:
            parseUpdate(text)
    except Exception:  # noqa: BLE001 (not an update)
        return False
    return True


def _contains_service(node: object) -> bool:
    """Walk rdflib's parse tree (nested CompValue dicts and ParseResults lists)."""
    if isinstance(node, CompValue):
        return node.name == _SERVICE_PATTERN or any(_contains_service(v) for v in node.values())
    if isinstance(node, (ParseResults, list, tuple)):
        return any(_contains_service(item) for item in node)
    return False
