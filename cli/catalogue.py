"""``fscai catalogue``: the guideline's measures as a tree, JSON, CSV, Markdown or Turtle; and
``fscai catalogue diff OLD NEW``: what changed between two revisions of the catalogue."""

from __future__ import annotations

import click

from cli.options import Failure, pass_layout
from mapper.catalogue.diff import SourceError, diff_sources
from mapper.catalogue.ontology import catalogue_graph
from mapper.catalogue.records import read_catalogue
from mapper.catalogue.render import (
    render_csv,
    render_diff_csv,
    render_diff_json,
    render_diff_markdown,
    render_diff_text,
    render_json,
    render_markdown,
    render_text,
)

RENDERERS = {"text": render_text, "json": render_json, "csv": render_csv, "md": render_markdown}
DIFF_RENDERERS = {"text": render_diff_text, "json": render_diff_json, "csv": render_diff_csv,
                  "md": render_diff_markdown}


@click.group("catalogue", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md", "ttl"]), default="text",
              show_default=True)
@pass_layout
def catalogue(layout, fmt: str) -> None:
    """建議措施目錄 / The catalogue: principle → section → stage → measure, zh-Hant and English.

    `fscai catalogue diff OLD NEW` compares two revisions of it.
    """
    if click.get_current_context().invoked_subcommand is not None:
        return
    graph = catalogue_graph(layout)
    if fmt == "ttl":
        click.echo(graph.serialize(format="turtle"), nl=False)
        return
    click.echo(RENDERERS[fmt](read_catalogue(graph)), nl=False)


@catalogue.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "fmt", type=click.Choice(list(DIFF_RENDERERS)), default="text", show_default=True)
@pass_layout
def diff(layout, old: str, new: str, fmt: str) -> None:
    """目錄版本差異 / What changed between two revisions of the catalogue.

    OLD and NEW are each a Turtle file, a directory of Turtle files, or `installed` (this project's
    catalogue, --root). Reports measures added, removed, reworded (same notation, other zh-Hant
    text), moved (same text, other notation or section) and changes of stage, modality, modal
    keyword or translation. Exit 0 whether or not anything changed; 2 when a source cannot be read.
    """
    try:
        found = diff_sources(old, new, layout)
    except SourceError as error:
        raise Failure(str(error)) from None
    click.echo(DIFF_RENDERERS[fmt](found), nl=False)

