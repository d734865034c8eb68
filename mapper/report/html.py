"""The HTML report: one self-contained page (inline CSS, no scripts, no external assets).

Traditional Chinese first (``lang="zh-Hant"``), English beside it (``lang="en"``), so the page
works offline and on an air-gapped network. The markup is in the Jinja2 templates of
``mapper/report/templates/``: ``report.html`` (the page) and ``index.html`` (the index of
per-institution files) on ``_page.html``, an institution's sections in ``_institution.html``, and
the bilingual ``both``/``zh_en``, ``table`` and ``fold`` helpers in ``_macros.html``. The templates
read the view model of :mod:`mapper.report.rows`, which this module hands them as globals.

A page stays readable at any size without a script: each institution begins with its contents
(links to each section and each kind of gap), each section is a ``<details>`` folded when it has
more than :data:`OPEN_UP_TO` rows (a contents link opens it: the browser reveals a fragment inside
a closed ``<details>``), a kind of gap says once what such a gap lacks, and the print styles
unfold everything, repeat table headers and keep each row on one page.

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
    GapGroup,
    GapRow,
    cell_text,
    coverage_grid,
    gap_groups,
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


def _by_subject(rows: Sequence, key=lambda r: r.subject) -> list[list]:
    """The gap rows in runs of one subject, in the rows' order (Jinja2's groupby would sort them)."""
    return [list(group) for _, group in groupby(rows, key=key)]


def _subject_runs(group: GapGroup) -> list[tuple[GapRow, object, int]]:
    """A group's (row, its detail, rowspan) triples: the rowspan is the length of the run of one
    subject on the run's first row, 0 on the others (they share the first row's subject cell)."""
    out = []
    for run in _by_subject([(r, d) for r, d in zip(group.rows, group.details)], key=lambda pair: pair[0].subject):
        out += [(row, detail, len(run) if i == 0 else 0) for i, (row, detail) in enumerate(run)]
    return out


def _gap_count(groups: Sequence[GapGroup]) -> int:
    return sum(len(g.rows) for g in groups)


#: A section (or a kind of gap) with this many rows or fewer is shown open; a longer one folded.
OPEN_UP_TO = 3

ENVIRONMENT = Environment(loader=PackageLoader("mapper.report", "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          finalize=_as_text, undefined=StrictUndefined)
ENVIRONMENT.filters.update(by_subject=_by_subject, subject_runs=_subject_runs, attribute_value=_attribute_value)
ENVIRONMENT.globals.update(
    title=TITLE, institution_of=institution_of, summary_counts=summary_counts, coverage_grid=coverage_grid,
    cell_text=cell_text, tier_rows=tier_rows, gap_rows=gap_rows, gap_groups=gap_groups, gap_count=_gap_count,
    open_up_to=OPEN_UP_TO, kind_label=kind_label,
    undetermined_rows=undetermined_rows, validation_line=validation_line, severity_labels=severity_labels)


def render_html(analyses: Sequence[Analysis]) -> str:
    """One page for all the analyses, each institution a section anchored ``i<UBN>``."""
    institutions = [(a, f"i{institution_of(a.submission_graph)}") for a in analyses]
    return ENVIRONMENT.get_template("report.html").render(institutions=institutions)


def render_index(entries: Sequence[tuple[Analysis, str]]) -> str:
    """The index page of per-institution files: (analysis, file name relative to the index)."""
    return ENVIRONMENT.get_template("index.html").render(entries=entries)
