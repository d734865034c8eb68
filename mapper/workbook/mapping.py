"""The workbook's sheets and columns as records, read from ``ontology/workbook.ttl`` in the store.

The mapping is data: which sheets a submission workbook has, the columns of each, the property each
column gives and the values it accepts. :func:`read_mapping` reads it from the catalogue graph
(``mapper/queries/workbook-*.rq``), so the template, the reader and the architect's edits agree.

>>> mapping = layout_mapping()
>>> [s.name for s in mapping.data_sheets][:3]
['申報 Submission', '機構 Institution', '單位 Units']
>>> status = mapping.sheet("落實情形 Statements").column_by_header("Status")
>>> status.choice_for("已落實").iri
'https://w3id.org/fscai/def#Implemented'
>>> status.choice_for("planned").display
'規劃中 / planned'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mapper.catalogue.records import sort_key
from mapper.graphs import CATALOGUE_GRAPH
from mapper.rq import query_text

if TYPE_CHECKING:  # pragma: no cover
    from mapper.layout import Layout
    from mapper.store import Store

XSD = "http://www.w3.org/2001/XMLSchema#"


def normal(text: str) -> str:
    """How a header or a choice is compared: whitespace collapsed, case folded.

    >>> normal("  Risk\\n level ")
    'risk level'
    """
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Choice:
    """One value a choice column accepts: a term (or, for a yes-or-no column, a literal)."""

    iri: str
    zh: str
    en: str
    notation: str
    by_notation: bool = False
    #: for a yes-or-no column: the literal ("true" or "false") it stands for
    literal: str = ""

    @property
    def display(self) -> str:
        """What the template writes: the notation alone for measures, else ``NOTATION 中文 / English``."""
        if self.by_notation and self.notation:
            return self.notation
        words = " / ".join(w for w in (self.zh, self.en) if w)
        return f"{self.notation} {words}".strip() if self.notation else words

    def spellings(self) -> set[str]:
        """Every way a person may write it: its display, notation, either label, its local name."""
        local = self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return {normal(s) for s in (self.display, self.notation, self.zh, self.en, local, self.literal, self.iri) if s}


@dataclass(frozen=True)
class Column:
    iri: str
    order: int
    kind: str  # its fscw:ValueKind's local name: Identifier, IriBase, RowType, Text, Typed, Choice, Reference, IriValue,
    # ChoiceLabel
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""
    predicate: str = ""
    language: str = ""
    datatype: str = ""
    multiple: bool = False
    required: bool = False
    prefilled: bool = False
    width: int = 16
    choices: tuple[Choice, ...] = ()
    refers_to: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    #: for a ChoiceLabel column: the choice column whose term's words it shows
    label_of: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    @property
    def header(self) -> str:
        """The header cell: Chinese, a line break, English."""
        return f"{self.zh}\n{self.en}"

    def headers(self) -> set[str]:
        return {normal(self.header), normal(self.zh), normal(self.en), normal(f"{self.zh} {self.en}")}

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def choice_for(self, text: str) -> Choice | None:
        """The choice ``text`` names (any of its spellings); None if none or more than one."""
        if not self._index:
            seen: dict[str, list[Choice]] = {}
            for choice in self.choices:
                for spelling in choice.spellings():
                    seen.setdefault(spelling, []).append(choice)
            self._index.update({k: v[0] for k, v in seen.items() if len(v) == 1})
        return self._index.get(normal(text))


@dataclass(frozen=True)
class Group:
    """Columns of a row that describe one blank node, linked from the row's subject."""

    iri: str
    link: str
    node_class: str
    fixed_property: str
    fixed_value: str
    key_column: str


@dataclass(frozen=True)
class Sheet:
    iri: str
    name: str
    kind: str  # DataSheet or ReferenceSheet
    order: int
    row_class: str
    role: str
    zh: str
    en: str
    note_zh: str
    note_en: str
    columns: tuple[Column, ...]

    @property
    def is_data(self) -> bool:
        return self.kind == "DataSheet"

    def column_by_header(self, text: str) -> Column | None:
        wanted = normal(text)
        return next((c for c in self.columns if wanted in c.headers()), None)

    def columns_of(self, kind: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == kind)


