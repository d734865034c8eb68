"""The bundled examples' UBNs, for the tests that load them with ``fscai load --institution``."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

#: By example directory or file name.
EXAMPLE_UBNS = {"minimal-submission.ttl": "12345675", "bank": "83910461", "life-insurer": "53728108",
                "securities": "66482035"}


def ubn_of(files: Iterable[str | Path]) -> str:
    """The UBN of the example these files (or this directory) are; a synthetic one (``mapper.synth``
    names its files ``{UBN}.nt``) by its name."""
    for path in map(Path, files):
        for name in (path.name, path.parent.name):
            if name in EXAMPLE_UBNS:
                return EXAMPLE_UBNS[name]
        if len(path.stem) == 8 and path.stem.isdigit():
            return path.stem
    raise KeyError(f"not a bundled example: {list(files)}")
