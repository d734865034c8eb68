"""The ``fscai`` command: one thin verb per module of this package, above the core and the web.

The CLI is the top layer: it calls :mod:`mapper` (load, analyse, validate, report) and, for
``fscai serve``, :mod:`web`; neither imports it. What every command shares is here and in
:mod:`cli.options`: the global options (``--root``, ``--progress/--no-progress``, accepted before
and after the command), one exit-code scheme (:class:`cli.options.ExitCode`), quiet library logs
(:mod:`cli.logs`) and progress bars on stderr (:mod:`cli.progress`).
"""

from __future__ import annotations

import traceback

import click

from cli import analyse, catalogue, export, gaps, load, ontology, query, report, serve, synth, template, validate
from cli.logs import quiet_libraries
from cli.options import ExitCode, add_global_options, global_params
from mapper import __version__

#: Every verb, in the order ``fscai --help`` lists them.
COMMANDS = (catalogue.catalogue, ontology.ontology, validate.validate_command, serve.serve, query.query_command,
            load.load_command, analyse.analyse_command, load.graphs_command, gaps.gaps_command, report.report_command,
            template.template_command, export.export, synth.synth_command)


class Fscai(click.Group):
    """The group: an error no command turned into a failure is a bug, exit ``INTERNAL`` (4) with
    its traceback, not Python's 1 (the code of findings); Ctrl-C exits ``INTERRUPTED`` (130)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("\nfscai: 已中斷 / interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception:  # noqa: BLE001 - the last line: say it is a bug, with the traceback
            traceback.print_exc()
            click.echo("fscai: 內部錯誤（程式缺陷）/ internal error (a bug): please report it with the traceback above",
                       err=True)
            ctx.exit(ExitCode.INTERNAL)


@click.group(cls=Fscai, params=global_params(group=True))
@click.version_option(__version__, prog_name="fscai")
def main() -> None:
    """金融業運用AI指引合規地圖 / FSC AI guideline compliance map.

    Exit codes (every command): 0 done; 1 findings (validate, ontology check); 2 bad usage or
    unusable input; 3 the store (or Java, or the address to serve on) unavailable; 4 a bug.
    """
    quiet_libraries()


for command in COMMANDS:
    add_global_options(command)
    main.add_command(command)
