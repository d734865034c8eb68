"""The checks of each parsed triple, run as the parser yields it; the first failure stops the file.

- **Size**: more than ``Limits.max_triples`` triples in the whole submission.
- **Named graphs** (TriG, N-Quads, JSON-LD ``@graph`` with an ``@id``): refused, not
  flattened. A submission *is* one graph, named by the loader; a graph name inside a file
  would be silently lost if flattened. Put the triples in the default graph (TriG's
  ``{ ... }`` block without a name is fine).
- **RDF 1.2** triple terms and directional language strings: refused (rdflib, which
  pySHACL needs, cannot hold them). ``rdf:XMLLiteral`` and ``rdf:HTML`` literals are
  refused: rdflib parses them with an XML/HTML parser when the graph is built.
- **The catalogue**: a triple whose subject is a catalogue term ("submissions may not
  redefine the guideline"); any IRI in the guideline namespace (``fscg:``) that is not a
  catalogue term, e.g. a typo'd measure ``fscg:measure-9.9.9``.
- **Relative IRIs**: the JSON-LD and RDF/XML parsers resolve them against
  :data:`~mapper.load.limits.RELATIVE_BASE` (they would drop them otherwise); any IRI under
  it is refused.
- **IRIs** (subjects, predicates, objects, datatypes) longer than ``Limits.max_iri_chars``
  characters, or holding a character that shows other than it is: a control character (C0,
  DEL, C1), a bidi control (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069: ``U+202E`` shows
  ``evil\u202Efdp.exe`` as ``evilexe.pdf``), or an invisible one (zero-width spaces and
  joiners, word joiner, line and paragraph separators, BOM): RFC 3987 forbids bidi controls
  in IRIs, and a reader would take the IRI for another. Such characters come in escaped
  (``\u202E``) where the syntax would not let them in raw.
- **Literals**: longer than ``Limits.max_literal_chars`` characters, holding NUL (U+0000,
  e.g. written ``\u0000``: C strings, XML and most stores end or refuse text there), or
  ill-typed for an XSD datatype (``"2025-02-30"^^xsd:date``, ``"300"^^xsd:unsignedByte``):
  the parsers accept those silently; :func:`~mapper.load.xsd.xsd_valid` judges them.
- **owl:imports**: refused, whatever its object. Imports are never followed and a
  submission must be self-contained; keeping an import that does nothing would mislead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from mapper.load.errors import show
from mapper.load.files import File
from mapper.load.identity import IDENTITY_CLASSES, IDENTITY_PREDICATES, RDF_TYPE
from mapper.load.limits import ENV_MAX_IRI_CHARS, ENV_MAX_LITERAL_CHARS, ENV_MAX_TRIPLES, RELATIVE_BASE, Budget
from mapper.load.positions import term_error
from mapper.load.xsd import XSD, XSD_STRING, xsd_valid
from mapper.namespaces import FSC, FSCG

OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
RDF_XML_LITERAL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral"
RDF_HTML = "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
FSCG_NS = str(FSCG)
#: The revision a submission answers must be one the catalogue holds, whatever its namespace: an
#: unknown one would match no measure and leave the analysis silently empty.
FSC_ASSESSED_AGAINST = str(FSC.assessedAgainst)

#: Characters refused in an IRI: C0, DEL and C1 controls; bidi controls (U+061C, U+200E, U+200F,
#: U+202A-U+202E, U+2066-U+2069); invisible ones (U+00AD, U+180E, U+200B-U+200D, U+2028,
#: U+2029, U+2060-U+2064, U+FEFF).
_SHOWS_OTHERWISE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                              r"\u2060-\u2064\u2066-\u2069\ufeff]")
_NAMES = {"\u061c": "ARABIC LETTER MARK", "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK",
          "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
          "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
          "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
          "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE"}

#: Formats whose parser can put a triple in a named graph.
_DATASET_FORMATS = frozenset({ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD})


def check_quads(f: File, quads: Iterable[Any], budget: Budget, terms: frozenset[str]) -> None:
    """Check each parsed quad; keep it in ``f.triples`` (and in ``f.identity`` if needed).

    This loop runs once per triple of the submission, so it is written for speed: names bound
    locally, an IRI's checks skipped once the same IRI has passed them (the checks depend on
    the IRI alone), and the named-graph check only for formats that can name one.
    """
    max_chars, max_triples = budget.limits.max_literal_chars, budget.limits.max_triples
    max_iri = budget.limits.max_iri_chars
    named_node, literal, triple_term = ox.NamedNode, ox.Literal, ox.Triple  # exact types: no subclasses
    keep, identity = f.triples.append, f.identity.append
    may_name_graphs = f.fmt in _DATASET_FORMATS
    passed: set[str] = set()  # IRIs that passed the checks of any position
    passed_subjects: set[str] = set()  # subject IRIs that are no catalogue term
    count = budget.triples
    try:
        for quad in quads:
            count += 1
            if count > max_triples:
                budget.exhausted = True
                raise f.error(f"三元組超過 {max_triples} 個 / more than {max_triples} triples in the submission "
                              f"(--max-triples / {ENV_MAX_TRIPLES}); counted up to this file")
            if may_name_graphs and not isinstance(quad.graph_name, ox.DefaultGraph):
                raise term_error(f, quad.graph_name, f"named graph {show(quad.graph_name)} refused: a "
                                 "submission is one graph, named by the loader; put the triples in the "
                                 "default graph")
            s, p, o = quad.subject, quad.predicate, quad.object
            s_kind, o_kind = type(s), type(o)
            if s_kind is triple_term or o_kind is triple_term:
                raise term_error(f, p, "RDF 1.2 triple term refused: not supported by the mapper", text="<<")
            s_iri = s.value if s_kind is named_node else None
            if s_iri is not None and s_iri not in passed_subjects:
                if s_iri in terms:
                    raise term_error(f, s, f"不得描述指引目錄之用語 / triple about catalogue term <{s_iri}> refused: submissions may "
                                     "not redefine the guideline", subject=True)
                passed_subjects.add(s_iri)
            o_iri = o.value if o_kind is named_node else None
            if o_kind is literal:
                _check_literal(f, o, max_chars)
                datatype = o.datatype.value
                if datatype not in passed:
                    _check_iri(f, datatype, terms, passed, max_iri)
            p_iri = p.value
            for iri in (p_iri, s_iri, o_iri):  # in the order the checks have always reported them
                if iri is not None and iri not in passed:
                    _check_iri(f, iri, terms, passed, max_iri)
            if p_iri == FSC_ASSESSED_AGAINST and o_iri not in terms:
                raise term_error(f, o, f"指引目錄無此版本 / fsc:assessedAgainst {show(o)}: no such revision in the guideline "
                                 "catalogue (name a fsc:GuidelineDocument it holds, e.g. fscg:document for the draft)")
            if p_iri == OWL_IMPORTS:
                raise term_error(f, p, f"owl:imports {show(o)} refused: imports are never followed and a "
                                 "submission must be self-contained (copy the triples in instead)")
            keep(quad)
            if p_iri in IDENTITY_PREDICATES and (p_iri != RDF_TYPE or o_iri in IDENTITY_CLASSES):
                identity(quad)
    finally:
        budget.triples = count


def _check_iri(f: File, iri: str, terms: frozenset[str], passed: set[str], max_iri: int) -> None:
    """Refuse a long IRI, one holding a control, bidi or invisible character, an unknown catalogue
    IRI or a relative one; remember one that passes."""
    if len(iri) > max_iri:
        raise term_error(f, ox.NamedNode(iri), f"IRI {len(iri)} 字元，超過上限 {max_iri} / IRI of {len(iri)} characters, "
                         f"over the limit of {max_iri} (--max-iri-chars / {ENV_MAX_IRI_CHARS}): <{iri[:60]}...>")
    odd = _SHOWS_OTHERWISE.search(iri)
    if odd:
        char = odd.group()
        name = _NAMES.get(char, "control character" if char <= "\x9f" else "invisible character")
        kind = "雙向控制字元" if char in _NAMES else "控制或不可見字元"
        raise term_error(f, ox.NamedNode(iri), f"IRI 含{kind} / IRI {show(ascii(iri)[1:-1])} holds U+{ord(char):04X} "
                         f"{name} at character {odd.start() + 1}: it shows the IRI as another (RFC 3987 forbids "
                         "bidi controls); write it out or percent-encode it")
    if iri.startswith(FSCG_NS) and iri not in terms:
        raise term_error(f, ox.NamedNode(iri), f"指引目錄無此用語（建議作法或節之IRI拼錯？） / unknown catalogue term <{iri}>: no such term in "
                         "the guideline catalogue (a typo in a measure or section IRI?)")
    if iri.startswith(RELATIVE_BASE):
        relative = iri[len(RELATIVE_BASE):]
        raise term_error(f, ox.NamedNode(iri), f"relative IRI <{relative}> refused: use absolute "
                         "IRIs (or set @base / xml:base)", text=relative)
    passed.add(iri)


def _check_literal(f: File, o: ox.Literal, max_chars: int) -> None:
    value = o.value
    if len(value) > max_chars:
        raise term_error(f, o, f"字面值 {len(value)} 字元，超過上限 {max_chars} / literal of {len(value)} characters, over the limit of {max_chars} "
                         f"(--max-literal-chars / {ENV_MAX_LITERAL_CHARS})")
    if "\x00" in value:
        raise term_error(f, o, f"字面值含 NUL 字元 / literal holds NUL (U+0000) at character {value.index(chr(0)) + 1}: "
                         "text ends there for C programs, XML and most stores; remove it")
    if o.language:
        if o.direction is not None:
            raise term_error(f, o, "RDF 1.2 directional language string refused: not supported by "
                             "the mapper")
        return
    datatype = o.datatype.value
    if datatype == XSD_STRING:
        return
    if datatype in (RDF_XML_LITERAL, RDF_HTML):
        raise term_error(f, o, f"literal of type <{datatype}> refused: use a plain string")
    if datatype.startswith(XSD) and not xsd_valid(value, datatype[len(XSD):]):
        raise term_error(f, o, f"字面值不符其資料型別 xsd:{datatype[len(XSD):]} / ill-typed literal {show(o)}: "
                         f"not a valid xsd:{datatype[len(XSD):]}")
