"""The regulator's named questions: one SPARQL file each under ``queries/`` at the project root.

A named query is a ``NAME.rq`` file that opens with ``#`` header lines (bilingual, zh-Hant first)::

    # title@zh-Hant: 各建議措施之跨機構採行情形
    # title@en: Adoption of each measure across institutions
    # description@zh-Hant: ...
    # description@en: ...
    # param ubn string: 統一編號 / the institution's unified business number (default: every institution)

A parameter ``NAME`` is a line ``VALUES ?NAME { UNDEF }`` in the query (it may appear in several
subqueries): left as it is, the query answers for every value; :meth:`NamedQuery.bind` fills it in.
The same text runs in YASGUI (``/sparql/ui``), ``fscai query NAME`` and any SPARQL 1.1 client;
adding a question is adding a file, no code changes.

>>> names = [q.name for q in list_queries()]
>>> "vendor-concentration" in names and "measure-adoption" in names
True
>>> query = read_query("submission-changes")
>>> [p.name for p in query.parameters]
['ubn', 'from', 'to']
>>> 'VALUES ?ubn { "83910461" }' in query.bind({"ubn": "83910461"})
True
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from mapper.catalogue.records import Label
from mapper.layout import Layout, project_layout

#: What a parameter may hold, and how its value is written in SPARQL.
PARAMETER_TYPES = ("string", "date", "iri")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(r"^#\s*(?P<key>title|description)@(?P<lang>zh-Hant|en)\s*:\s*(?P<value>.+?)\s*$")
_PARAM = re.compile(r"^#\s*param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)\s*:\s*(?P<doc>.+?)\s*$")


class QueryLibraryError(ValueError):
    """A named query that does not exist, has a malformed header, or a bad parameter value."""


@dataclass(frozen=True)
class Parameter:
    name: str
    datatype: str  # one of PARAMETER_TYPES
    description: str  # bilingual, "zh-Hant / en"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: Label
    description: Label
    text: str
    parameters: tuple[Parameter, ...]

    def bind(self, values: Mapping[str, str]) -> str:
        """The query text with ``VALUES ?NAME { UNDEF }`` filled in for each given parameter.

        >>> read_query("gaps-by-principle").bind({"asOf": "2026-11-25"}).count('"2026-11-25"^^<http://www.w3.org/2001/XMLSchema#date>')
        1
        >>> read_query("gaps-by-principle").bind({"asOf": "yesterday"})
        Traceback (most recent call last):
            ...
        mapper.query_library.QueryLibraryError: parameter asOf of gaps-by-principle must be a date (YYYY-MM-DD), got 'yesterday'
        """
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryLibraryError(f"{self.name} has no parameter {', '.join(unknown)}; "
                                    f"it takes: {', '.join(known) or 'none'}")
        text = self.text
        for name, value in values.items():
            term = _sparql_term(self.name, known[name], value)
            text = _values_line(name).sub(lambda _m, t=term, n=name: f"VALUES ?{n} {{ {t} }}", text)
        return text

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "title": {"zh-Hant": self.title.zh, "en": self.title.en},
            "description": {"zh-Hant": self.description.zh, "en": self.description.en},
            "parameters": [{"name": p.name, "type": p.datatype, "description": p.description}
                           for p in self.parameters],
            "query": self.text,
        }


def list_queries(layout: Layout | None = None) -> tuple[NamedQuery, ...]:
    """Every named query of the project tree, by name."""
    directory = (layout or project_layout()).queries_dir
    return tuple(_read(path) for path in sorted(directory.glob("*.rq")))


def read_query(name: str, layout: Layout | None = None) -> NamedQuery:
    """One named query, by file name without ``.rq``."""
    if not _NAME.match(name):
        raise QueryLibraryError(f"not a query name: {name!r} (lower-case letters, digits and '-')")
    path = (layout or project_layout()).queries_dir / f"{name}.rq"
    if not path.is_file():
        available = ", ".join(q.name for q in list_queries(layout))
        raise QueryLibraryError(f"no named query {name!r}; available: {available}")
    return _read(path)


def _read(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[tuple[str, str], str] = {}
    parameters = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _HEADER.match(line):
            fields[(match["key"], match["lang"])] = match["value"]
        elif match := _PARAM.match(line):
            parameters.append(_parameter(path, match))
    missing = [f"{key}@{lang}" for key in ("title", "description") for lang in ("zh-Hant", "en")
               if (key, lang) not in fields]
    if missing:
        raise QueryLibraryError(f"{path}: the header lacks {', '.join(missing)}")
    for parameter in parameters:
        if not _values_line(parameter.name).search(text):
            raise QueryLibraryError(f"{path}: parameter {parameter.name} has no line VALUES ?{parameter.name} {{ UNDEF }}")
    return NamedQuery(
        name=path.stem,
        title=Label(fields[("title", "zh-Hant")], fields[("title", "en")]),
        description=Label(fields[("description", "zh-Hant")], fields[("description", "en")]),
        text=text,
        parameters=tuple(parameters),
    )


def _parameter(path: Path, match: re.Match) -> Parameter:
    if match["type"] not in PARAMETER_TYPES:
        raise QueryLibraryError(f"{path}: parameter {match['name']} has type {match['type']!r}; "
                                f"use one of {', '.join(PARAMETER_TYPES)}")
    return Parameter(match["name"], match["type"], match["doc"])


def _values_line(name: str) -> re.Pattern:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{\s*UNDEF\s*\}")


def _sparql_term(query: str, parameter: Parameter, value: str) -> str:
    if parameter.datatype == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise QueryLibraryError(f"parameter {parameter.name} of {query} must be a date (YYYY-MM-DD), "
                                    f"got {value!r}") from None
        return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#date>'
    if parameter.datatype == "iri":
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
            raise QueryLibraryError(f"parameter {parameter.name} of {query} must be an absolute IRI, got {value!r}")
        return f"<{value}>"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'
