"""What a submission may be: its formats and its size limits.

The format is chosen by file extension only (:data:`FORMATS`); nothing is guessed from the
content. The limits bound what an untrusted submission can cost before anything is parsed:
bytes per file (checked with ``stat`` before reading), triples in the whole submission,
characters per literal and per IRI (:class:`Limits`), and nesting depth (:data:`MAX_NESTING`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

#: File extension (lower case) -> pyoxigraph format. Nothing else is guessed.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

#: Workbooks (read through the workbook mapping, :mod:`mapper.workbook.read`); no macro workbooks.
WORKBOOK_EXTENSIONS = (".xlsx",)

#: Deepest nesting accepted in every format, checked in one pass before parsing: Turtle and
#: TriG blank-node property lists ``[ ]``, collections ``( )``, graph blocks ``{ }`` and triple
#: terms ``<< >>`` (:mod:`~mapper.load.scan`; N-Triples and N-Quads too), JSON objects and
#: arrays, XML elements (:mod:`~mapper.load.rdfxml`). Real submissions stay below 20 levels.
#: Deep nesting is a chain of blank nodes, and chains are what the store's canonical dump
#: (RDFC-1.0) is slowest on: a chain of 100 takes 0.1 s, of 512 10 s, of 1,000 two minutes;
#: pyoxigraph's RDF/XML parser is quadratic in depth too.
MAX_NESTING = 128

#: Base IRI given to the JSON-LD and RDF/XML parsers, which otherwise *drop* statements
#: with relative IRIs silently. Any IRI under it is refused as relative.
RELATIVE_BASE = "https://relative-iri.invalid/"

ENV_MAX_FILE_BYTES = "FSCAI_MAX_FILE_BYTES"
ENV_MAX_TRIPLES = "FSCAI_MAX_TRIPLES"
ENV_MAX_LITERAL_CHARS = "FSCAI_MAX_LITERAL_CHARS"
ENV_MAX_IRI_CHARS = "FSCAI_MAX_IRI_CHARS"


@dataclass(frozen=True)
class Limits:
    """Size limits of one submission. Override with CLI options or the environment.

    - ``max_file_bytes`` (``FSCAI_MAX_FILE_BYTES``, default 64 MiB): size of each file,
      checked with ``stat`` before reading;
    - ``max_triples`` (``FSCAI_MAX_TRIPLES``, default 1,000,000): triples in the whole
      submission (about 1,000 AI systems at ~1,000 triples each);
    - ``max_literal_chars`` (``FSCAI_MAX_LITERAL_CHARS``, default 100,000): characters in
      one literal (a long policy excerpt fits; a pasted document does not);
    - ``max_iri_chars`` (``FSCAI_MAX_IRI_CHARS``, default 4,096): characters in one IRI (a
      long document URL fits; browsers and servers commonly stop at 2,000 to 8,000).

    >>> Limits().max_triples
    1000000
    >>> Limits.from_env({"FSCAI_MAX_TRIPLES": "500"}).max_triples
    500
    >>> Limits.from_env({"FSCAI_MAX_TRIPLES": "500"}, max_triples=7).max_triples
    7
    >>> Limits.from_env({"FSCAI_MAX_IRI_CHARS": "2_000"}).max_iri_chars
    2000
    >>> Limits.from_env({"FSCAI_MAX_TRIPLES": "lots"})
    Traceback (most recent call last):
        ...
    ValueError: FSCAI_MAX_TRIPLES must be a positive integer, got 'lots'
    """

    max_file_bytes: int = 64 * 1024 * 1024
    max_triples: int = 1_000_000
    max_literal_chars: int = 100_000
    max_iri_chars: int = 4_096

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{f.name} must be a positive integer, got {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: int | None) -> Limits:
        """Defaults, then the ``FSCAI_MAX_*`` variables of ``environ`` (``os.environ`` if
        None), then the ``overrides`` that are not None (the CLI options)."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, var in (("max_file_bytes", ENV_MAX_FILE_BYTES), ("max_triples", ENV_MAX_TRIPLES),
                          ("max_literal_chars", ENV_MAX_LITERAL_CHARS), ("max_iri_chars", ENV_MAX_IRI_CHARS)):
            raw = environ.get(var)
            if raw is not None and raw.strip():
                try:
                    values[name] = int(raw.strip().replace("_", ""))
                except ValueError:
                    raise ValueError(f"{var} must be a positive integer, got {raw!r}") from None
                if values[name] < 1:
                    raise ValueError(f"{var} must be a positive integer, got {raw!r}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class Budget:
    """The triples counted so far in one submission, against ``limits.max_triples``;
    ``exhausted`` once a file went over it (the files after it are not read)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.triples = 0
        self.exhausted = False
