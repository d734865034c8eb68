"""The ``fscai`` command: one thin verb per module under :mod:`mapper.commands`."""

from __future__ import annotations

import click

from mapper import __version__
from mapper.commands.catalogue import catalogue
from mapper.commands.gaps import COMMANDS as GAPS_COMMANDS
from mapper.commands.load import COMMANDS as LOAD_COMMANDS
from mapper.commands.ontology import ontology
from mapper.commands.query import query_command
from mapper.commands.report import COMMANDS as REPORT_COMMANDS
from mapper.commands.serve import serve
from mapper.commands.synth import COMMANDS as SYNTH_COMMANDS
from mapper.commands.validate import validate_command
from mapper.layout import project_layout


@click.group()
@click.version_option(__version__, prog_name="fscai")
@click.option("--root", envvar="FSCAI_ROOT", type=click.Path(file_okay=False, exists=True), default=None,
              help="Project tree holding ontology/ and shapes/ (default: this repository; env FSCAI_ROOT).")
@click.pass_context
def main(ctx: click.Context, root: str | None) -> None:
    """金融業運用AI指引合規地圖 / FSC AI guideline compliance map."""
    ctx.obj = project_layout(root)


main.add_command(catalogue)
main.add_command(ontology)
main.add_command(validate_command)
main.add_command(serve)
main.add_command(query_command)
for command in LOAD_COMMANDS + GAPS_COMMANDS + REPORT_COMMANDS + SYNTH_COMMANDS:
    main.add_command(command)
