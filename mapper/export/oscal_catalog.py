"""The guideline catalogue as an OSCAL catalog: a group per chapter, a group per section, a control
per measure.

The preface, the general chapter and each principle is a group (class its kind, ``Preface``,
``GeneralChapter``, ``Principle``); each of its sections a group inside it (class ``Section``);
each measure a control in its section (class ``Measure``), id ``fsc-`` + notation. The other
guideline statements are parts of their group, named by their kind: the main concepts
(``MainConcept``) and preface points (``PrefacePoint``) of their chapter, the general provisions
(``GeneralProvision``) of their section. A control carries its text (a ``statement`` part in
zh-Hant with an English ``translation`` part, see :mod:`mapper.export.oscal_base`), its notation
(the core ``label`` prop), its stage and whether the stage or the section is the project's own
reading of the slides (``stageInferred``, ``sectionInferred``; the reasoning is in its ``note``
parts), its modality and modal keyword, its source locator (props of group ``source``) and its
IRI (a ``canonical`` link).
"""

from __future__ import annotations

import datetime as dt

from mapper.catalogue.records import Catalogue, Chapter, Ref, Statement
from mapper.export.oscal_base import (
    NS,
    canonical,
    digest,
    metadata,
    oscal_id,
    prop,
    stable_uuid,
    statement_id,
    timestamp,
    title,
)
from mapper.labels import Label, Vocabulary
from mapper.namespaces import FSC

#: The catalog's last-modified: the catalogue's issue date, ``dct:issued`` of ontology/header.ttl (a
#: test holds the two together). The catalogue records do not carry the ontology header, and the
#: catalog must not take a date from the clock or from the analyses exported beside it (the same
#: catalogue, the same bytes); its version, a digest of its content, tells an edited catalogue apart.
CATALOGUE_ISSUED = dt.date(2026, 11, 25)

CATALOG_REMARK = Label(
    "本目錄僅依指引目錄紀錄產生。last-modified 為目錄之發布日（本體標頭之 dct:issued），version 為內容摘要"
    "（SHA-256 前 16 位）：內容不變則檔案逐位元組相同，目錄經編修則 version 及 uuid 隨之改變。指引所定義或列舉之詞彙"
    "（生命週期階段、風險因素、高風險控制等）僅以 IRI 及名稱見於 props，適用規則不在本目錄。",
    "This catalog is made from the guideline's catalogue records alone. last-modified is the catalogue's issue "
    "date (dct:issued of the ontology header); version is a digest of the content (the first 16 hex digits of its "
    "SHA-256): the same content gives a byte-identical file, and an edited catalogue a new version and uuid. The "
    "terms the guideline defines or enumerates (lifecycle stages, risk factors, higher-risk controls, ...) appear "
    "only as IRIs and words in props; the applicability rules are not in the catalog.",
)


def catalog_document(catalogue: Catalogue) -> dict:
    """The OSCAL catalog (the top-level ``{"catalog": ...}`` object) of the catalogue."""
    groups = [_chapter_group(catalogue, chapter) for chapter in catalogue.chapters]
    version = digest(groups)
    source = next((s.source.document for s in catalogue.statements if s.source.document), "")
    words = catalogue.vocabulary.label(source)
    extra = {"links": [{"href": source, "rel": "reference", "text": title(words)}]} if source else {}
    return {"catalog": {
        "uuid": stable_uuid(source, "oscal-catalog", version),
        "metadata": metadata(words, timestamp(CATALOGUE_ISSUED), version, CATALOG_REMARK, **extra),
        "groups": groups,
    }}


