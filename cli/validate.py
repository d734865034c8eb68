"""``fscai validate``: check a submission against the SHACL shapes in ``shapes/``.

Either FILES (one institution's submission, parsed and checked like ``fscai load`` but
not stored) or ``--institution IRI|UBN`` (the newest submission of that institution in
the store). Exit codes: 0 conforms (warnings may be reported); 1 violations found;
2 unusable input (a file refused by the loader, an unknown institution, no catalogue,
a store that cannot be read) or bad usage.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cli.options import INSTITUTION, Failure, Refused, opened, pass_layout, store_option
from mapper.catalogue.ontology import catalogue_graph
from mapper.layout import Layout
from mapper.load import Limits, LoadError, catalogue_terms_from_files, parse_submission
from mapper.validate import (
    NoCatalogue,
    UnknownInstitution,
    Validation,
    load_shapes,
    render_json,
    render_text,
    render_turtle,
    validate,
    validate_institution,
)
from mapper.workbook.mapping import layout_mapping

RENDERERS = {"text": render_text, "json": render_json, "ttl": render_turtle}


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--institution", metavar="IRI|UBN", default=None, type=INSTITUTION,
              help="Validate this institution's newest submission in the store instead of FILES.")
@store_option
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="text: a bilingual report (zh-Hant, then English); json: the findings; "
                   "ttl: the SHACL validation report graph.")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, help="Directory of *.ttl shapes (default: the project's shapes/).")
@pass_layout
def validate_command(layout: Layout, files: tuple[Path, ...], institution: str | None, store_url: str,
                     fmt: str, shapes_dir: Path | None) -> None:
    """驗證申報 / Validate a submission (FILES, or --institution in the store) with the SHACL shapes.

    Exit 0: conforms; 1: violations found; 2: unusable input.
    """
    if bool(files) == bool(institution):
        raise click.UsageError("give either FILES or --institution, not both and not neither")
    shapes = load_shapes(shapes_dir or layout)
    if files:
        validation = _validate_files(layout, files, shapes)
    else:
        validation = _validate_stored(store_url, institution, shapes)
    click.echo(RENDERERS[fmt](validation), nl=False)
    raise SystemExit(0 if validation.conforms else 1)


def _validate_files(layout: Layout, files: tuple[Path, ...], shapes) -> Validation:
    try:
        limits = Limits.from_env(os.environ)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    ontology_files = layout.ontology_files()
    try:
        submission = parse_submission(files, catalogue_terms=catalogue_terms_from_files(ontology_files),
                                      limits=limits, workbook_mapping=lambda: layout_mapping(layout))
    except LoadError as exc:
        raise Refused(exc.errors) from None
    return validate(submission.graph, catalogue=catalogue_graph(layout), shapes=shapes,
                    graph_iri=submission.graph_iri)


def _validate_stored(store_url: str, institution: str, shapes) -> Validation:
    with opened(store_url, failing=2) as store:
        try:
            return validate_institution(store, institution, shapes=shapes)
        except (UnknownInstitution, NoCatalogue) as exc:
            raise Failure(str(exc)) from None
