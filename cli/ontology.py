"""``fscai ontology check`` and ``fscai ontology release``: the ontology's quality gates and release."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.options import ExitCode, pass_layout
from cli.progress import steps
from mapper.catalogue.gates import run_gates
from mapper.catalogue.ontology import catalogue_graph
from mapper.catalogue.reasoner import JavaMissing, hermit_check
from mapper.catalogue.release import RELEASE_FILES, write_release


@click.group("ontology")
def ontology() -> None:
    """本體品質檢查與發布 / Quality gates and release of the ontology."""


@ontology.command("check")
@click.option("--reasoner/--no-reasoner", default=True, help="Run the HermiT OWL 2 DL consistency check (needs Java).")
@pass_layout
def check(layout, reasoner: bool) -> None:
    """Run every gate: SHACL shapes and *-violation queries under ontology/checks/, then HermiT.

    Exit 0 when all pass, 1 when a gate fails, 3 when a gate cannot run (no Java).
    """
    graph = catalogue_graph(layout)
    failed = False
    for report in run_gates(graph, layout):
        status = "通過 / pass" if report.passed else f"失敗 / FAIL ({len(report.failures)})"
        click.echo(f"{status:<24} {report.gate}")
        for failure in report.failures:
            click.echo(f"    {failure.term}  {failure.property}  {failure.value}  {failure.message}".rstrip())
        failed |= not report.passed
    if reasoner:
        try:
            result = hermit_check(graph)
        except JavaMissing as error:
            click.echo(str(error), err=True)
            sys.exit(ExitCode.UNAVAILABLE)
        status = "通過 / pass" if result.passed else "失敗 / FAIL"
        click.echo(f"{status:<24} OWL 2 DL (HermiT, {result.seconds:.1f} s): {result.explanation}")
        failed |= not result.passed
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)


@ontology.command("release")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True)
@pass_layout
def release(layout, out_dir: Path) -> None:
    """Write Turtle, N-Triples, JSON-LD, RDF/XML, pyLODE HTML and catalogue tables into OUT."""
    with steps("發布 / release", RELEASE_FILES) as progress:
        written = write_release(layout, out_dir, progress=progress)
    for path in written:
        click.echo(str(path))
