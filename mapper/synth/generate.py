"""The generator: one institution's N-Triples at a time, deterministic for a seed.

Each institution draws from its own :class:`random.Random` (seeded by the run's seed and its
index), in a fixed order: what it states about itself, its institution-level statements, its
AI systems one by one, then its vendors. Which measures a subject answers for is the engine's
verdict for the subject's profile (:mod:`mapper.synth.knowledge`); how each statement turns out
is drawn here.
"""

from __future__ import annotations

import random
from typing import Callable, Iterator

from mapper.layout import Layout, project_layout
from mapper.synth.knowledge import Knowledge
from mapper.synth.knowledge import knowledge as read_knowledge
from mapper.synth.profiles import (InstitutionProfile, SystemProfile, VendorProfile, alternative_offered,
                                   vendor_trains_model)
from mapper.synth.recipes import RECIPES, Recipe, alternative_means, not_applicable, planned, usual
from mapper.load.ubn import ubn_with_check_digit
from mapper.synth.world import (
    FACTORS,
    INSTITUTION_TYPES,
    LEVELS,
    NAME_PARTS,
    OVERSIGHT,
    PURPOSES,
    STAGE_WEIGHTS,
    STAGES,
    TIERS,
    UNITS,
    VENDOR_NAMESPACE,
    VENDOR_POOL,
    vendor_service,
)
from mapper.synth.writer import DCT, FALSE, LABEL, PROV_ORG, RDF_TYPE, SCHEMA_START, TRUE, Writer, date, fsc, fscg, lit

#: How an AI system's statement for an applicable measure turns out: the first outcome whose bound
#: exceeds one uniform draw. Gaps of several kinds, and statuses that are no gap.
_SYSTEM_OUTCOMES: tuple[tuple[float, Recipe], ...] = (
    (0.06, RECIPES["NoStatement"]), (0.10, RECIPES["NoEvidence"]), (0.15, RECIPES["EvidenceReviewOverdue"]),
    (0.19, RECIPES["PlannedOverdue"]), (0.23, planned), (0.24, RECIPES["NotApplicableWithoutReason"]),
    (0.27, not_applicable), (0.34, RECIPES["Partial"]), (0.37, alternative_means), (1.0, usual))


def _tier_of(score: int, thresholds: tuple[tuple[int, int], ...]) -> int:
    """The index in TIERS of the highest tier whose threshold ``score`` reaches."""
    return max((tier for minimum, tier in thresholds if score >= minimum), default=0)


