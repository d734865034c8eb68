"""The guideline catalogue as plain records, read from the ontology by generic SPARQL.

>>> cat = read_catalogue(catalogue_graph())
>>> len(cat.principles), len(cat.terms_of("LifecycleStage")), len(cat.terms_of("RiskFactor"))
(6, 4, 6)
>>> cat.measure("2.1.3").label.zh
'提供救濟管道'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Graph

from mapper.catalogue.ontology import catalogue_graph  # noqa: F401 (doctest)
from mapper.graphs import CATALOGUE_GRAPH
from mapper.labels import Label, Vocabulary, read_vocabulary
from mapper.namespaces import FSC
from mapper.rq import query_text
from mapper.store import Store, open_store


@dataclass(frozen=True)
class Ref:
    """A reference to another catalogue term, with its notation and labels."""

    iri: str
    notation: str
    label: Label


@dataclass(frozen=True)
class Locator:
    document: str
    chapter: str
    section: str | None
    stage_column: str | None
    part: str | None


@dataclass(frozen=True)
class Statement:
    iri: str
    kind: str
    notation: str
    label: Label
    chapter: Ref
    section: Ref | None
    order: int
    stage: Ref | None
    stage_inferred: bool
    section_inferred: bool
    modality: str | None
    modal_keyword: str | None
    source: Locator
    notes: tuple[str, ...]
    #: The language of each note (zh-Hant or en), in the order of ``notes``.
    note_languages: tuple[str, ...] = ()
    #: Whether an institution states conformance against it: every measure, and the main concepts
    #: the catalogue types fsc:AssessableStatement.
    assessable: bool = False
    #: The IRIs of the measures that carry a main concept's obligation (fsc:carriedBy).
    carried_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    iri: str
    kind: str
    notation: str
    label: Label
    order: int | None
    stated_in: str | None
    definition: Label | None


@dataclass(frozen=True)
class Chapter:
    iri: str
    kind: str
    notation: str
    label: Label
    sections: tuple[Ref, ...]


@dataclass(frozen=True)
class Catalogue:
    chapters: tuple[Chapter, ...]
    statements: tuple[Statement, ...]
    terms: tuple[Term, ...]
    #: The words for the vocabulary's terms (kinds of subject, verdicts, ...).
    vocabulary: Vocabulary = field(default_factory=Vocabulary, compare=False, repr=False)
    _by_notation: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def principles(self) -> tuple[Chapter, ...]:
        return tuple(c for c in self.chapters if c.kind == "Principle")

    @property
    def measures(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind == "Measure")

    @property
    def assessables(self) -> tuple[Statement, ...]:
        """What conformance is stated against: the measures, then the assessable main concepts."""
        return self.measures + tuple(s for s in self.statements if s.assessable and s.kind != "Measure")

    def carriers_of(self, measure_iri: str) -> tuple[Statement, ...]:
        """The main concepts whose obligation the measure carries (fsc:carriedBy), to show beside it."""
        return tuple(s for s in self.statements if measure_iri in s.carried_by)

    def terms_of(self, kind: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.kind == kind)

    def measure(self, notation: str) -> Statement:
        return next(s for s in self.measures if s.notation == notation)

    def counts(self) -> dict[str, object]:
        """The figures a release note quotes: totals, measures per chapter and per stage."""
        by_chapter = Counter(m.chapter.notation for m in self.measures)
        by_stage = Counter(m.stage.notation if m.stage else "-" for m in self.measures)
        return {
            "principles": len(self.principles),
            "stages": len(self.terms_of("LifecycleStage")),
            "risk_factors": len(self.terms_of("RiskFactor")),
            "oversight_modes": len(self.terms_of("HumanOversightMode")),
            "higher_risk_controls": len(self.terms_of("HigherRiskControl")),
            "alternative_considerations": len(self.terms_of("AlternativeConsideration")),
            "customer_notice_items": len(self.terms_of("CustomerNoticeItem")),
            "defined_terms": len(self.terms_of("DefinedTerm")),
            "main_concepts": sum(1 for s in self.statements if s.kind == "MainConcept"),
            "measures": len(self.measures),
            "measures_by_chapter": dict(sorted(by_chapter.items(), key=lambda kv: sort_key(kv[0]))),
            "measures_by_stage": dict(sorted(by_stage.items())),
            "stage_placements_inferred": sum(1 for m in self.measures if m.stage_inferred),
        }


def sort_key(notation: str) -> tuple:
    """Order notations as the guideline does: P, G, then 1..6; numbers numerically.

    >>> sorted(["2.1.10", "G.3.1", "2.1.9", "P.1", "1.C.2"], key=sort_key)
    ['P.1', 'G.3.1', '1.C.2', '2.1.9', '2.1.10']
    """
    rank = {"P": (0, 0), "G": (1, 0), "C": (0, 0)}
    key = []
    for part in notation.split("."):
        key.append(rank[part] if part in rank else (2, int(part)) if part.isdigit() else (3, part))
    return tuple(key)


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1] if "#" in str(iri) else str(iri)


def _str(value) -> str | None:
    return None if value is None else str(value)


def read_catalogue(source: Graph | Store) -> Catalogue:
    """Read chapters, statements and terms from an ontology graph (any edited copy works), or from
    a store's catalogue graph (what :func:`mapper.catalogue.install.install_catalogue` put there).

    The generic queries run on Oxigraph either way (an rdflib graph is copied into an in-memory
    Oxigraph store first): rdflib's own SPARQL engine is an order of magnitude slower on them.
    """
    if isinstance(source, Graph):
        store = open_store("memory:")
        try:
            store.replace_graph(CATALOGUE_GRAPH, source.serialize(format="nt", encoding="utf-8"))
            return read_catalogue(store)
        finally:
            store.close()

    def rows(name: str):
        return source.select(query_text(name), default_graphs=[CATALOGUE_GRAPH])

    chapters: dict[str, dict] = {}
    section_refs: dict[str, Ref] = {}
    for row in rows("catalogue-chapters"):
        chapter = chapters.setdefault(str(row["chapter"]), {
            "iri": str(row["chapter"]), "kind": _local(row["chapterKind"]), "notation": str(row["chapterNotation"]),
            "label": Label(str(row["chapterZh"]), str(row["chapterEn"])), "sections": [],
        })
        if row.get("section") is not None:
            ref = Ref(str(row["section"]), str(row["sectionNotation"]), Label(str(row["sectionZh"]), str(row["sectionEn"])))
            section_refs[ref.iri] = ref
            chapter["sections"].append((int(row["sectionOrder"]), ref))
    chapter_list = tuple(sorted(
        (Chapter(c["iri"], c["kind"], c["notation"], c["label"], tuple(r for _, r in sorted(c["sections"],
                 key=lambda pair: pair[0]))) for c in chapters.values()),
        key=lambda c: sort_key(c.notation)))
    chapter_refs = {c.iri: Ref(c.iri, c.notation, c.label) for c in chapter_list}

    terms = []
    for row in rows("catalogue-terms"):
        definition = (Label(str(row["definitionZh"]), str(row.get("definitionEn") or ""))
                      if row.get("definitionZh") is not None else None)
        terms.append(Term(str(row["term"]), _local(row["kind"]), str(row["notation"]), Label(str(row["zh"]), str(row["en"])),
                          int(row["order"]) if row.get("order") is not None else None, _str(row.get("statedIn")),
                          definition))
    stage_refs = {t.iri: Ref(t.iri, t.notation, t.label) for t in terms if t.kind == "LifecycleStage"}

    statements = []
    for row in rows("catalogue-statements"):
        statements.append(Statement(
            iri=str(row["statement"]), kind=_local(row["kind"]), notation=str(row["notation"]),
            label=Label(str(row["zh"]), str(row["en"])),
            chapter=chapter_refs[str(row["chapter"])],
            section=section_refs.get(str(row["section"])) if row.get("section") is not None else None,
            order=int(row["order"]),
            stage=stage_refs.get(str(row["stage"])) if row.get("stage") is not None else None,
            stage_inferred=_true(row.get("stageInferred")),
            section_inferred=_true(row.get("sectionInferred")),
            modality=_local(row["modality"]) if row.get("modality") is not None else None,
            modal_keyword=_str(row.get("modalKeyword")),
            source=Locator(_str(row.get("srcDocument")) or "", _str(row.get("srcChapter")) or "",
                           _str(row.get("srcSection")), _str(row.get("srcStage")), _str(row.get("srcPart"))),
            **_notes(str(row.get("notes") or "")),
            assessable=_local(row["kind"]) == "Measure" or row.get("assessableType") is not None,
            carried_by=tuple(str(row.get("carriedBy") or "").split()),
        ))
    statements.sort(key=lambda s: sort_key(s.notation))
    terms.sort(key=lambda t: (t.kind, t.order or 0, t.notation))
    return Catalogue(chapter_list, tuple(statements), tuple(terms), read_vocabulary(source, [CATALOGUE_GRAPH]))


def _notes(joined: str) -> dict[str, tuple[str, ...]]:
    """The editorial notes ("LANG TEXT" lines) as texts and their languages, zh-Hant first, each
    language's notes in the order of their text (RDF gives none).

    >>> _notes(chr(10).join(["en B", "zh-Hant 乙", "en A"]))
    {'notes': ('乙', 'A', 'B'), 'note_languages': ('zh-Hant', 'en', 'en')}
    """
    pairs = sorted((line.partition(" ")[::2] for line in joined.split("\n") if line),
                   key=lambda p: (p[0].lower() != "zh-hant", p[1]))
    return {"notes": tuple(text for _, text in pairs), "note_languages": tuple(lang for lang, _ in pairs)}


def _true(value) -> bool:
    return bool(value is not None and value.toPython() is True)


assert FSC  # the vocabulary namespace the queries read
