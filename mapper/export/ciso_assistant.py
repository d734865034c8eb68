"""The guideline catalogue as a CISO Assistant framework library (YAML).

CISO Assistant (intuitem/ciso-assistant-community) imports frameworks as *libraries*: one YAML
document with the library's identity (``urn``, ``locale``, ``ref_id``, ``version``, ...) and its
``objects``, here one ``framework`` whose ``requirement_nodes`` form a tree through ``parent_urn``.
The format followed is the one its loader reads at release v3.20.8 (commit f990d7b1b9a9, August 2026):
``StoredLibrary.store_library_content`` and ``URN_REGEX`` (``backend/core/models.py``), the
``FrameworkImporter`` and ``RequirementNodeImporter`` (``backend/library/utils.py``), the
``LibraryUpdater`` (which passes every node key, except ``urn``/``depth``, to the model as a field:
so a node carries only model fields) and the Excel converter ``tools/convert_library_v2.py`` with its
``tools/README.md`` (which fields are required, the ``importance`` values).

What the library holds, chapter -> section -> statement in the guideline's order:

- every chapter (preface, general chapter, principles) and section as a non-assessable node with its
  heading as ``name``;
- every measure as an assessable node: its verbatim zh-Hant text as ``description``, its lifecycle
  stage as ``implementation_groups`` (the four stages are the framework's
  ``implementation_groups_definition``), its modality as ``importance`` (:data:`IMPORTANCE_BY_MODALITY`);
- every main concept the catalogue assesses on its own (fsc:AssessableStatement) as an assessable node
  too, and every other statement (preface point, general provision, main concept) as a non-assessable node
  under its section, or its chapter when it has none.

The library's main locale is ``zh``: the only Chinese locale CISO Assistant knows (its ``LANGUAGES``
and front-end ``LOCALE_MAP`` have ``zh``, labelled Simplified Chinese; no ``zh-TW`` or ``zh-Hant``),
so the zh-Hant text is the main text and English is the ``en`` translation of every name and
description. Every word comes from the catalogue (labels, the ontology's and the document's titles);
only the packaging identity (:data:`PACKAGING`) and the importance mapping are this module's own.

>>> from mapper.catalogue.install import layout_catalogue
>>> doc = library(layout_catalogue())
>>> doc["urn"], doc["locale"], doc["objects"]["framework"]["implementation_groups_definition"][0]["ref_id"]
('urn:fscai:risk:library:fsc-ai-guideline-draft', 'zh', 'S1')
>>> node = next(n for n in doc["objects"]["framework"]["requirement_nodes"] if n["ref_id"] == "2.1.3")
>>> node["urn"], node["depth"], node["description"], node["implementation_groups"], node["importance"]
('urn:fscai:risk:req_node:fsc-ai-guideline-draft:2.1.3', 3, '提供救濟管道', ['S1'], 'recommended')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from mapper.catalogue.records import Catalogue, Chapter, Ref, Statement, Term, sort_key
from mapper.labels import Label
from mapper.namespaces import FSC

#: The export's own mapping of the catalogue's modalities (the local names of ``fsc:Mandatory``,
#: ``fsc:Advisory``, ``fsc:Permissive`` and ``fsc:Unmarked``, ontology/core.ttl) to CISO Assistant's
#: ``RequirementNode.Importance`` values (``mandatory``, ``recommended``, ``nice_to_have``,
#: ``undefined``). It is this export's reading, not the FSC's: the draft is non-binding guidance, and
#: ``mandatory`` says only that the bullet uses 應/需 wording, ``recommended`` that it uses 宜 or sits
#: under "recommended practices" with no modal word, ``nice_to_have`` that it says 可 (may). A
#: modality missing here stops the export (see :func:`_importance`) rather than leave a measure's
#: importance silently undefined.
IMPORTANCE_BY_MODALITY = {"Mandatory": "mandatory", "Advisory": "recommended", "Permissive": "nice_to_have",
                          "Unmarked": "recommended"}

#: The values CISO Assistant's ``RequirementNode.importance`` accepts (``backend/core/models.py``).
CISO_IMPORTANCE_VALUES = ("mandatory", "recommended", "nice_to_have", "undefined")

#: CISO Assistant's pattern for every URN it stores (``core.models.URN_REGEX``; URNs are lower-cased
#: on import): ``urn:<packager>:<domain>:<object type>[:<framework>]:<id>``.
URN_PATTERN = re.compile(
    r"^urn:([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+)(?::([a-zA-Z0-9_-]+))?:([0-9A-Za-z\[\]\(\)\-\._:]+)$")

#: The characters CISO Assistant's converter keeps in a URN suffix (``clean_urn_suffix``).
_URN_UNSAFE = re.compile(r"[^a-z0-9_\-.\[\]():]")


@dataclass(frozen=True)
class Packaging:
    """Who packaged the library and under which identity: the export's own metadata, not the guideline's.

    CISO Assistant keys a library on (``urn``, ``locale``) and updates a loaded one only when
    ``version`` (an integer) is higher, so ``version`` goes up with every catalogue release whose
    text or structure changed; the URNs stay, since a notation never changes once published.
    ``publication_date`` is the catalogue's ``dct:issued`` (ontology/header.ttl) and ``copyright``
    states its ``dct:license``; a test holds both against the header.
    """

    packager: str = "fscai"
    slug: str = "fsc-ai-guideline-draft"
    ref_id: str = "FSC-AI-GUIDELINE-DRAFT"
    provider: str = "FSC"
    locale: str = "zh"
    version: int = 1
    publication_date: dt.date = dt.date(2026, 11, 25)
    copyright: Label = field(default=Label(
        "指引原文：金融監督管理委員會；轉錄及英譯：fscai contributors，CC BY 4.0（非金管會官方出版品）",
        "Guideline text: Financial Supervisory Commission, R.O.C. (Taiwan); transcription and English "
        "translation: fscai contributors, CC BY 4.0 (not an official FSC publication)"))

    def urn(self, object_type: str, node: str | None = None) -> str:
        """``urn:<packager>:risk:<object type>:<slug>[:<node>]``, CISO Assistant's URN family."""
        return f"urn:{self.packager}:risk:{object_type}:{self.slug}" + (f":{node}" if node is not None else "")


