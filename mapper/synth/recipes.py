"""How to write a conformance statement that has a given gap kind, one recipe per ``fsc:GapKind``.

The gap kinds are the ontology's (``ontology/rules.ttl``); the analysis finds them with
``mapper/queries/gaps.rq``. Synth must be able to produce every one, so
:func:`recipes_for` refuses a gap kind it has no recipe for, naming it, rather than leaving it out
of the synthetic data: a new kind in the Turtle needs a recipe here.

A recipe writes what a subject's statement for one applicable measure looks like when it has that
gap (for ``NoStatement``: nothing). :func:`usual` is the statement without a gap.

>>> [kind for kind, _ in recipes_for(["https://w3id.org/fscai/def#Partial"])]
['Partial']
>>> recipes_for(["https://w3id.org/fscai/def#Stale"])
Traceback (most recent call last):
    ...
mapper.synth.recipes.UnknownGapKind: the ontology has the gap kind https://w3id.org/fscai/def#Stale, which mapper.synth has no recipe for (add one to RECIPES in mapper/synth/recipes.py)
"""

from __future__ import annotations

from typing import Callable, Iterable

from mapper.synth.writer import FSC, Rule, Writer

#: Writes one statement: (writer, rule, subject as N-Triples, key naming the subject in statement IRIs).
Recipe = Callable[[Writer, "Rule", str, str], None]


class UnknownGapKind(LookupError):
    """The ontology defines a gap kind synth has no recipe for."""


def _no_statement(w: Writer, rule: Rule, subject: str, key: str) -> None:
    pass


def _no_evidence(w: Writer, rule: Rule, subject: str, key: str) -> None:
    w.statement(rule, subject, key, "Implemented", evidence=0)


def _evidence_review_overdue(w: Writer, rule: Rule, subject: str, key: str) -> None:
    w.statement(rule, subject, key, "Implemented", overdue=True)


def _planned_overdue(w: Writer, rule: Rule, subject: str, key: str) -> None:
    w.statement(rule, subject, key, "Planned", evidence=0, past_target=True)


def _not_applicable_without_reason(w: Writer, rule: Rule, subject: str, key: str) -> None:
    w.statement(rule, subject, key, "NotApplicable", evidence=0, reason=False)


def _partial(w: Writer, rule: Rule, subject: str, key: str) -> None:
    w.statement(rule, subject, key, "PartiallyImplemented")


#: The recipe of each gap kind, by its local name in the fsc: namespace.
RECIPES: dict[str, Recipe] = {
    "NoStatement": _no_statement,
    "NoEvidence": _no_evidence,
    "EvidenceReviewOverdue": _evidence_review_overdue,
    "PlannedOverdue": _planned_overdue,
    "NotApplicableWithoutReason": _not_applicable_without_reason,
    "Partial": _partial,
}


def usual(w: Writer, rule: Rule, subject: str, key: str) -> None:
    """The statement without a gap: implemented, with a procedure and a record of it, sometimes a
    third document."""
    w.statement(rule, subject, key, "Implemented", evidence=2 + (w.rng.random() < 0.2))


def recipes_for(kinds: Iterable[str]) -> tuple[tuple[str, Recipe], ...]:
    """The recipe of each gap kind IRI, in the order given, keyed by local name; raises
    :class:`UnknownGapKind` for the first kind without one."""
    found = []
    for iri in kinds:
        name = iri[len(FSC):] if iri.startswith(FSC) else iri
        if name not in RECIPES:
            raise UnknownGapKind(f"the ontology has the gap kind {iri}, which mapper.synth has no recipe for "
                                 f"(add one to RECIPES in mapper/synth/recipes.py)")
        found.append((name, RECIPES[name]))
    return tuple(found)


def planned(w: Writer, rule: Rule, subject: str, key: str) -> None:
    """Planned, with a target date still ahead: no gap yet."""
    w.statement(rule, subject, key, "Planned", evidence=0)


def not_applicable(w: Writer, rule: Rule, subject: str, key: str) -> None:
    """Not applicable, with the reason the shapes require."""
    w.statement(rule, subject, key, "NotApplicable", evidence=0)


def alternative_means(w: Writer, rule: Rule, subject: str, key: str) -> None:
    """Met by alternative means, described, with evidence."""
    w.statement(rule, subject, key, "AlternativeMeans")