def _institution(index: int, ubn: str, n_systems: int, knowledge: Knowledge, rng: random.Random) -> bytes:
    kind, type_zh, type_en = INSTITUTION_TYPES[index % len(INSTITUTION_TYPES)]
    inst = f"https://i{ubn}.synth.example.tw/"
    inst_iri = f"<{inst}institution>"
    units = [f"<{inst}unit/{key}>" for key, _, _ in UNITS]
    w = Writer(rng, inst, units)
    t = w.t
    name_zh = "".join(rng.choice(NAME_PARTS) for _ in range(2))
    sub = f"<{inst}submission>"

    # the submission, the institution and its units
    t(sub, RDF_TYPE, fsc("Submission"))
    t(sub, fsc("submittedBy"), inst_iri)
    # dated on or after every piece of evidence it cites (the writer issues evidence 20 days or more
    # before the reference date): evidence cannot be cited before it exists
    t(sub, f"<{DCT}issued>", date(-rng.randint(0, 19)))
    t(inst_iri, RDF_TYPE, fsc("Institution"))
    t(inst_iri, LABEL, lit(f"合成{name_zh}{type_zh}股份有限公司第{index + 1}號", "zh-Hant"))
    t(inst_iri, LABEL, lit(f"Synthetic {type_en} No. {index + 1} ({ubn})", "en"))
    t(inst_iri, fsc("unifiedBusinessNumber"), f'"{ubn}"')
    t(inst_iri, fsc("institutionType"), fsc(kind))
    for (key, zh, en), unit in zip(UNITS, units):
        t(unit, RDF_TYPE, PROV_ORG)
        t(unit, LABEL, lit(zh, "zh-Hant"))
        t(unit, LABEL, lit(en, "en"))

    # governance, policy, training
    committee = f"<{inst}ai-committee>"
    t(inst_iri, fsc("governanceRole"), committee)
    t(committee, RDF_TYPE, fsc("AICommittee"))
    t(committee, LABEL, lit("人工智慧治理委員會", "zh-Hant"))
    t(committee, LABEL, lit("AI Governance Committee", "en"))
    policy = w.evidence(lit("人工智慧風險管理政策", "zh-Hant"), lit("AI risk-management policy", "en"), overdue=False)
    t(policy, RDF_TYPE, fsc("RiskManagementPolicy"))
    t(inst_iri, fsc("policy"), policy)
    training = f"<{inst}training>"
    t(inst_iri, fsc("training"), training)
    t(training, RDF_TYPE, fsc("Training"))
    t(training, LABEL, lit("年度AI風險及倫理培訓", "zh-Hant"))
    t(training, LABEL, lit("Annual AI risk and ethics training", "en"))
    t(training, SCHEMA_START, date(-rng.randint(30, 300)))
    t(training, fsc("trainingAudience"), lit("負責AI系統之部門及人員", "zh-Hant"))

    # institution-level measures: one gap of every kind the ontology has, in its order, on measures
    # rotated by the institution's index; the rest implemented
    inst_rules = list(knowledge.rules_for(InstitutionProfile(kind)))
    shift = index % max(1, len(inst_rules))
    rotated = inst_rules[shift:] + inst_rules[:shift]
    recipe_for = dict(zip((r.notation for r in rotated), (recipe for _, recipe in knowledge.gap_kinds)))
    for rule in inst_rules:
        recipe_for.get(rule.notation, usual)(w, rule, inst_iri, "institution")

    # vendors: drawn from the shared pool, skewed towards the first ones
    vendors_used: list[str] = []
    vendor_iris = {}

    def vendor() -> str:
        k = min(int(rng.paretovariate(1.2)) - 1, VENDOR_POOL - 1)
        iri = f"<{VENDOR_NAMESPACE}synthetic-{k:02d}>"
        if iri not in vendor_iris:
            vendor_iris[iri] = k
            vendors_used.append(iri)
        return iri

    # the AI systems
    for s in range(n_systems):
        _system(w, s, inst_iri, knowledge, vendor)

    # vendor descriptions and their measures
    for iri in vendors_used:
        k = vendor_iris[iri]
        service = vendor_service(k)
        t(iri, RDF_TYPE, fsc("Vendor"))
        t(iri, LABEL, lit(f"合成供應商{k:02d}股份有限公司", "zh-Hant"))
        t(iri, LABEL, lit(f"Synthetic Vendor {k:02d} Co., Ltd.", "en"))
        t(iri, fsc("service"), lit(service, "zh-Hant"))
        assessment = f"<{inst}vendor-assessment/{k:02d}>"
        t(assessment, RDF_TYPE, fsc("VendorAssessment"))
        t(assessment, fsc("assessedOn"), date(-rng.randint(30, 400)))
        t(assessment, fsc("assessedBy"), units[0])
        # the most used providers are the ones an institution judges most concentrated
        t(assessment, fsc("level"), fsc("LevelHigh" if k < 5 else "LevelMedium" if k < 15 else "LevelLow"))
        contract = w.evidence(lit(f"供應商{k:02d}委外契約", "zh-Hant"), lit(f"Vendor {k:02d} outsourcing contract", "en"),
                              overdue=False)
        t(iri, fsc("expertiseAssessment"), assessment)
        t(iri, fsc("concentrationRiskAssessment"), assessment)
        t(iri, fsc("subOutsourcingTerms"), contract)
        t(iri, fsc("responsibilitySplit"), contract)
        t(iri, fsc("exitPlan"), contract)
        for rule in knowledge.rules_for(VendorProfile(service)):
            roll = rng.random()
            if roll < 0.05:
                continue
            status = "PartiallyImplemented" if roll < 0.15 else "Implemented"
            w.statement(rule, iri, f"vendor-{k:02d}", status)
    return w.data()


