"""Reports of one or more analyses, by format: a registry of renderers over one view model.

Each format has its own module (:mod:`~mapper.report.text`, :mod:`~mapper.report.json_format`,
:mod:`~mapper.report.csv_format`, :mod:`~mapper.report.markdown`, :mod:`~mapper.report.html`,
:mod:`~mapper.report.xlsx_format`: a workbook, the one format whose document is bytes);
each reads the rows of :mod:`mapper.report.rows` and none imports another. The SHACL validation
report is :func:`mapper.validate.render_turtle`'s Turtle.

>>> sorted(FORMATS)
['csv', 'html', 'json', 'md', 'text', 'ttl', 'xlsx']
"""

from __future__ import annotations

from typing import Sequence

from rdflib import Graph

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.report import csv_format, html, json_format, markdown, text, xlsx_format

#: Report format -> file extension.
FORMATS = {"text": "txt", "json": "json", "csv": "csv", "md": "md", "html": "html", "ttl": "ttl", "xlsx": "xlsx"}
#: Format -> the renderer of one document for several analyses.
RENDERERS = {"text": text.render_gaps_text, "json": json_format.render_json, "csv": csv_format.render_csv,
             "md": markdown.render_markdown, "html": html.render_html, "xlsx": xlsx_format.render_xlsx}
#: Format -> (index file name, the renderer of the index of per-institution files).
INDEXES = {"html": ("index.html", html.render_index), "md": ("index.md", markdown.render_index),
           "json": ("index.json", json_format.render_index)}
#: CSV, XLSX and Turtle reports get a CSV index.
DEFAULT_INDEX = ("index.csv", csv_format.render_index)


def as_list(analyses: Analysis | Sequence[Analysis]) -> list[Analysis]:
    return [analyses] if isinstance(analyses, Analysis) else list(analyses)


def render(analyses: Analysis | Sequence[Analysis], fmt: str) -> str | bytes:
    """One document in ``fmt`` (text, json, csv, md, html: text; xlsx: bytes) for all the analyses."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(sorted(RENDERERS))}")
    return RENDERERS[fmt](as_list(analyses))


def render_turtle(validations: Sequence) -> str:
    """The SHACL validation reports (``mapper.validate.Validation``) of one or more submissions,
    as one Turtle document."""
    from mapper.validate import render_turtle as one

    if len(validations) == 1:
        return one(validations[0])
    merged = Graph()
    for validation in validations:
        for prefix, namespace in validation.results.namespaces():
            merged.bind(prefix, namespace, override=False)
        merged += validation.results
    return merged.serialize(format="turtle")


def file_stem(analysis: Analysis) -> str:
    """The file name (without extension) for one institution's report: its UBN."""
    return institution_of(analysis.submission_graph)


def render_index(entries: Sequence[tuple[Analysis, str]], fmt: str) -> tuple[str, str]:
    """An index of per-institution report files: (file name, content). HTML, Markdown and JSON
    get an index in their own format; CSV, XLSX and Turtle get ``index.csv``."""
    name, renderer = INDEXES.get(fmt, DEFAULT_INDEX)
    return name, renderer(entries)
