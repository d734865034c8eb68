"""What the knowledge says for synth: the rules' measures, the gap kinds, and which measures apply.

Reading is data: each applicability rule's measure, notation, subject kind and labels (for evidence
titles), the tier thresholds, and the ``fsc:GapKind`` individuals in their ``fsc:order``, all read
from the layout's Turtle by queries. *Deciding* is the engine's: one small submission holds one
subject per profile (:mod:`mapper.synth.profiles`), :func:`mapper.classify.derive` classifies it
exactly as it classifies an institution's submission, and the verdicts are read back from the
derived graph. A measure is written for a subject only where the verdict is "applies";
"undetermined" (a rule reads something the profile does not state) counts as "does not apply",
with a warning, since the synthetic data then leaves that measure out.

So a new condition kind, a new derivation rule or a change of how the engine evaluates conditions
reaches the synthetic data with no change here. The result is cached per process, keyed by the
layout's root and the stamps (modification time and size) of its knowledge files.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from mapper.catalogue.install import install_catalogue
from mapper.catalogue.records import sort_key
from mapper.classify import derive
from mapper.graphs import CATALOGUE_GRAPH, submission_graph_iri
from mapper.labels import VERDICT_TERMS, local_name
from mapper.layout import Layout
from mapper.rq import query_text
from mapper.store import Store, open_store
from mapper.synth.profiles import PROFILED_KINDS, Profile, all_profiles, profile_ntriples
from mapper.synth.recipes import Recipe, recipes_for
from mapper.synth.world import REFERENCE_DATE, TIERS
from mapper.synth.writer import Rule


@dataclass(frozen=True)
class Knowledge:
    """The rules, the gap kinds with their recipes, and the engine's verdicts per profile.

    The tier thresholds are read so that the tier a system declares usually agrees with its
    risk factors, as an institution's would.
    """

    rules: tuple[Rule, ...]  # in notation order
    thresholds: tuple[tuple[int, int], ...]  # (minimum score, index in TIERS) of the tier rule
    gap_kinds: tuple[tuple[str, Recipe], ...]  # (local name, recipe), in the ontology's fsc:order
    applicable: Mapping[Profile, tuple[Rule, ...]]  # the engine's "applies", in notation order

    def rules_for(self, profile: Profile) -> tuple[Rule, ...]:
        """The rules whose measure applies to a subject of ``profile``, in notation order."""
        try:
            return self.applicable[profile]
        except KeyError:
            raise LookupError(f"no verdicts for {profile}: mapper.synth.profiles does not enumerate a "
                              f"subject the generator drew") from None


#: The submission graph the profiles are classified in (a store of synth's own).
_PROFILES_GRAPH = submission_graph_iri("00000000", REFERENCE_DATE)


def knowledge(layout: Layout) -> Knowledge:
    """What the layout's knowledge says for synth (cached while its files are unchanged)."""
    stamps = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in layout.knowledge_files())
    return _knowledge(str(layout.root), stamps)


@functools.lru_cache(maxsize=4)
def _knowledge(root: str, stamps: tuple) -> Knowledge:
    with open_store("memory:") as store:
        install_catalogue(store, Layout(Path(root)))
        rules = _read_rules(store)
        thresholds = tuple(sorted((int(row["min"]), TIERS.index(local_name(row["tier"])))
                                  for row in store.select_values(query_text("tier-thresholds"), default_graphs=[CATALOGUE_GRAPH])))
        gap_kinds = recipes_for(_read_gap_kinds(store))  # before the engine runs: fail fast
        applicable = _classify(store, rules)
    return Knowledge(rules, thresholds, gap_kinds, applicable)


def _read_rules(store: Store) -> tuple[Rule, ...]:
    rules = {}
    for row in store.select_values(query_text("synth-rules"), default_graphs=[CATALOGUE_GRAPH]):
        rules.setdefault(row["rule"], Rule(row["rule"], row["measure"], row["notation"], local_name(row["kind"]),
                                           row["zh"], row["en"]))
    return tuple(sorted(rules.values(), key=lambda rule: (sort_key(rule.notation), rule.iri)))


def _read_gap_kinds(store: Store) -> list[str]:
    """The gap kinds' IRIs in their fsc:order (kinds without one last, by IRI)."""
    orders: dict[str, list[int]] = {}
    for row in store.select_values(query_text("gap-kinds-all"), default_graphs=[CATALOGUE_GRAPH]):
        found = orders.setdefault(row["kind"], [])
        if row.get("order") is not None:
            found.append(int(row["order"]))
    return sorted(orders, key=lambda kind: (not orders[kind], min(orders[kind], default=0), kind))


def _classify(store: Store, rules: tuple[Rule, ...]) -> dict[Profile, tuple[Rule, ...]]:
    """Let the engine decide which rules apply to each profile."""
    data, subjects = profile_ntriples(all_profiles())
    store.replace_graph(_PROFILES_GRAPH, data)
    derived = derive(store, _PROFILES_GRAPH)
    applies: dict[str, set[str]] = {subject: set() for subject in subjects}
    undetermined: dict[str, set[str]] = {}  # missing input -> notations of the measures it leaves out
    notation = {rule.iri: rule.notation for rule in rules}
    for row in store.select_values(query_text("verdicts-decided"), default_graphs=[derived]):
        if row["subject"] not in applies:
            continue
        if row["verdict"] == VERDICT_TERMS["applies"]:
            applies[row["subject"]].add(row["rule"])
        else:
            undetermined.setdefault(row.get("missing") or "?", set()).add(notation.get(row["rule"], row["rule"]))
    _warn_blind_spots(rules, undetermined)
    return {profile: tuple(rule for rule in rules if rule.iri in applies[subject])
            for subject, profile in subjects.items()}


def _warn_blind_spots(rules: tuple[Rule, ...], undetermined: dict[str, set[str]]) -> None:
    """Say which measures the synthetic data leaves out because its profiles cannot show them."""
    for missing, notations in sorted(undetermined.items()):
        warnings.warn(f"mapper.synth: the rules of measures {', '.join(sorted(notations, key=sort_key))} read "
                      f"{missing}, which the synthetic profiles do not all state: where the verdict is therefore "
                      f"undetermined, synth writes no statement", stacklevel=6)
    unprofiled = sorted({rule.notation for rule in rules if rule.kind not in PROFILED_KINDS}, key=sort_key)
    if unprofiled:
        warnings.warn(f"mapper.synth: the rules of measures {', '.join(unprofiled)} are about subjects synth has "
                      f"no profile of: it writes no statement for them", stacklevel=6)

