"""The regulator's named questions: one SPARQL file each under ``queries/`` at the project root.

A named query is a ``NAME.rq`` file (read and bound by :mod:`mapper.rq`) that opens with ``#``
header lines giving its bilingual title and description (zh-Hant first) and its parameters::

    # title@zh-Hant: 各建議措施之跨機構採行情形
    # title@en: Adoption of each measure across institutions
    # description@zh-Hant: ...
    # description@en: ...
    # param ubn string: 統一編號 / the institution's unified business number (default: every institution)

The same text runs in YASGUI (``/sparql/ui``), ``fscai query NAME`` and any SPARQL 1.1 client;
adding a question is adding a file, no code changes.

>>> names = [q.name for q in list_queries()]
>>> "vendor-concentration" in names and "measure-adoption" in names
True
>>> query = read_query("submission-changes")
>>> [p.name for p in query.parameters]
['ubn', 'from', 'to']
>>> 'BIND ("83910461" AS ?ubn)' in query.bind({"ubn": "83910461"})
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from mapper.labels import Label
from mapper.layout import Layout, project_layout
from mapper.rq import Query, QueryFileError, read_rq

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(r"^#\s*(?P<key>title|description)@(?P<lang>zh-Hant|en)\s*:\s*(?P<value>.+?)\s*$")

@dataclass(frozen=True)
class NamedQuery(Query):
    """One of the regulator's named questions, with its bilingual title and description."""

    title: Label
    description: Label

    def with_defaults(self, defaults: Mapping[str, object]) -> str:
        """The text with those of ``defaults`` the query declares as parameters bound: how a
        server offers its library (its reference date as ``asOf``, say)."""
        declared = {p.name for p in self.parameters}
        return self.bind({k: v for k, v in defaults.items() if k in declared})

    def as_json(self, defaults: Mapping[str, object] | None = None) -> dict:
        return {
            "name": self.name,
            "title": {"zh-Hant": self.title.zh, "en": self.title.en},
            "description": {"zh-Hant": self.description.zh, "en": self.description.en},
            "parameters": [{"name": p.name, "type": p.datatype, "description": p.description}
                           for p in self.parameters],
            "query": self.with_defaults(defaults or {}),
        }


def list_queries(layout: Layout | None = None) -> tuple[NamedQuery, ...]:
    """Every named query of the project tree, by name."""
    directory = (layout or project_layout()).queries_dir
    return tuple(_named(path) for path in sorted(directory.glob("*.rq")))


def read_query(name: str, layout: Layout | None = None) -> NamedQuery:
    """One named query, by file name without ``.rq``."""
    if not _NAME.match(name):
        raise QueryFileError(f"not a query name: {name!r} (lower-case letters, digits and '-')")
    path = (layout or project_layout()).queries_dir / f"{name}.rq"
    if not path.is_file():
        available = ", ".join(q.name for q in list_queries(layout))
        raise QueryFileError(f"no named query {name!r}; available: {available}")
    return _named(path)


def _named(path: Path) -> NamedQuery:
    query = read_rq(path)
    header = [line for line in query.text.splitlines() if line.startswith("#")]
    fields = {(m["key"], m["lang"]): m["value"] for line in header if (m := _HEADER.match(line))}
    missing = [f"{key}@{lang}" for key in ("title", "description") for lang in ("zh-Hant", "en")
               if (key, lang) not in fields]
    if missing:
        raise QueryFileError(f"{path}: the header lacks {', '.join(missing)}")
    return NamedQuery(query.name, query.text, query.parameters,
                      title=Label(fields[("title", "zh-Hant")], fields[("title", "en")]),
                      description=Label(fields[("description", "zh-Hant")], fields[("description", "en")]))
