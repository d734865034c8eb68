"""Who may write what: a submission is its submitter's, dated when it could be, about what its
institution operates, and never about the catalogue.

Checked when a submission is loaded into a store (:func:`~mapper.load.write.load_submission`),
after every file passed its own checks and the identity is known, against what the store already
holds (:func:`rules_from`). Each refusal names the file, line and column of the offending term:

- the institution the load was declared for (``fscai load --institution UBN``) is the one the
  submission names;
- the UBN passes its check digit (:func:`~mapper.load.ubn.ubn_valid`);
- the submission's date is not after today plus ``max_future_days`` (``FSCAI_MAX_FUTURE_DAYS``,
  default 1: a time-zone's leeway) and not before the catalogue's ``fsc:submissionsFrom``;
- nothing is typed with a class of the catalogue's own terms (``fsc:Measure``, ``fsc:Principle``,
  ``owl:Class`` ...; read from the catalogue graph, ``owl:NamedIndividual`` aside as Protégé
  writes it on every individual), and no ``owl:sameAs``, ``owl:equivalentClass``,
  ``owl:equivalentProperty``, ``rdfs:subClassOf`` or ``rdfs:subPropertyOf`` names a catalogue
  term (the loader refuses a catalogue term as a subject already);
- every ``fsc:operatedBy`` names the submission's own institution, and no subject is an IRI
  another institution's submissions hold as their institution or as a subject they operate.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from mapper.graphs import CATALOGUE_GRAPH, SUBMISSION_GRAPH_PREFIX
from mapper.load.files import File
from mapper.load.identity import DCT_ISSUED, FSC_INSTITUTION, FSC_UBN, RDF_TYPE, Identity
from mapper.load.positions import term_error
from mapper.load.ubn import ubn_valid
from mapper.namespaces import FSC

if TYPE_CHECKING:  # pragma: no cover
    from mapper.store import Store

ENV_MAX_FUTURE_DAYS = "FSCAI_MAX_FUTURE_DAYS"
FSC_OPERATED_BY = str(FSC.operatedBy)
OWL_NAMED_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"
#: Predicates that would make a submission's term stand for a catalogue term.
ALIASING = frozenset({
    "http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2002/07/owl#equivalentClass",
    "http://www.w3.org/2002/07/owl#equivalentProperty", "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
})
_CHUNK = 500  # IRIs per VALUES block when asking the store who operates them


@dataclass(frozen=True)
class WriteRules:
    """What a load into a store is checked against (see the module's list)."""

    submitter: str | None = None  # the UBN the load was declared for; None: not declared (library use)
    today: dt.date = field(default_factory=dt.date.today)
    max_future_days: int = 1
    submissions_from: dt.date | None = None
    catalogue_classes: frozenset[str] = frozenset()
    catalogue_terms: frozenset[str] = frozenset()
    #: IRIs -> the UBN of another institution that holds each as its institution or operates it
    held_elsewhere: Callable[[Sequence[str], str], Mapping[str, str]] = lambda iris, ubn: {}


def max_future_days_from_env(environ: Mapping[str, str] = os.environ) -> int:
    """``FSCAI_MAX_FUTURE_DAYS`` or 1.

    >>> max_future_days_from_env({"FSCAI_MAX_FUTURE_DAYS": "30"}), max_future_days_from_env({})
    (30, 1)
    """
    raw = environ.get(ENV_MAX_FUTURE_DAYS)
    if raw is None:
        return 1
    if not raw.isdigit():
        raise ValueError(f"{ENV_MAX_FUTURE_DAYS} must be a whole number of days, got {raw!r}")
    return int(raw)


def rules_from(store: Store, *, submitter: str | None, catalogue_terms: frozenset[str],
               catalogue: Store | None = None, today: dt.date | None = None,
               max_future_days: int | None = None) -> WriteRules:
    """The rules of a load into ``store``: the catalogue's classes and first date (from
    ``catalogue``'s catalogue graph, else ``store``'s), and a lookup of the IRIs other
    institutions' submissions in ``store`` hold."""
    catalogue = store if catalogue is None else catalogue
    classes = frozenset(row["c"] for row in catalogue.select_values(
        "SELECT DISTINCT ?c WHERE { ?x a ?c FILTER (isIRI(?c)) }", default_graphs=[CATALOGUE_GRAPH])) - {OWL_NAMED_INDIVIDUAL}
    earliest = [row["d"] for row in catalogue.select_values(
        f"SELECT ?d WHERE {{ ?doc <{FSC.submissionsFrom}> ?d }}", default_graphs=[CATALOGUE_GRAPH])]
    dates = [dt.date.fromisoformat(d) for d in earliest if len(d) == 10]

    def held_elsewhere(iris: Sequence[str], ubn: str) -> dict[str, str]:
        found: dict[str, str] = {}
        own = f"{SUBMISSION_GRAPH_PREFIX}{ubn}/"
        for start in range(0, len(iris), _CHUNK):
            values = " ".join(f"<{iri}>" for iri in iris[start:start + _CHUNK])
            rows = store.select_values(
                f"SELECT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ {{ ?s <{FSC_OPERATED_BY}> ?by }} "
                f"UNION {{ ?s a <{FSC_INSTITUTION}> }} }} "
                f'FILTER (STRSTARTS(STR(?g), "{SUBMISSION_GRAPH_PREFIX}") && !STRSTARTS(STR(?g), "{own}")) }}')
            for row in rows:
                found.setdefault(row["s"], row["g"][len(SUBMISSION_GRAPH_PREFIX):].split("/", 1)[0])
        return found

    return WriteRules(submitter=submitter, today=today or dt.date.today(),
                      max_future_days=max_future_days_from_env() if max_future_days is None else max_future_days,
                      submissions_from=min(dates) if dates else None, catalogue_classes=classes,
                      catalogue_terms=catalogue_terms, held_elsewhere=held_elsewhere)


def check_ownership(files: Sequence[File], identity: Identity, rules: WriteRules) -> None:
    """Refuse (:class:`~mapper.load.errors.LoadError`) a submission that breaks ``rules``."""
    _check_who_and_when(files, identity, rules)
    operated: list[tuple[File, Any]] = []
    subjects: dict[str, File] = {}
    institution = ox.NamedNode(identity.institution)
    for f in files:
        for t in f.triples:
            predicate = t.predicate.value
            if predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value in rules.catalogue_classes:
                raise term_error(f, t.object, f"申報不得宣告指引目錄之類別實例 / <{t.subject.value if isinstance(t.subject, ox.NamedNode) else t.subject}> "
                                 f"is typed <{t.object.value}>, a class of the catalogue's own terms: a submission describes "
                                 "its institution, systems, vendors and evidence, never the guideline")
            if predicate in ALIASING and isinstance(t.object, ox.NamedNode) and t.object.value in rules.catalogue_terms:
                # at the predicate: the catalogue term itself is written elsewhere too (its typing, say)
                raise term_error(f, t.predicate, f"申報不得將用語等同於指引目錄之用語 / <{predicate}> names the catalogue term "
                                 f"<{t.object.value}>: a submission may not make its own terms stand for the guideline's")
            if predicate == FSC_OPERATED_BY and t.object != institution:
                raise term_error(f, t.object, f"僅得申報本機構營運之系統 / fsc:operatedBy {_show(t.object)}: a submission "
                                 f"describes what its own institution <{identity.institution}> operates")
            if predicate == FSC_OPERATED_BY:
                operated.append((f, t.subject))
            if isinstance(t.subject, ox.NamedNode):
                subjects.setdefault(t.subject.value, f)
    held = rules.held_elsewhere(sorted(subjects), identity.ubn)
    for iri, f in subjects.items():
        if iri in held:
            raise term_error(f, ox.NamedNode(iri), f"此IRI屬另一金融機構 / <{iri}> is held by institution {held[iri]}'s "
                             "submissions (as its institution or a system it operates): a submission describes only its own "
                             "institution and what it operates; name yours with IRIs of your own", subject=True)


def _check_who_and_when(files: Sequence[File], identity: Identity, rules: WriteRules) -> None:
    ubn_place = _place(files, identity.institution, FSC_UBN)
    if rules.submitter is not None and identity.ubn != rules.submitter:
        raise _at(ubn_place, files, f"申報機構與宣告者不符 / the submission names institution {identity.ubn}, but it was "
                  f"declared as {rules.submitter}'s (--institution): an institution loads only its own submissions")
    if not ubn_valid(identity.ubn):
        raise _at(ubn_place, files, f"統一編號檢查碼錯誤 / unified business number {identity.ubn} fails its check digit "
                  "(weights 1,2,1,2,1,2,4,1; the sum of the products' digits divisible by 5): check the number")
    date_place = _place(files, None, DCT_ISSUED, literal=identity.date.isoformat())
    latest = rules.today + dt.timedelta(days=rules.max_future_days)
    if identity.date > latest:
        raise _at(date_place, files, f"申報日期晚於容許範圍 / the submission is dated {identity.date}, after {latest} "
                  f"(today {rules.today} plus {rules.max_future_days} day(s), {ENV_MAX_FUTURE_DAYS}): date it when it is made")
    if rules.submissions_from is not None and identity.date < rules.submissions_from:
        raise _at(date_place, files, f"申報日期早於指引 / the submission is dated {identity.date}, before "
                  f"{rules.submissions_from}, the first date the catalogue accepts (fsc:submissionsFrom)")


def _place(files: Sequence[File], subject: str | None, predicate: str, *, literal: str | None = None):
    """The file and object term of the first ``predicate`` triple (of ``subject``, or whose literal is ``literal``)."""
    for f in files:
        for t in f.identity:
            if t.predicate.value != predicate:
                continue
            if subject is not None and not (isinstance(t.subject, ox.NamedNode) and t.subject.value == subject):
                continue
            if literal is not None and not (isinstance(t.object, ox.Literal) and t.object.value == literal):
                continue
            return f, t.object
    return None


def _at(place, files: Sequence[File], cause: str):
    if place is None:
        return files[0].error(cause)
    f, term = place
    return term_error(f, term, cause)


def _show(term: Any) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)
