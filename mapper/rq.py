"""Every ``.rq`` file fscai runs, loaded and bound in one place.

Three folders hold SPARQL: the engine's generic queries (``mapper/queries/``: applicability, gaps,
labels, ...), the viewer's small queries about one IRI (``web/queries/``), and the regulator's named
questions (``queries/`` at the project root, :mod:`mapper.query_library`). A file may open with
``#`` header lines; a parameter is declared by one of them and is a line ``VALUES ?NAME { UNDEF }``
in the query (it may appear in several subqueries), opening its group: left as it is, the query
answers for every value, and :meth:`Query.bind` fills it in, checked and written as a SPARQL term of
its type, as ``BIND (TERM AS ?NAME)``::

    # param asOf date: 基準日 / reference date for review and target dates (default: today)

A ``BIND`` that opens its group means what a one-row ``VALUES`` there means (both join one
solution with the rest of the group), and a parameter not given becomes a comment, as
``VALUES ?NAME { UNDEF }`` joins nothing: every engine reads the bound text alike, where Virtuoso
7.2 hangs or loses rows on some queries with the ``VALUES`` lines (tests/store/test_virtuoso_queries.py).

>>> library = ENGINE_QUERIES.parents[1] / "queries"
>>> 'BIND ("2026-01-02"^^<http://www.w3.org/2001/XMLSchema#date> AS ?asOf)' in read_rq(library / "gaps-by-principle.rq").bind({"asOf": dt.date(2026, 1, 2)})
True
>>> read_rq(library / "gaps-by-principle.rq").bind({"asOf": "yesterday"})
Traceback (most recent call last):
    ...
mapper.rq.QueryFileError: parameter asOf of gaps-by-principle must be a date (YYYY-MM-DD), got 'yesterday'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

#: The engine's generic queries.
ENGINE_QUERIES = Path(__file__).resolve().parent / "queries"
#: What a parameter may hold, and how its value is written in SPARQL.
PARAMETER_TYPES = ("string", "date", "iri")
_PARAM = re.compile(r"^#\s*param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)\s*:\s*(?P<doc>.+?)\s*$")
#: An absolute IRI with nothing that could end the ``<...>`` of a SPARQL IRI reference.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def is_iri(text: str | None) -> bool:
    """Whether ``text`` is an absolute IRI that can stand between ``<`` and ``>`` in a query.

    >>> is_iri("https://bank.example/s"), is_iri("x> } DROP ALL #"), is_iri(None)
    (True, False, False)
    """
    return bool(text) and len(text) < 2000 and _IRI.match(text) is not None


class QueryFileError(ValueError):
    """A query file with a malformed header, or a bad parameter value."""


@dataclass(frozen=True)
class Parameter:
    name: str
    datatype: str  # one of PARAMETER_TYPES
    description: str  # bilingual, "zh-Hant / en"


@dataclass(frozen=True)
class Query:
    """One ``.rq`` file: its name (the file name without ``.rq``), text and declared parameters."""

    name: str
    text: str
    parameters: tuple[Parameter, ...]

    def bind(self, values: Mapping[str, object]) -> str:
        """The query text to run: ``VALUES ?NAME { UNDEF }`` made ``BIND (TERM AS ?NAME)`` for each
        given parameter, a comment for the others; a ``date`` parameter takes a ``datetime.date`` or
        ``YYYY-MM-DD``, an ``iri`` an absolute IRI.

        >>> engine_query("market-tiers").bind({"submission": "https://w3id.org/fscai/graph/submission/1/2026-11-25"}).count(
        ...     "BIND (<https://w3id.org/fscai/graph/submission/1/2026-11-25> AS ?submission)")
        1
        """
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryFileError(f"{self.name} has no parameter {', '.join(unknown)}; "
                                    f"it takes: {', '.join(known) or 'none'}")
        text = self.text
        for name, parameter in known.items():
            if name in values:
                line = f"BIND ({_sparql_term(self.name, parameter, values[name])} AS ?{name})"
            else:
                line = f"# parameter ?{name} not given: any value (to give one: BIND (VALUE AS ?{name}))"
            text = _values_line(name).sub(lambda _m, line=line: line, text)
        return text


def read_rq(path: Path) -> Query:
    """A ``.rq`` file and the parameters its header declares (each must have its ``VALUES`` line)."""
    text = path.read_text(encoding="utf-8")
    parameters = tuple(_parameter(path, match) for line in _header(text) if (match := _PARAM.match(line)))
    for parameter in parameters:
        lines = list(_values_line(parameter.name).finditer(text))
        if not lines:
            raise QueryFileError(f"{path}: parameter {parameter.name} has no line VALUES ?{parameter.name} {{ UNDEF }}")
        for line in lines:
            if not _opens_group(text[:line.start()]):
                raise QueryFileError(f"{path}: the line VALUES ?{parameter.name} {{ UNDEF }} must open its group "
                                        "(after '{' or another parameter's line), where a BIND means the same")
    return Query(path.stem, text, parameters)


def _opens_group(before: str) -> bool:
    r"""Whether the text before a parameter line ends with ``{`` or another parameter line, comments
    and white space aside.

    >>> _opens_group("WHERE {\n  # the date\n  "), _opens_group("WHERE { VALUES ?a { UNDEF }\n"), _opens_group("?s ?p ?o .\n")
    (True, True, False)
    """
    code = re.sub(r"(^|\s)#[^\n]*", r"\1", before).rstrip()  # a comment, not the '#' of an IRI
    while (match := re.search(r"VALUES\s+\?[A-Za-z_][A-Za-z0-9_]*\s*\{\s*UNDEF\s*\}$", code)):
        code = code[:match.start()].rstrip()
    return code.endswith("{")


@lru_cache(maxsize=64)
def engine_query(name: str) -> Query:
    """One of the engine's generic queries, ``mapper/queries/NAME.rq`` (read once: they ship with the code)."""
    return read_rq(ENGINE_QUERIES / f"{name}.rq")


def query_text(name: str) -> str:
    """The text of the engine's query ``mapper/queries/NAME.rq``.

    >>> "SELECT" in query_text("catalogue-terms")
    True
    """
    return engine_query(name).text


def _header(text: str) -> list[str]:
    """The ``#`` lines the file opens with."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def _parameter(path: Path, match: re.Match) -> Parameter:
    if match["type"] not in PARAMETER_TYPES:
        raise QueryFileError(f"{path}: parameter {match['name']} has type {match['type']!r}; "
                                f"use one of {', '.join(PARAMETER_TYPES)}")
    return Parameter(match["name"], match["type"], match["doc"])


def _values_line(name: str) -> re.Pattern:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{\s*UNDEF\s*\}")


def _sparql_term(query: str, parameter: Parameter, value: object) -> str:
    if parameter.datatype == "date":
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise QueryFileError(f"parameter {parameter.name} of {query} must be a date (YYYY-MM-DD), "
                                    f"got {value!r}") from None
        return f'"{text}"^^<http://www.w3.org/2001/XMLSchema#date>'
    text = str(value)
    if parameter.datatype == "iri":
        if not is_iri(text):
            raise QueryFileError(f"parameter {parameter.name} of {query} must be an absolute IRI, got {value!r}")
        return f"<{text}>"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'