PACKAGING = Packaging()


def render_library(catalogue: Catalogue) -> str:
    """The catalogue as a CISO Assistant library: one YAML document, UTF-8 text, keys in the order
    CISO Assistant's own libraries use, the same bytes for the same catalogue."""
    return yaml.safe_dump(library(catalogue), allow_unicode=True, sort_keys=False, default_flow_style=False,
                          width=100)


def library(catalogue: Catalogue, packaging: Packaging = PACKAGING) -> dict:
    """The library as plain data (what :func:`render_library` writes)."""
    title, source = _library_titles(catalogue)
    return {
        "urn": packaging.urn("library"),
        "locale": packaging.locale,
        "ref_id": packaging.ref_id,
        "name": source.zh,
        "description": title.zh,
        "copyright": packaging.copyright.zh,
        "version": packaging.version,
        "publication_date": packaging.publication_date,
        "provider": packaging.provider,
        "packager": packaging.packager,
        "translations": {"en": {"name": source.en, "description": title.en, "copyright": packaging.copyright.en}},
        "objects": {"framework": _framework(catalogue, packaging, title, source)},
    }


def _library_titles(catalogue: Catalogue) -> tuple[Label, Label]:
    """The ontology's title (this compliance map) and the source document's title (the FSC's draft),
    both from the catalogue's vocabulary."""
    documents = sorted({s.source.document for s in catalogue.statements if s.source.document})
    if len(documents) != 1:
        raise ValueError(f"the catalogue's statements cite {len(documents)} source documents, expected one: "
                         f"{documents}")
    found = []
    for iri in (str(FSC).rstrip("#"), documents[0]):
        label = catalogue.vocabulary.labels.by_iri.get(iri)
        if label is None:
            raise ValueError(f"the catalogue has no title for {iri}")
        found.append(label)
    return found[0], found[1]


def _framework(catalogue: Catalogue, packaging: Packaging, title: Label, source: Label) -> dict:
    stages = sorted(catalogue.terms_of("LifecycleStage"), key=lambda t: (t.order or 0, t.notation))
    return {
        "urn": packaging.urn("framework"),
        "ref_id": packaging.ref_id,
        "name": source.zh,
        "description": title.zh,
        "translations": {"en": {"name": source.en, "description": title.en}},
        "implementation_groups_definition": [_implementation_group(stage) for stage in stages],
        "requirement_nodes": requirement_nodes(catalogue, packaging),
    }


