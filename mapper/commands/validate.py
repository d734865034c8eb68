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

from mapper.layout import Layout, project_layout
from mapper.load import Limits, LoadError, catalogue_terms_from_files, parse_submission
from mapper.ontology import catalogue_graph
from mapper.validate import (NoCatalogue, UnknownInstitution, Validation, load_shapes, render_json,
                             render_text, render_turtle, validate, validate_institution)

#: Used when neither --store nor FSCAI_STORE is given (the same default as ``fscai load``).
DEFAULT_STORE_URL = "oxigraph:.fscai-store"
RENDERERS = {"text": render_text, "json": render_json, "ttl": render_turtle}


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--institution", metavar="IRI|UBN", default=None,
              help="Validate this institution's newest submission in the store instead of FILES.")
@click.option("--store", "store_url", envvar="FSCAI_STORE", default=DEFAULT_STORE_URL, show_default=True,
              metavar="URL", help="Store URL for --institution (memory:, oxigraph:PATH, sparql+http://...); "
                                  "env FSCAI_STORE.")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="text: a bilingual report (zh-Hant, then English); json: the findings; "
                   "ttl: the SHACL validation report graph.")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, help="Directory of *.ttl shapes (default: the project's shapes/).")
@click.pass_obj
def validate_command(layout: Layout | None, files: tuple[Path, ...], institution: str | None, store_url: str,
                     fmt: str, shapes_dir: Path | None) -> None:
    """驗證申報 / Validate a submission (FILES, or --institution in the store) with the SHACL shapes.

    Exit 0: conforms; 1: violations found; 2: unusable input.
    """
    if bool(files) == bool(institution):
        raise click.UsageError("give either FILES or --institution, not both and not neither")
    layout = layout if isinstance(layout, Layout) else project_layout()
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
                                      limits=limits)
    except LoadError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(2) from None
    return validate(submission.graph, catalogue=catalogue_graph(layout), shapes=shapes,
                    graph_iri=submission.graph_iri)


def _validate_stored(store_url: str, institution: str, shapes) -> Validation:
    from mapper.store import StoreError, open_store

    try:
        store = open_store(store_url)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    try:
        return validate_institution(store, institution, shapes=shapes)
    except (UnknownInstitution, NoCatalogue, StoreError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    finally:
        store.close()
