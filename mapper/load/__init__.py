"""Safe, atomic loading of one institution's submission (one or many RDF files).

A submission is parsed and checked *completely* before anything is written; then its
triples replace one named graph in one call, ``store.replace_graph``. A refused
submission leaves the store exactly as it was. Every refusal is a :class:`LoadError` that
prints as one line, ``FILE:LINE:COL: cause``.

What is refused, and why, is told where it is checked, in the order the checks run:

- :mod:`~mapper.load.limits`: the formats (by file extension only) and the size limits;
- :mod:`~mapper.load.read`: files that are not regular, too big, empty, not UTF-8 or hold
  NUL bytes;
- :mod:`~mapper.load.rdfxml`: RDF/XML with a DOCTYPE or ENTITY (billion laughs, local
  files), another encoding, XML that is not well-formed or nested too deep;
- :mod:`~mapper.load.jsonld`: JSON-LD contexts to fetch, ``@import``, and what JSON-LD
  would drop silently (duplicate keys, bad language tags, bad ``@id``);
- :mod:`~mapper.load.checks`: each triple: named graphs, RDF 1.2, catalogue terms redefined
  or mistyped, relative IRIs, long or ill-typed literals (:mod:`~mapper.load.xsd`),
  ``owl:imports``, too many triples;
- :mod:`~mapper.load.identity`: one institution with its UBN, one submission with its date;
- :mod:`~mapper.load.ownership` (a load into a store): the submitter's own institution, a valid
  UBN, a plausible date, only subjects it operates, nothing of the catalogue's.

:mod:`~mapper.load.errors` tells where each error points; :mod:`~mapper.load.parse` how the
files of one submission are checked together; :mod:`~mapper.load.write` how the checked
submission is written.
"""

from __future__ import annotations

from mapper.load.errors import LoadError
from mapper.load.limits import FORMATS, MAX_NESTING, Limits
from mapper.load.parse import Submission, parse_submission
from mapper.load.write import catalogue_terms_from, catalogue_terms_from_files, load_steps, load_submission
from mapper.load.xsd import xsd_valid

__all__ = [
    "FORMATS",
    "Limits",
    "LoadError",
    "Submission",
    "parse_submission",
    "load_submission",
    "load_steps",
    "catalogue_terms_from",
    "catalogue_terms_from_files",

    "xsd_valid",
    "MAX_NESTING",
]
