"""From a SHACL validation report to the records a compliance officer reads: :class:`Finding`.

Each ``sh:ValidationResult`` becomes a :class:`Finding` carrying the shape's bilingual message and
the guideline section the shape cites (its ``dct:source`` locator), labelled from the data graph.
Both engines' reports (pySHACL's, and the fast engine's shaped like it) are read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import BNode, Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from mapper.labels import Label, local_name
from mapper.namespaces import FSC, FSCS, PREFIXES, SH


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in the words a compliance officer reads.

    ``severity`` is ``Violation``, ``Warning`` or ``Info``; ``focus``, ``path``, ``value``
    and ``shape`` are IRIs or literal text (a blank node focus is ``_:id``); ``section`` is
    the IRI of the guideline section (or chapter, where the shape cites no section) the
    shape serves. The ``*_label`` fields are for reports and may be empty.
    """

    severity: str
    focus: str
    path: str | None
    value: str | None
    message_zh: str
    message_en: str
    shape: str
    section: str | None
    focus_label: str = ""
    section_label_zh: str = ""
    section_label_en: str = ""

    @property
    def shown_value(self) -> str | None:
        """The value to show a reader: none when there is none or it is the focus node itself."""
        return self.value if self.value is not None and self.value != self.focus else None



@dataclass(frozen=True)
class Severity:
    """A SHACL severity as the ontology words it (ontology/rules.ttl), and its rank (1 most severe)."""

    name: str  # the local name of the sh: term, as findings carry it: Violation, Warning, Info
    label: Label
    order: int


@dataclass(frozen=True)
class Validation:
    """The outcome of validating one submission graph; ``severities`` as the catalogue words them."""

    conforms: bool
    findings: tuple[Finding, ...]
    results: Graph = field(compare=False, repr=False)
    graph_iri: str | None = None
    severities: tuple[Severity, ...] = ()

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def severities_of(data) -> tuple[Severity, ...]:
    """The SHACL severities the knowledge in ``data`` names (``sh:Severity`` individuals with
    ``fsc:order`` and bilingual labels), most severe first.

    >>> from mapper.catalogue.ontology import catalogue_graph
    >>> [(s.name, s.label.zh, s.label.en) for s in severities_of(catalogue_graph())]
    [('Violation', '違規', 'violation'), ('Warning', '警告', 'warning'), ('Info', '資訊', 'info')]
    """
    found = []
    for term in set(data.subjects(RDF.type, SH.Severity)):
        name = local_name(term)
        labels = _by_language(data.objects(term, RDFS.label))
        order = data.value(term, FSC.order)
        found.append(Severity(name, Label(labels.get("zh-Hant", name), labels.get("en", name)),
                              int(order) if order is not None else 99))
    return tuple(sorted(found, key=lambda s: (s.order, s.name)))


def findings_of(results: Graph, shapes: Graph, data, severities: tuple[Severity, ...]) -> tuple[Finding, ...]:
    """Every result of a validation report as a :class:`Finding`, most severe first; ``data`` is
    the data graph (an rdflib ``Graph`` or :class:`mapper.validate.dataview.OxView`) for labels."""
    bind_prefixes(results)
    rank = {s.name: s.order for s in severities}
    findings = (_finding(results, r, shapes, data) for r in results.subjects(RDF.type, SH.ValidationResult))
    return tuple(sorted(findings, key=lambda f: (rank.get(f.severity, 99), f.section or "", f.focus, f.shape,
                                                 f.path or "", f.value or "")))


def validation_of(results: Graph, shapes: Graph, data, graph_iri: str | None) -> Validation:
    """The :class:`Validation` of a report: its findings, conformance (no ``sh:Violation`` result),
    and the severities the catalogue in ``data`` words."""
    severities = severities_of(data)
    findings = findings_of(results, shapes, data, severities)
    conforms = not any(f.severity == "Violation" for f in findings)
    return Validation(conforms, findings, results, graph_iri, severities)


def _finding(results: Graph, result: Node, shapes: Graph, data: Graph) -> Finding:
    shape = results.value(result, SH.sourceShape)
    owner = _owner_shape(shapes, shape)
    severity = local_name(results.value(result, SH.resultSeverity) or SH.Violation)
    messages = _by_language(results.objects(result, SH.resultMessage))
    if "zh-Hant" not in messages or "en" not in messages:
        for candidate in (shape, owner):
            for lang, text in _by_language(shapes.objects(candidate, SH.message)).items():
                messages.setdefault(lang, text)
    message_en = messages.get("en") or messages.get(None) or ""
    message_zh = messages.get("zh-Hant") or message_en
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    section, label_zh, label_en = _section(shapes, data, owner)
    return Finding(
        severity=severity,
        focus=_text(focus),
        path=_text(path) if path is not None and not isinstance(path, BNode) else None,
        value=_text(value) if value is not None else None,
        message_zh=message_zh,
        message_en=message_en,
        shape=_text(owner),
        section=section,
        focus_label=_label_of(data, focus),
        section_label_zh=label_zh,
        section_label_en=label_en,
    )