def _system(w: Writer, s: int, inst_iri: str, knowledge: Knowledge, vendor: Callable[[], str]) -> None:
    rng, t = w.rng, w.t
    sys_iri = f"<{w.inst}system/{s}>"
    # the profile's draws; mapper.synth.profiles.system_profiles enumerates what they can give
    stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
    generative = rng.random() < 0.25
    open_generative = generative and rng.random() < 0.5
    critical = rng.random() < 0.2
    aml = not generative and rng.random() < 0.15
    customer = rng.random() < 0.5
    personal = rng.random() < 0.7
    vendors = sorted({vendor() for _ in range(rng.choice((1, 1, 2)))}) if rng.random() < 0.6 else []
    purpose_zh, purpose_en = PURPOSES[rng.randrange(len(PURPOSES))]

    t(sys_iri, RDF_TYPE, fsc("AISystem"))
    t(sys_iri, LABEL, lit(f"{purpose_zh}系統{s + 1}", "zh-Hant"))
    t(sys_iri, LABEL, lit(f"{purpose_en} system {s + 1}", "en"))
    t(sys_iri, fsc("operatedBy"), inst_iri)
    t(sys_iri, fsc("purpose"), lit(f"以AI辦理{purpose_zh}，結果由權責單位人員依作業程序覆核。", "zh-Hant"))
    t(sys_iri, fsc("purpose"), lit(f"Uses AI for {purpose_en}; staff of the accountable unit review the results.", "en"))
    t(sys_iri, fsc("stageReached"), fscg(stage))
    for mode in rng.sample(OVERSIGHT, rng.choice((1, 1, 2))):
        t(sys_iri, fsc("oversightMode"), fscg(mode))
    t(sys_iri, fsc("generativeAI"), TRUE if generative else FALSE)
    t(sys_iri, fsc("openGenerativeAI"), TRUE if open_generative else FALSE)
    t(sys_iri, fsc("criticalSystem"), TRUE if critical else FALSE)
    t(sys_iri, fsc("amlOrFraudUse"), TRUE if aml else FALSE)
    t(sys_iri, fsc("customerFacing"), TRUE if customer else FALSE)
    t(sys_iri, fsc("personalDataUse"), TRUE if personal else FALSE)
    t(sys_iri, fsc("vendorProvided"), TRUE if vendors else FALSE)
    t(sys_iri, fsc("alternativeOffered"), TRUE if alternative_offered(critical) else FALSE)
    t(sys_iri, fsc("vendorTrainsModel"), TRUE if vendor_trains_model(generative, bool(vendors)) else FALSE)
    for v in vendors:
        t(sys_iri, fsc("usesVendor"), v)

    # the 6 factors, consistent with the traits; the tier they imply, and the declared one
    # level indexes into LEVELS: a customer-facing system is not low on that factor, a system
    # without personal data is low on that one (the shapes check both)
    levels = [rng.choice((1, 2)) if customer else 0, rng.choice((1, 2)) if personal else 0,
              rng.randrange(3), rng.randrange(3), rng.randrange(3), rng.randrange(3)]
    assessed_on = date(-rng.randint(30, 400))
    assessor = rng.choice(w.units)
    for k, (factor, level) in enumerate(zip(FACTORS, levels)):
        a = f"<{w.inst}system/{s}/factor/{k}>"
        t(sys_iri, fsc("riskFactorAssessment"), a)
        t(a, RDF_TYPE, fsc("RiskFactorAssessment"))
        t(a, fsc("factor"), fscg(factor))
        t(a, fsc("level"), fsc(LEVELS[level]))
        t(a, fsc("assessedOn"), assessed_on)
        t(a, fsc("assessedBy"), assessor)
    derived = _tier_of(sum(level + 1 for level in levels), knowledge.thresholds)
    roll = rng.random()
    declared = None if roll < 0.05 else max(0, min(2, derived + rng.choice((-1, 1)))) if roll < 0.25 else derived
    if declared is not None:
        t(sys_iri, fsc("declaredRiskTier"), fsc(TIERS[declared]))
    effective = derived if declared is None else declared

    profile = SystemProfile(stage, generative, open_generative, critical, aml, customer, personal, bool(vendors),
                            effective)
    key = f"system-{s}"
    for rule in knowledge.rules_for(profile):
        roll = rng.random()
        for bound, outcome in _SYSTEM_OUTCOMES:
            if roll < bound:
                outcome(w, rule, sys_iri, key)
                break


def synthesise(institutions: int, systems: int, *, seed: int = 0,
               layout: Layout | None = None) -> Iterator[tuple[str, bytes]]:
    """Yield ``(file name, N-Triples bytes)`` for each of ``institutions`` synthetic submissions.

    Each has ``systems`` AI systems. File names are ``UBN.nt``; UBNs are unique and valid.
    Deterministic for ``seed``: the same arguments give the same bytes. Raises
    :class:`mapper.synth.recipes.UnknownGapKind` when the layout's ontology has a gap kind synth
    cannot produce.
    """
    if institutions < 0 or systems < 0:
        raise ValueError("institutions and systems must be >= 0")
    if institutions == 0:
        return
    knowledge = read_knowledge(layout or project_layout())
    master = random.Random(seed)
    # Distinct 7-digit prefixes: an affine walk modulo 10**7 whose step ends in 7 (coprime to 10).
    start = master.randrange(10**7)
    step = 1_234_567 + 10 * master.randrange(10**5)
    for index in range(institutions):
        prefix = f"{(start + index * step) % 10**7:07d}"
        ubn = ubn_with_check_digit(prefix)
        rng = random.Random(f"{seed}/{index}")
        yield f"{ubn}.nt", _institution(index, ubn, systems, knowledge, rng)
