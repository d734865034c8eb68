"""Parsing and checking a whole submission, file by file, into one :class:`Submission`.

Each file is read (:mod:`~mapper.load.read`), pre-checked if it is RDF/XML
(:mod:`~mapper.load.rdfxml`) or JSON-LD (:mod:`~mapper.load.jsonld`), else for its nesting depth
(:mod:`~mapper.load.scan`), parsed by pyoxigraph
and its triples checked as they come (:mod:`~mapper.load.checks`). Blank nodes are renamed
per file, so ``_:b`` in two files are two nodes (RDF merge).

All files are checked, each up to its first error; the :class:`LoadError` raised is the
first file's error and carries every file's first error in ``errors`` (one line each).
Files after the one that exhausts ``Limits.max_triples`` are not read. Identity
(:mod:`~mapper.load.identity`) is checked only when every file passed.

>>> import tempfile, pathlib
>>> from mapper.namespaces import FSCG
>>> ttl = '''@prefix fsc: <https://w3id.org/fscai/def#> .
... @prefix dct: <http://purl.org/dc/terms/> .
... @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
... <https://bank.example/> a fsc:Institution ; fsc:unifiedBusinessNumber "12345675" .
... [] a fsc:Submission ; fsc:submittedBy <https://bank.example/> ;
...    dct:issued "2025-06-30"^^xsd:date .
... '''
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "bank.ttl")
...     _ = path.write_text(ttl, encoding="utf-8")
...     sub = parse_submission([path], catalogue_terms=frozenset())
>>> sub.graph_iri, sub.ubn, len(sub.graph)
('https://w3id.org/fscai/graph/submission/12345675/2025-06-30', '12345675', 5)
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "typo.ttl")
...     _ = path.write_text(ttl + f"<https://bank.example/> dct:references <{FSCG}measure-9.9.9> .\\n")
...     parse_submission([path], catalogue_terms=frozenset())  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
mapper.load.errors.LoadError: .../typo.ttl:7:40: 指引目錄無此用語（建議作法或節之IRI拼錯？） / unknown catalogue term <https://w3id.org/fscai/guideline/draft/measure-9.9.9>: ...
"""

from __future__ import annotations

import datetime
import functools
import gc
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from mapper.graphs import submission_graph_iri
from mapper.load.checks import check_quads
from mapper.load.errors import LoadError
from mapper.load.files import File
from mapper.load.identity import Identity, identify
from mapper.load.jsonld import check_json_ld
from mapper.load.limits import RELATIVE_BASE, Budget, Limits
from mapper.load.positions import syntax_error
from mapper.load.rdfxml import check_rdf_xml
from mapper.load.read import expand_paths, read_file
from mapper.load.scan import check_turtle_nesting
from mapper.store.terms import graph_from_triples

if TYPE_CHECKING:  # pragma: no cover
    from mapper.workbook.mapping import Mapping


@dataclass(frozen=True)
class Submission:
    """One checked submission, ready to be written (or already written) to the store."""

    institution: str
    ubn: str
    date: datetime.date
    graph_iri: str
    files: tuple[str, ...]
    #: number of distinct triples
    triples: int
    #: the triples as N-Triples, as written by :func:`~mapper.load.write.load_submission`
    ntriples: bytes = field(compare=False, repr=False)

    @functools.cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib Graph (for pySHACL), built on first use: building an
        rdflib graph is slow (see bench/README.md), and loading alone need not pay for it."""
        return graph_from_triples(ox.parse(self.ntriples, ox.RdfFormat.N_TRIPLES))


def parse_submission(paths: Iterable[str | os.PathLike[str]], *, catalogue_terms: frozenset[str],
                     limits: Limits = Limits(),
                     workbook_mapping: Mapping | Callable[[], Mapping] | None = None,
                     accept: Callable[[list[File], Identity], None] | None = None,
                     progress: Callable[[str, str], None] | None = None) -> Submission:
    """Read, parse and check every file of one submission; write nothing.

    ``catalogue_terms``: the IRIs of the catalogue's subjects (see
    :func:`~mapper.load.write.catalogue_terms_from`). ``workbook_mapping``: how a workbook's
    sheets and columns give triples (:mod:`mapper.workbook.mapping`), or a function giving it,
    called only when an ``.xlsx`` file is met. ``accept``: a last check of the whole submission
    and its identity (who may write it: :func:`mapper.load.ownership.check_ownership`). Raises
    :class:`LoadError` (the first error of each file in ``.errors``) if anything is refused.
    ``progress`` (a progress bar's hook) is called as each step begins: ``parse`` and the file's
    name for each file, then ``check`` (identity and ``accept``).
    """
    paths = expand_paths(paths)
    budget = Budget(limits)
    files: list[File] = []
    errors: list[LoadError] = []
    # Parsing makes one Python object per term and none refer back: the cycle collector, run again
    # and again over a growing heap, would only cost time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        mapping = functools.cache(workbook_mapping if callable(workbook_mapping) else lambda: workbook_mapping)
        return _parse_all(paths, budget, files, errors, catalogue_terms, limits, mapping, accept,
                          progress or (lambda name, detail: None))
    finally:
        if collecting:
            gc.enable()


def _parse_all(paths: list[Path], budget: Budget, files: list[File], errors: list[LoadError],
               catalogue_terms: frozenset[str], limits: Limits,
               workbook_mapping: Callable[[], Mapping | None],
               accept: Callable[[list[File], Identity], None] | None = None,
               step: Callable[[str, str], None] = lambda name, detail: None) -> Submission:
    for path in paths:
        if budget.exhausted:
            break
        step("parse", path.name)
        try:
            f = read_file(path, limits, workbook_mapping)
            if f.fmt == ox.RdfFormat.RDF_XML:
                check_rdf_xml(f)
            elif f.fmt == ox.RdfFormat.JSON_LD:
                check_json_ld(f)
            else:  # Turtle, TriG, N-Triples, N-Quads
                check_turtle_nesting(f)
            _parse_file(f, budget, catalogue_terms)
            files.append(f)
        except LoadError as exc:
            errors.append(exc)
    if errors:
        errors[0].errors = tuple(errors)
        raise errors[0]
    step("check", "")
    identity = identify(files)
    if accept is not None:
        accept(files, identity)
    distinct = list(dict.fromkeys(t for f in files for t in f.triples))
    ntriples = ox.serialize(distinct, format=ox.RdfFormat.N_TRIPLES) or b""
    return Submission(institution=identity.institution, ubn=identity.ubn, date=identity.date,
                      graph_iri=submission_graph_iri(identity.ubn, identity.date),
                      files=tuple(f.name for f in files), triples=len(distinct), ntriples=ntriples)


def _parse_file(f: File, budget: Budget, terms: frozenset[str]) -> None:
    """Parse ``f`` and check each quad as it comes; stop at the first error."""
    base = RELATIVE_BASE if f.fmt in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML) else None
    parser = ox.parse(f.data, f.fmt, base_iri=base, rename_blank_nodes=True)
    f.parser = parser  # its prefixes, as far as parsed, help locate errors
    try:
        check_quads(f, parser, budget, terms)
    except SyntaxError as exc:
        raise syntax_error(f, exc) from None
    if not f.triples:
        raise f.error("no triples in file")
