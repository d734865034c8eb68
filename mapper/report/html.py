"""The HTML report: one self-contained page (inline CSS, no scripts, no external assets).

Traditional Chinese first (``lang="zh-Hant"``), English beside it (``lang="en"``), so the page
works offline and on an air-gapped network. The markup is in the Jinja2 templates of
``mapper/report/templates/``: ``report.html`` (the page) and ``index.html`` (the index of
per-institution files) on ``_page.html``, an institution's sections in ``_institution.html``, and
the bilingual ``both``/``zh_en`` and ``table`` helpers in ``_macros.html``. The templates read the
view model of :mod:`mapper.report.rows`, which this module hands them as globals.

Every value a template prints is escaped as text (``&``, ``<``, ``>``; quotes stay as written, as
``html.escape(..., quote=False)`` does), values in attributes through the ``attribute_value``
filter; what the macros return is markup already and passes through.

>>> both = ENVIRONMENT.get_template("_macros.html").module.both
>>> str(both(SimpleNamespace(zh="公平 & 問責", en="fairness & accountability")))
'<span lang="zh-Hant">公平 &amp; 問責</span><br><span lang="en" class="en">fairness &amp; accountability</span>'
>>> page = render_index([])
>>> page.startswith('<!DOCTYPE html>\\n<html lang="zh-Hant">'), "<script" in page, page.endswith("</html>\\n")
(True, False, True)
"""

from __future__ import annotations

from html import escape
from itertools import groupby
from types import SimpleNamespace  # noqa: F401 (doctest)
from typing import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mapper.analysis import Analysis
from mapper.graphs import institution_of
from mapper.report.rows import (
    TITLE,
    GapRow,
    cell_text,
    coverage_grid,
    gap_rows,
    kind_label,
    severity_labels,
    summary_counts,
    tier_rows,
    undetermined_rows,
    validation_line,
)


def _as_text(value: object) -> Markup:
    """What a template prints: markup as it is, anything else escaped as text."""
    if hasattr(value, "__html__"):
        return value
    return Markup(escape(str(value), quote=False))


def _attribute_value(value: object) -> Markup:
    """A value for a quoted attribute: quotes escaped too."""
    return Markup(escape(str(value)))


def _by_subject(rows: Sequence[GapRow]) -> list[list[GapRow]]:
    """The gap rows in runs of one subject, in the rows' order (Jinja2's groupby would sort them)."""
    return [list(group) for _, group in groupby(rows, key=lambda r: r.subject)]


ENVIRONMENT = Environment(loader=PackageLoader("mapper.report", "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          finalize=_as_text, undefined=StrictUndefined)
ENVIRONMENT.filters.update(by_subject=_by_subject, attribute_value=_attribute_value)
ENVIRONMENT.globals.update(
    title=TITLE, institution_of=institution_of, summary_counts=summary_counts, coverage_grid=coverage_grid,
    cell_text=cell_text, tier_rows=tier_rows, gap_rows=gap_rows, kind_label=kind_label,
    undetermined_rows=undetermined_rows, validation_line=validation_line, severity_labels=severity_labels)


def render_html(analyses: Sequence[Analysis]) -> str:
    """One page for all the analyses, each institution a section anchored ``i<UBN>``."""
    institutions = [(a, f"i{institution_of(a.submission_graph)}") for a in analyses]
    return ENVIRONMENT.get_template("report.html").render(institutions=institutions)


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    """The index page of per-institution files: (analysis, file name relative to the index)."""
    return ENVIRONMENT.get_template("index.html").render(entries=entries)