def _owner_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named shape that a result belongs to: the source shape itself, or, for a blank
    property shape nested with ``sh:property``, the shape that holds it."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(None, SH.property, shape) or shapes.value(None, SH.node, shape)
        if parent is None:
            break
        shape = parent
    return shape


def _section(shapes: Graph, data: Graph, shape: Node | None) -> tuple[str | None, str, str]:
    """The guideline section a shape cites (else its chapter) and its labels."""
    for locator in sorted(shapes.objects(shape, DCTERMS.source), key=str) if shape is not None else ():
        target = shapes.value(locator, FSC.section) or shapes.value(locator, FSC.chapter)
        if target is None:
            continue
        zh, en = _labels(data, target)
        notation = data.value(target, SKOS.notation)
        if notation is not None and shapes.value(locator, FSC.section) is not None:
            zh, en = f"{notation} {zh}", f"{notation} {en}"
        part = shapes.value(locator, FSC.part)
        if shapes.value(locator, FSC.section) is None and part is not None:
            zh, en = f"{zh}（{part}）", f"{en} ({_part_in_english(data, str(part))})"
        if shapes.value(locator, FSC.chapter) is not None and shapes.value(locator, FSC.section) is not None:
            chapter = shapes.value(locator, FSC.chapter)
            czh, cen = _labels(data, chapter)
            if czh:
                zh, en = f"{czh} › {zh}", f"{cen} › {en}"
        return str(target), zh, en
    return None, "", ""


def _part_in_english(data: Graph, part: str) -> str:
    """The English name of a chapter's part (a locator's ``fsc:part``), as the ``fsc:ChapterPart``
    labelled with it says; the part itself where none does."""
    for term in data.subjects(RDF.type, FSC.ChapterPart):
        labels = _by_language(data.objects(term, RDFS.label))
        if labels.get("zh-Hant") == part:
            return labels.get("en", part)
    return part


def _labels(graph: Graph, node: Node) -> tuple[str, str]:
    found = _by_language(graph.objects(node, RDFS.label))
    en = found.get("en") or found.get(None) or compact(node)
    return found.get("zh-Hant") or en, en


def _by_language(literals: Iterable[Node]) -> dict[str | None, str]:
    """Literals by language tag, keyed ``"zh-Hant"``, ``"en"``, ... as written in this module.

    Language tags are case-insensitive (BCP 47) and pyoxigraph lower-cases them
    (``zh-hant``), so they are compared without case.
    """
    canonical = {"zh-hant": "zh-Hant", "en": "en"}
    out: dict[str | None, str] = {}
    for literal in sorted(literals, key=str):
        if isinstance(literal, Literal):
            lang = literal.language.lower() if literal.language else None
            out.setdefault(canonical.get(lang, lang), str(literal))
    return out


def _label_of(graph: Graph, node: Node | None) -> str:
    """A name for a focus node: its rdfs:label (zh-Hant first) or dct:title; for an unnamed
    blank node, its class and the named node that points at it."""
    if node is None or isinstance(node, Literal):
        return ""
    for prop in (RDFS.label, DCTERMS.title):
        found = _by_language(graph.objects(node, prop))
        if found:
            return found.get("zh-Hant") or found.get("en") or next(iter(found.values()))
    measure, subject = graph.value(node, FSC.measure), graph.value(node, FSC.subject)
    if measure is not None and subject is not None:
        notation = graph.value(measure, SKOS.notation) or compact(measure)
        return f"{_label_of(graph, subject) or compact(subject)}：{notation} 之落實情形聲明"
    if isinstance(node, BNode):
        kind = graph.value(node, RDF.type)
        kind_name = _labels(graph, kind)[0] if kind is not None else ""
        referrer = next(iter(graph.subjects(None, node)), None)
        owner = _label_of(graph, referrer) if referrer is not None and referrer != node else ""
        return "".join(x for x in (owner, "之" if owner and kind_name else "", kind_name))
    return ""


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


_PREFIXES = dict(PREFIXES, fscs=str(FSCS), schema="https://schema.org/", dcat="http://www.w3.org/ns/dcat#")


def bind_prefixes(graph: Graph) -> None:
    for prefix, iri in _PREFIXES.items():
        graph.bind(prefix, iri)


def compact(node: Node | str | None) -> str:
    """``fsc:measure`` for a known namespace, ``<iri>`` otherwise."""
    if node is None:
        return ""
    text = str(node)
    if isinstance(node, Literal):
        return text
    for prefix, iri in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri) and re.fullmatch(r"[A-Za-z0-9_.\-]*", text[len(iri):]):
            return f"{prefix}:{text[len(iri):]}"
    return text if text.startswith("_:") else f"<{text}>"


