"""``fscai synth``: write synthetic submissions for scale runs (see :mod:`mapper.synth`).

One N-Triples file per institution (``UBN.nt``) in ``--out``; prints the number of files and of
triples. Exit 0 on success; 2 on bad usage (click's usage errors) or an unwritable directory.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import Failure, pass_layout
from mapper.layout import Layout
from mapper.synth import synthesise


@click.command("synth")
@click.option("--institutions", type=click.IntRange(min=1), required=True, metavar="N",
              help="Number of institutions (one file each).")
@click.option("--systems", type=click.IntRange(min=0), required=True, metavar="M",
              help="AI systems per institution (about 1,000 triples each).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; the same seed gives the same files.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Directory to write the files to (created if absent; files of the same name are replaced).")
@pass_layout
def synth_command(layout: Layout, institutions: int, systems: int, seed: int, out_dir: Path) -> None:
    """合成申報資料 / Write synthetic submissions for scale runs.

    Dates and gaps are relative to 2026-11-25 (mapper.synth.REFERENCE_DATE); vendors come from
    one pool shared by all institutions.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Failure(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    files = triples = 0
    for name, data in synthesise(institutions, systems, seed=seed, layout=layout):
        try:
            (out_dir / name).write_bytes(data)
        except OSError as exc:
            raise Failure(f"cannot write {out_dir / name}: {exc.strerror or exc}") from None
        files += 1
        triples += data.count(b"\n")  # N-Triples: one triple per line, no duplicates
    click.echo(f"{files} files, {triples} triples in {out_dir}")

