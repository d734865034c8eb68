"""The ``fscai`` command: one thin verb per module of this package, above the core and the web.

The CLI is the top layer: it calls :mod:`mapper` (load, analyse, validate, report) and, for
``fscai serve``, :mod:`web`; neither imports it.
"""

from __future__ import annotations

import click

from cli import analyse, catalogue, export, gaps, load, ontology, query, report, serve, synth, template, validate
from mapper import __version__
from mapper.layout import project_layout

#: Every verb, in the order ``fscai --help`` lists them.
COMMANDS = (catalogue.catalogue, ontology.ontology, validate.validate_command, serve.serve, query.query_command,
            load.load_command, analyse.analyse_command, load.graphs_command, gaps.gaps_command, report.report_command,
            template.template_command, export.export, synth.synth_command)


@click.group()
@click.version_option(__version__, prog_name="fscai")
@click.option("--root", envvar="FSCAI_ROOT", type=click.Path(file_okay=False, exists=True), default=None,
              help="Project tree holding ontology/ and shapes/ (default: this repository; env FSCAI_ROOT).")
@click.pass_context
def main(ctx: click.Context, root: str | None) -> None:
    """金融業運用AI指引合規地圖 / FSC AI guideline compliance map."""
    ctx.obj = project_layout(root)


for command in COMMANDS:
    main.add_command(command)
