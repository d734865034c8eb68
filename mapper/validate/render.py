"""A validation as text (for a compliance officer: Traditional Chinese first, then English), as JSON,
or as the SHACL validation report graph in Turtle."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from rdflib import Graph, URIRef  # noqa: F401 (doctest)

from mapper.validate.findings import Validation, compact, severities_of  # noqa: F401 (doctest)


def counts_line(validation: Validation) -> tuple[str, str]:
    """The counts by severity, in zh-Hant and in English, as the severities are worded.

    >>> from mapper.catalogue.ontology import catalogue_graph
    >>> counts_line(Validation(True, (), Graph(), severities=severities_of(catalogue_graph())))
    ('0 項違規、0 項警告、0 項資訊', '0 violations, 0 warnings, 0 infos')
    """
    counts = [(validation.count(s.name), s.label) for s in validation.severities]
    return ("、".join(f"{n} 項{label.zh}" for n, label in counts),
            ", ".join(f"{n} {label.en}{'s' * (n != 1)}" for n, label in counts))


def render_text(validation: Validation) -> str:
    """A report for a compliance officer: Traditional Chinese first, then English.

    >>> from mapper.catalogue.ontology import catalogue_graph
    >>> graph = "https://w3id.org/fscai/graph/submission/12345675/2025-06-30"
    >>> print(render_text(Validation(True, (), Graph(), graph, severities_of(catalogue_graph()))))
    驗證結果：符合（0 項違規、0 項警告、0 項資訊）
    Result: conforms (0 violations, 0 warnings, 0 infos)
    申報圖 / Submission graph: <https://w3id.org/fscai/graph/submission/12345675/2025-06-30>
    <BLANKLINE>
    """
    zh, en = counts_line(validation)
    verdict_zh = "符合" if validation.conforms else "不符合"
    verdict_en = "conforms" if validation.conforms else "does not conform"
    lines = [f"驗證結果：{verdict_zh}（{zh}）", f"Result: {verdict_en} ({en})"]
    if validation.graph_iri:
        lines.append(f"申報圖 / Submission graph: <{validation.graph_iri}>")
    lines.append("")
    words = {s.name: s.label.zh for s in validation.severities}
    for n, f in enumerate(validation.findings, 1):
        focus = compact(f.focus)
        name = f"「{f.focus_label}」 {focus}" if f.focus_label else focus
        lines.append(f"{n}. [{words.get(f.severity, f.severity)} {f.severity}] {name}")
        if f.path:
            lines.append(f"   屬性 / Property: {compact(f.path)}")
        if f.shown_value is not None:
            lines.append(f"   值 / Value: {compact(URIRef(f.value)) if _is_iri(f.value) else f.value}")
        lines.append(f"   {f.message_zh}")
        if f.message_en != f.message_zh:
            lines.append(f"   {f.message_en}")
        if f.section:
            lines.append(f"   依據 / Guideline: {f.section_label_zh} / {f.section_label_en}")
        lines.append(f"   規則 / Shape: {compact(f.shape)}")
        lines.append("")
    return "\n".join(lines)


def _is_iri(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$", text)) and not text.startswith("_:")


def render_json(validation: Validation) -> str:
    """The findings as JSON (UTF-8 text, not ASCII-escaped).

    >>> from mapper.catalogue.ontology import catalogue_graph
    >>> json.loads(render_json(Validation(True, (), Graph(), severities=severities_of(catalogue_graph()))))["counts"]
    {'Violation': 0, 'Warning': 0, 'Info': 0}
    """
    document = {
        "conforms": validation.conforms,
        "graph": validation.graph_iri,
        "counts": {s.name: validation.count(s.name) for s in validation.severities},
        "findings": [asdict(f) for f in validation.findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_turtle(validation: Validation) -> str:
    """The pySHACL validation report graph (``sh:ValidationReport``) as Turtle."""
    return validation.results.serialize(format="turtle")