@dataclass(frozen=True)
class Mapping:
    sheets: tuple[Sheet, ...]
    groups: tuple[Group, ...]

    @property
    def data_sheets(self) -> tuple[Sheet, ...]:
        return tuple(s for s in self.sheets if s.is_data)

    def sheet(self, name_or_iri: str) -> Sheet:
        return next(s for s in self.sheets if name_or_iri in (s.name, s.iri))

    def find_sheet(self, name: str) -> Sheet | None:
        """The sheet a tab named ``name`` is: its full name, or its Chinese or English half."""
        wanted = normal(name)
        return next((s for s in self.sheets
                     if wanted in {normal(s.name), *(normal(p) for p in s.name.split(" ", 1))}), None)

    def group(self, iri: str) -> Group:
        return next(g for g in self.groups if g.iri == iri)


def read_mapping(store: Store) -> Mapping:
    """The workbook mapping held by the store's catalogue graph (empty if it holds none)."""
    graphs = [CATALOGUE_GRAPH]
    choices: dict[str, list[Choice]] = {}
    by_notation = {r["column"] for r in store.select_values(query_text("workbook-columns"), default_graphs=graphs)
                   if r.get("byNotation") == "true" and "column" in r}
    ranked = []
    for r in store.select_values(query_text("workbook-choices"), default_graphs=graphs):
        choice = Choice(r["term"], r.get("zh", ""), r.get("en", ""), r.get("notation", ""),
                        r["column"] in by_notation, r.get("literal", ""))
        ranked.append((r["column"], _rank(r.get("rank")), sort_key(choice.notation), choice.zh, choice))
    for column, *_, choice in sorted(ranked, key=lambda t: t[:4]):
        choices.setdefault(column, []).append(choice)
    sheets: dict[str, dict] = {}
    for r in store.select_values(query_text("workbook-columns"), default_graphs=graphs):
        sheet = sheets.setdefault(r["sheet"], {"row": r, "columns": []})
        if "column" in r:
            sheet["columns"].append(Column(
                iri=r["column"], order=int(r["order"]), kind=_local(r["kind"]), zh=r.get("zh", ""), en=r.get("en", ""),
                hint_zh=r.get("hintZh", ""), hint_en=r.get("hintEn", ""), predicate=r.get("property", ""),
                language=r.get("language", ""), datatype=r.get("datatype", ""),
                multiple=r.get("multiple") == "true", required=r.get("required") == "true",
                prefilled=r.get("prefilled") == "true", width=int(r.get("width") or 16),
                choices=tuple(choices.get(r["column"], ())), refers_to=tuple(sorted(r.get("refersTo", "").split())),
                groups=tuple(sorted(r.get("groups", "").split())), label_of=r.get("labelOf", "")))
    built = []
    for iri, sheet in sheets.items():
        r = sheet["row"]
        built.append(Sheet(iri=iri, name=r["sheetName"], kind=_local(r["sheetKind"]), order=int(r["sheetOrder"]),
                           row_class=r.get("rowClass", ""), role=_local(r.get("role", "")), zh=r.get("sheetZh", ""),
                           en=r.get("sheetEn", ""), note_zh=r.get("noteZh", ""), note_en=r.get("noteEn", ""),
                           columns=tuple(sorted(sheet["columns"], key=lambda c: c.order))))
    groups = tuple(Group(r["group"], r["link"], r.get("nodeClass", ""), r.get("fixedProperty", ""),
                         r.get("fixedValue", ""), r["keyColumn"])
                   for r in store.select_values(query_text("workbook-groups"), default_graphs=graphs))
    return Mapping(tuple(sorted(built, key=lambda s: s.order)), groups)


@functools.lru_cache(maxsize=4)
def _layout_mapping(layout: Layout, stamps: tuple) -> Mapping:
    from mapper.catalogue.install import read_layout

    return read_layout(read_mapping, layout)


def layout_mapping(layout: Layout | None = None) -> Mapping:
    """The mapping of a project tree's Turtle (read once while its files are unchanged)."""
    from mapper.layout import project_layout

    layout = layout or project_layout()
    stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in layout.knowledge_files())
    return _layout_mapping(layout, stamps)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if iri else ""


def _rank(value: str | None) -> int:
    try:
        return int(value) if value is not None else 1_000
    except ValueError:
        return 1_000
