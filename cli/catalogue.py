"""``fscai catalogue``: the guideline's measures as a tree, JSON, CSV, Markdown or Turtle."""

from __future__ import annotations

import click

from cli.options import pass_layout
from mapper.catalogue.ontology import catalogue_graph
from mapper.catalogue.records import read_catalogue
from mapper.catalogue.render import render_csv, render_json, render_markdown, render_text

RENDERERS = {"text": render_text, "json": render_json, "csv": render_csv, "md": render_markdown}


@click.command("catalogue")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md", "ttl"]), default="text",
              show_default=True)
@pass_layout
def catalogue(layout, fmt: str) -> None:
    """建議措施目錄 / The catalogue: principle → section → stage → measure, zh-Hant and English."""
    graph = catalogue_graph(layout)
    if fmt == "ttl":
        click.echo(graph.serialize(format="turtle"), nl=False)
        return
    click.echo(RENDERERS[fmt](read_catalogue(graph)), nl=False)
