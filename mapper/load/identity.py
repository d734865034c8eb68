"""Who submits and when: the institution and date that name a submission's graph.

The submission must hold exactly one ``fsc:Institution``, named by an IRI, with exactly one
``fsc:unifiedBusinessNumber`` of 8 digits (a plain string), and exactly one
``fsc:Submission`` with exactly one ``dct:issued`` of type ``xsd:date`` written
``YYYY-MM-DD``; an ``fsc:submittedBy`` on it, if given, must name that institution. They
name the graph: ``SUBMISSION_GRAPH_PREFIX + UBN + "/" + date``. Identity is checked only
when every file passed its own checks.

The files of a submission are merged as RDF merges graphs: the same triple in several files is
one triple (``<inst> a fsc:Institution``, its UBN, the submission's ``dct:issued``, written in
each file of a submission), so only *different* values are refused; a blank node is its file's
own, so ``[] a fsc:Submission`` in two files is two submissions.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, NamedTuple

import pyoxigraph as ox

from mapper.load.errors import LoadError, show
from mapper.load.files import File
from mapper.load.positions import term_error
from mapper.load.xsd import XSD_DATE, XSD_STRING
from mapper.namespaces import FSC

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT_ISSUED = "http://purl.org/dc/terms/issued"
FSC_INSTITUTION = str(FSC.Institution)
FSC_SUBMISSION = str(FSC.Submission)
FSC_UBN = str(FSC.unifiedBusinessNumber)
FSC_SUBMITTED_BY = str(FSC.submittedBy)

#: Predicates whose triples :func:`identify` needs, gathered while checking.
IDENTITY_PREDICATES = frozenset({RDF_TYPE, FSC_UBN, DCT_ISSUED, FSC_SUBMITTED_BY})
#: The classes whose rdf:type triples it needs.
IDENTITY_CLASSES = frozenset({FSC_INSTITUTION, FSC_SUBMISSION})

_UBN = re.compile(r"[0-9]{8}\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class Identity(NamedTuple):
    institution: str  # its IRI
    ubn: str
    date: datetime.date


def identify(files: list[File]) -> Identity:
    """The one institution, its UBN and the submission's date, from the ``identity`` quads
    of every file; or :class:`LoadError` at the offending term."""
    first = files[0]
    identity = [(f, t) for f in files for t in f.identity]

    def objects(subject: Any, predicate: str) -> list[tuple[File, Any]]:
        """The distinct objects (RDF merge: a triple in two files is one), each with the first
        file that holds it."""
        found: dict[Any, File] = {}
        for f, t in identity:
            if t.subject == subject and t.predicate.value == predicate:
                found.setdefault(t.object, f)
        return [(f, o) for o, f in found.items()]

    def typed(cls: str) -> list[tuple[File, Any]]:
        found: dict[Any, File] = {}
        for f, t in identity:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value == cls:
                found.setdefault(t.subject, f)
        return [(f, s) for s, f in found.items()]

    def error_at(f: File, term: Any, cause: str, cls: str, *, subject: bool = True,
                 last: bool = False) -> LoadError:
        if isinstance(term, ox.BlankNode):
            # a blank node is written nowhere: point at (the last) mention of its class
            return term_error(f, ox.NamedNode(cls), cause, last=last)
        return term_error(f, term, cause, subject=subject and isinstance(term, ox.NamedNode))

    expected_inst = ('expected exactly one: <https://your.institution/> a fsc:Institution ; '
                     'fsc:unifiedBusinessNumber "12345675" .')
    institutions = typed(FSC_INSTITUTION)
    if not institutions:
        raise first.error(f"提交內容中無金融機構 / no fsc:Institution in the submission: {expected_inst}")
    if len(institutions) > 1:
        f, second = institutions[1]
        names = ", ".join(str(s) for _, s in institutions[:5])
        raise error_at(f, second, f"一份提交只描述一家金融機構 / {len(institutions)} fsc:Institution nodes ({names}): a submission "
                       f"describes one institution; {expected_inst}", FSC_INSTITUTION, last=True)
    f, institution = institutions[0]
    if not isinstance(institution, ox.NamedNode):
        raise error_at(f, institution, f"金融機構須以IRI命名 / the fsc:Institution is a blank node: name it with an IRI; "
                       f"{expected_inst}", FSC_INSTITUTION)
    ubns = objects(institution, FSC_UBN)
    if len(ubns) > 1:  # point at the second, different value
        vf, other = ubns[1]
        raise error_at(vf, other, f"統一編號須恰有一個 / {len(ubns)} different fsc:unifiedBusinessNumber values on "
                       f"{institution} ({', '.join(show(o) for _, o in ubns[:3])}): expected exactly one 8-digit "
                       "string (the same triple in several files is one)", FSC_UBN, subject=False)
    if len(ubns) != 1:
        raise error_at(f, institution, f"統一編號須恰有一個 / {len(ubns)} fsc:unifiedBusinessNumber values on "
                       f"{institution}: expected exactly one 8-digit string, e.g. \"12345675\"",
                       FSC_INSTITUTION)
    uf, ubn = ubns[0]
    if not (isinstance(ubn, ox.Literal) and ubn.datatype.value == XSD_STRING and _UBN.match(ubn.value)):
        raise error_at(uf, ubn, f"統一編號須為8位數字之字串 / fsc:unifiedBusinessNumber {show(ubn)} of {institution} is not an "
                       "8-digit string: write the unified business number as \"12345675\"", FSC_UBN)

    expected_sub = ('expected exactly one: [] a fsc:Submission ; fsc:submittedBy <institution> ; '
                    'dct:issued "YYYY-MM-DD"^^xsd:date .')
    submissions = typed(FSC_SUBMISSION)
    if not submissions:
        raise first.error(f"提交內容中無申報 / no fsc:Submission in the submission: {expected_sub}")
    if len(submissions) > 1:
        f, second = submissions[1]
        raise error_at(f, second, f"一份提交只有一個申報 / {len(submissions)} fsc:Submission nodes: {expected_sub}",
                       FSC_SUBMISSION, last=True)
    sf, submission = submissions[0]
    issued = objects(submission, DCT_ISSUED)
    if len(issued) > 1:  # point at the second, different value
        vf, other = issued[1]
        raise error_at(vf, other, f"申報日期須恰有一個 / {len(issued)} different dct:issued values on the fsc:Submission "
                       f"({', '.join(show(o) for _, o in issued[:3])}): {expected_sub} (the same triple in several "
                       "files is one)", DCT_ISSUED, subject=False)
    if len(issued) != 1:
        raise error_at(sf, submission, f"申報日期須恰有一個 / {len(issued)} dct:issued values on the fsc:Submission: "
                       f"{expected_sub}", FSC_SUBMISSION)
    df, issued_on = issued[0]
    date = None
    if isinstance(issued_on, ox.Literal) and issued_on.datatype.value == XSD_DATE \
            and _ISO_DATE.match(issued_on.value):
        try:
            date = datetime.date.fromisoformat(issued_on.value)
        except ValueError:
            date = None
    if date is None:
        raise error_at(df, issued_on, f"申報日期須為 YYYY-MM-DD 之 xsd:date / dct:issued {show(issued_on)} of the fsc:Submission is not an "
                       "xsd:date written YYYY-MM-DD (no time zone): e.g. \"2025-06-30\"^^xsd:date",
                       DCT_ISSUED)
    for bf, by in objects(submission, FSC_SUBMITTED_BY):
        if by != institution:
            raise error_at(bf, by, f"申報機構須為本提交之金融機構 / fsc:submittedBy {show(by)} is not the submission's fsc:Institution "
                           f"{institution}", FSC_SUBMITTED_BY, subject=False)
    return Identity(institution.value, ubn.value, date)
