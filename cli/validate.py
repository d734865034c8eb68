"""``fscai validate``: check a submission against the SHACL shapes in ``shapes/``.

Either FILES (one institution's submission, parsed and checked like ``fscai load`` but
not stored) or ``--institution IRI|UBN`` (the newest submission of that institution in
the store). FILES are read within the loader's limits (``--max-file-bytes`` ...). Exit codes
(:class:`cli.options.ExitCode`): 0 conforms (warnings may be reported); 1 violations found;
2 unusable input (a file refused by the loader, an unknown institution, no catalogue) or bad
usage; 3 the store unavailable.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import (
    INSTITUTION,
    ExitCode,
    Failure,
    Refused,
    limits_options,
    opened,
    pass_layout,
    store_option,
)
from cli.progress import steps
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
@limits_options
@pass_layout
def validate_command(layout: Layout, files: tuple[Path, ...], institution: str | None, store_url: str,
                     fmt: str, shapes_dir: Path | None, limits: Limits) -> None:
    """驗證申報 / Validate a submission (FILES, or --institution in the store) with the SHACL shapes.

    Exit 0: conforms; 1: violations found; 2: unusable input; 3: the store unavailable.
    """
    if bool(files) == bool(institution):
        raise click.UsageError("give either FILES or --institution, not both and not neither")
    shapes = load_shapes(shapes_dir or layout)
    if files:
        validation = _validate_files(layout, files, shapes, limits)
    else:
        validation = _validate_stored(store_url, institution, shapes)
    click.echo(RENDERERS[fmt](validation), nl=False)
    raise SystemExit(ExitCode.OK if validation.conforms else ExitCode.FINDINGS)


def _validate_files(layout: Layout, files: tuple[Path, ...], shapes, limits: Limits) -> Validation:
    from mapper.load import load_steps

    ontology_files = layout.ontology_files()
    with steps("驗證 / validating", load_steps(files)) as progress:  # each file, the checks, the shapes
        try:
            submission = parse_submission(files, catalogue_terms=catalogue_terms_from_files(ontology_files),
                                          limits=limits, workbook_mapping=lambda: layout_mapping(layout),
                                          progress=progress)
        except LoadError as exc:
            raise Refused(exc.errors) from None
        progress("validate")
        return validate(submission.graph, catalogue=catalogue_graph(layout), shapes=shapes,
                        graph_iri=submission.graph_iri)


def _validate_stored(store_url: str, institution: str, shapes) -> Validation:
    with opened(store_url) as store, steps("驗證 / validating", 1) as progress:
        progress("validate", institution)
        try:
            return validate_institution(store, institution, shapes=shapes)
        except (UnknownInstitution, NoCatalogue) as exc:
            raise Failure(str(exc)) from None