def _chapter_group(catalogue: Catalogue, chapter: Chapter) -> dict:
    statements = [s for s in catalogue.statements if s.chapter.iri == chapter.iri]
    placed = {ref.iri for ref in chapter.sections}
    stray = [s.notation for s in statements
             if (s.section is None and s.kind == "Measure") or (s.section is not None and s.section.iri not in placed)]
    if stray:  # the catalogue gates forbid it: a measure belongs to exactly one section of its chapter
        raise ValueError(f"statements outside the sections of chapter {chapter.notation}: {', '.join(stray)}")
    group = _group_head(Ref(chapter.iri, chapter.notation, chapter.label), chapter.kind)
    parts = [_statement_part(s, oscal_id(s.notation), s.kind, NS) for s in statements
             if s.section is None and not s.assessable]
    if parts:
        group["parts"] = parts
    sections = [_section_group(catalogue, ref, [s for s in statements if s.section and s.section.iri == ref.iri])
                for ref in chapter.sections]
    # the main concepts assessed on their own (fsc:AssessableStatement) are controls, in a group of
    # the chapter's main concepts (an OSCAL group holds groups or controls, not both)
    assessed = [_control(s, catalogue.vocabulary) for s in statements if s.section is None and s.assessable]
    if assessed:
        part = FSC["part-main-concepts"]
        concepts = _group_head(Ref(str(part), f"{chapter.notation}.C", catalogue.vocabulary.label(str(part))),
                               "MainConcepts")
        sections.insert(0, {**concepts, "controls": assessed})
    if sections:
        group["groups"] = sections
    return group


def _section_group(catalogue: Catalogue, section: Ref, statements: list[Statement]) -> dict:
    group = _group_head(section, "Section")
    parts = [_statement_part(s, oscal_id(s.notation), s.kind, NS) for s in statements if s.kind != "Measure"]
    if parts:
        group["parts"] = parts
    controls = [_control(s, catalogue.vocabulary) for s in statements if s.kind == "Measure"]
    if controls:
        group["controls"] = controls
    return group


def _group_head(ref: Ref, kind: str) -> dict:
    return {"id": oscal_id(ref.notation), "class": kind, "title": title(ref.label),
            "props": [prop("label", ref.notation, ns=None)], "links": [canonical(ref.iri)]}


def _statement_part(statement: Statement, part_id: str, name: str, ns: str | None) -> dict:
    """A guideline statement's text: zh-Hant verbatim, the English translation inside it. A part
    standing for a statement of its own (not a control's) carries its notation and IRI too."""
    part: dict = {"id": part_id, "name": name}
    if ns:
        part["ns"] = ns
    part["class"] = "zh-Hant"
    if name != "statement":
        part["props"] = [prop("label", statement.notation, ns=None)]
    part["prose"] = statement.label.zh
    part["parts"] = [{"id": f"{part_id}.en", "name": "translation", "ns": NS, "class": "en", "prose": statement.label.en}]
    if name != "statement":
        part["links"] = [canonical(statement.iri)]
    return part


def _control(measure: Statement, vocabulary: Vocabulary) -> dict:
    """A measure as a control: its text, notation, stage, modality, source, notes and IRI."""
    return {
        "id": oscal_id(measure.notation), "class": measure.kind, "title": title(measure.label),
        "props": [prop("label", measure.notation, ns=None), *_measure_props(measure, vocabulary)],
        "links": [canonical(measure.iri)],
        "parts": [_statement_part(measure, statement_id(measure.notation), "statement", None),
                  *({"id": f"{oscal_id(measure.notation)}_note.{i}", "name": "note", "ns": NS, "class": lang,
                     "prose": note} for i, (note, lang) in enumerate(zip(measure.notes, measure.note_languages), 1))],
    }


def _measure_props(measure: Statement, vocabulary: Vocabulary) -> list[dict]:
    props = []
    if measure.stage:
        props.append(prop("stage", measure.stage.iri, words=measure.stage.label))
        props.append(prop("stageInferred", _boolean(measure.stage_inferred)))
    props.append(prop("sectionInferred", _boolean(measure.section_inferred)))
    if measure.modality:
        modality = str(FSC[measure.modality])
        props.append(prop("modality", modality, words=vocabulary.label(modality)))
    if measure.modal_keyword:
        props.append(prop("modalKeyword", measure.modal_keyword))
    source = measure.source
    for name, value in (("document", source.document), ("chapter", source.chapter), ("section", source.section),
                        ("stageColumn", source.stage_column), ("part", source.part)):
        if value:
            is_iri = name != "part"
            props.append(prop(name, value, group="source", words=_words(measure, value, vocabulary) if is_iri else None))
    return props


def _words(measure: Statement, iri: str, vocabulary: Vocabulary) -> Label:
    """The words for a term the measure's source names: its stage, section or chapter as the
    record gives them, else the vocabulary's (the document's title, say)."""
    for ref in (measure.stage, measure.section, measure.chapter):
        if ref is not None and ref.iri == iri:
            return ref.label
    return vocabulary.label(iri)


def _boolean(value: bool) -> str:
    return "true" if value else "false"