def _implementation_group(stage: Term) -> dict:
    """One lifecycle stage as an implementation group: its notation as ``ref_id``, its label as name."""
    group = {"ref_id": stage.notation, "name": stage.label.zh,
             "description": stage.definition.zh if stage.definition else None}
    english = {"name": stage.label.en}
    if stage.definition:
        english["description"] = stage.definition.en
    group["translations"] = {"en": english}
    return group


def requirement_nodes(catalogue: Catalogue, packaging: Packaging = PACKAGING) -> list[dict]:
    """Chapter -> section -> statement, each parent before its children, in the guideline's order.

    Within a chapter, its statements outside any section (main concepts, preface points) come first,
    as the text has them, then each section followed by its statements in notation order.
    """
    by_parent: dict[str, list[Statement]] = {}
    for statement in catalogue.statements:
        parent = statement.section.iri if statement.section else statement.chapter.iri
        by_parent.setdefault(parent, []).append(statement)
    nodes: list[dict] = []
    for chapter in catalogue.chapters:
        chapter_node = _heading(chapter, None, packaging)
        nodes.append(chapter_node)
        nodes.extend(_statement_node(s, chapter_node, packaging) for s in _ordered(by_parent.pop(chapter.iri, [])))
        for section in chapter.sections:
            section_node = _heading(section, chapter_node, packaging)
            nodes.append(section_node)
            nodes.extend(_statement_node(s, section_node, packaging)
                         for s in _ordered(by_parent.pop(section.iri, [])))
    if by_parent:
        stray = sorted((s.notation for group in by_parent.values() for s in group), key=sort_key)
        raise ValueError(f"statements outside every chapter and section of the catalogue: {stray}")
    return nodes


def _ordered(statements: list[Statement]) -> list[Statement]:
    return sorted(statements, key=lambda s: sort_key(s.notation))


def _heading(heading: Chapter | Ref, parent: dict | None, packaging: Packaging) -> dict:
    """A chapter or a section: not assessable, its heading as ``name``."""
    node = _node_base(heading.notation, parent, assessable=False, packaging=packaging)
    node["name"] = heading.label.zh
    node["translations"] = {"en": {"name": heading.label.en}}
    return node


def _statement_node(statement: Statement, parent: dict, packaging: Packaging) -> dict:
    """A bullet of the text: its verbatim zh-Hant text as ``description``; a measure (or a main
    concept assessed on its own) is assessable, with its stage as implementation group and its
    modality as importance."""
    assessable = statement.assessable
    node = _node_base(statement.notation, parent, assessable=assessable, packaging=packaging)
    node["description"] = statement.label.zh
    if assessable:
        if statement.stage is not None:
            node["implementation_groups"] = [statement.stage.notation]
        node["importance"] = _importance(statement)
    node["translations"] = {"en": {"description": statement.label.en}}
    return node


def _node_base(notation: str, parent: dict | None, *, assessable: bool, packaging: Packaging) -> dict:
    node = {"urn": packaging.urn("req_node", urn_suffix(notation)), "assessable": assessable,
            "depth": 1 if parent is None else parent["depth"] + 1}
    if parent is not None:
        node["parent_urn"] = parent["urn"]
    node["ref_id"] = notation
    return node


def urn_suffix(notation: str) -> str:
    """A notation as the last part of a node's URN, cleaned as CISO Assistant's converter does.

    >>> urn_suffix("G.3.1"), urn_suffix("2.C.1"), urn_suffix("1")
    ('g.3.1', '2.c.1', '1')
    """
    return _URN_UNSAFE.sub("_", notation.lower().replace(" ", "-"))


def _importance(measure: Statement) -> str:
    try:
        return IMPORTANCE_BY_MODALITY[measure.modality]
    except KeyError:
        raise ValueError(f"measure {measure.notation} has the modality {measure.modality!r}, which "
                         f"IMPORTANCE_BY_MODALITY does not map to a CISO Assistant importance") from None
