"""Classify one submission: derive risk tiers and decide which measures apply to which subject.

Both steps are data: the tier rules are CONSTRUCT queries kept in ``shapes/rules/risk-tier.ttl``
and applicability is the generic ``mapper/queries/applicability.rq`` over the rules in
``shapes/rules/applicability.ttl``. Results go to the submission's derived graph, so they can be
queried like anything else (by the viewer, by regulators over SPARQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mapper.concurrently import concurrently
from mapper.graphs import CATALOGUE_GRAPH, KNOWLEDGE_VERSION, derived_graph
from mapper.labels import VERDICT_TERMS, Label, Labels, read_labels
from mapper.rq import query_text
from mapper.store import Store

#: A verdict's term (ontology/rules.ttl) -> the engine's name for it.
VERDICTS = {term: name for name, term in VERDICT_TERMS.items()}


@dataclass(frozen=True)
class TierResult:
    system: str
    system_label: Label
    declared: str | None
    derived: str | None
    effective: str | None
    score: int | None
    explanation: Label | None
    missing_factors: tuple[str, ...]

    @property
    def agrees(self) -> bool | None:
        """Whether the declared tier is the derived one; None when either is missing."""
        if self.declared is None or self.derived is None:
            return None
        return self.declared == self.derived


@dataclass(frozen=True)
class Verdict:
    measure: str
    subject: str
    rule: str
    verdict: str  # "applies" | "does-not-apply" | "undetermined"
    why: Label
    missing_inputs: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    submission_graph: str
    derived_graph: str
    tiers: tuple[TierResult, ...]
    verdicts: tuple[Verdict, ...]
    labels: Labels

    def verdicts_for(self, subject: str) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.subject == subject)


def _graphs(submission_graph: str) -> list[str]:
    return [submission_graph, derived_graph(submission_graph), CATALOGUE_GRAPH]


def derive(store: Store, submission_graph: str, *, progress: Callable[[str, str], None] | None = None) -> str:
    """Run the tier rules in order, then applicability and the gap records;
    replace the derived graph. Returns its IRI. :func:`stamp` marks it complete.

    ``progress`` (a progress bar's hook) is called as each of its 3 steps begins: ``tiers``,
    ``applicability``, ``gap-records``."""
    step = progress or (lambda name, detail: None)
    target = derived_graph(submission_graph)
    store.drop_graph(target)
    graphs = _graphs(submission_graph)
    step("tiers", "")
    rules = store.select(query_text("derivation-rules"), default_graphs=[CATALOGUE_GRAPH])
    for rule in rules:
        store.construct_into(target, str(rule["construct"]), default_graphs=graphs)
    step("applicability", "")
    store.construct_into(target, query_text("applicability"), default_graphs=graphs)
    step("gap-records", "")
    store.construct_into(target, query_text("gap-records"), default_graphs=graphs)
    return target


def stamp(store: Store, submission_graph: str) -> None:
    """Mark the derived graph complete, with the knowledge version of the store's catalogue: written
    last, in its own transaction, so a derived graph without it (a crash while writing) is stale."""
    target = derived_graph(submission_graph)
    store.construct_into(target, f"CONSTRUCT {{ <{target}> <{KNOWLEDGE_VERSION}> ?version }} WHERE {{ "
                                 f"<{CATALOGUE_GRAPH}> <{KNOWLEDGE_VERSION}> ?version }}", default_graphs=[CATALOGUE_GRAPH])


def current_graphs(store: Store) -> set[str]:
    """The derived graphs stamped with the knowledge version of the store's catalogue: one query,
    whatever the number of institutions (what :func:`is_stale` asks of one graph)."""
    rows = store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{KNOWLEDGE_VERSION}> ?v }} "
                        f"GRAPH <{CATALOGUE_GRAPH}> {{ <{CATALOGUE_GRAPH}> <{KNOWLEDGE_VERSION}> ?v }} }}")
    return {str(row["g"]) for row in rows}


def analysed_graphs(store: Store) -> set[str]:
    """The derived graphs in the store that carry a knowledge version: complete ones."""
    rows = store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{KNOWLEDGE_VERSION}> ?v }} }}")
    return {str(row["g"]) for row in rows}


def is_stale(store: Store, submission_graph: str) -> bool:
    """Whether the submission's analysis is missing, incomplete (no stamp) or was derived under
    another knowledge version than the catalogue's now in the store."""
    target = derived_graph(submission_graph)
    return not store.ask(f"ASK {{ GRAPH <{target}> {{ <{target}> <{KNOWLEDGE_VERSION}> ?v }} "
                         f"GRAPH <{CATALOGUE_GRAPH}> {{ <{CATALOGUE_GRAPH}> <{KNOWLEDGE_VERSION}> ?v }} }}")


def read_classification(store: Store, submission_graph: str) -> Classification:
    """Read tiers and verdicts back from the derived graph as records."""
    graphs = _graphs(submission_graph)
    labels, tier_rows, verdict_rows = concurrently(
        lambda: read_labels(store, graphs),
        lambda: store.select_values(query_text("tiers"), default_graphs=graphs),
        lambda: store.select_values(query_text("verdicts"), default_graphs=graphs))
    tiers = []
    for row in tier_rows:
        explanation = None
        if row.get("explanationZh") is not None:
            explanation = Label(str(row["explanationZh"]), str(row.get("explanationEn") or ""))
        tiers.append(TierResult(
            system=str(row["system"]), system_label=labels(row["system"]),
            declared=_opt(row.get("declared")), derived=_opt(row.get("derived")), effective=_opt(row.get("effective")),
            score=int(row["score"]) if row.get("score") is not None else None, explanation=explanation,
            missing_factors=tuple(sorted(str(row.get("missingFactors") or "").split())),
        ))
    verdicts = []
    for row in verdict_rows:
        verdicts.append(Verdict(
            measure=str(row["measure"]), subject=str(row["subject"]), rule=str(row["rule"]),
            verdict=VERDICTS[str(row["verdict"])], why=Label(str(row["whyZh"]), str(row["whyEn"])),
            missing_inputs=tuple(sorted(set(str(row.get("missingInputs") or "").split()))),
        ))
    tiers.sort(key=lambda t: t.system)
    verdicts.sort(key=lambda v: (v.subject, v.measure))
    return Classification(submission_graph, derived_graph(submission_graph), tuple(tiers), tuple(verdicts), labels)


def classify(store: Store, submission_graph: str) -> Classification:
    """Derive (tiers, applicability) into the derived graph and return the records."""
    derive(store, submission_graph)
    return read_classification(store, submission_graph)


def _opt(term) -> str | None:
    return None if term is None else str(term)
