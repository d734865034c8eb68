"""The kinds of subject the generator can produce, and what each states that a rule could read.

Whether a measure applies to a subject depends only on what the subject states (and what the
engine derives from it), so subjects that state the same things get the same verdicts. The
generator's subjects come in few such *profiles*:

- an AI system: the stage it reached, its seven traits and its effective risk tier;
- an institution: its institution type;
- a vendor: the service it provides.

Everything else a synthetic subject states is either unique to it (labels, purposes, the IRIs of
its assessments and evidence) or not read by any rule today (oversight modes, the vendors a system
uses). :mod:`mapper.synth.knowledge` writes one subject per profile into a small submission and
lets the engine classify it; a rule that reads something a profile does not state gets the
verdict "undetermined" there, and synth then writes no statement for it (and warns).

The enumeration here must cover every combination :func:`mapper.synth.generate._system` can draw:
open generative AI is generative, AML or fraud use is never generative.

>>> len(system_profiles()), len(institution_profiles()), len(vendor_profiles())
(768, 6, 10)
"""

from __future__ import annotations

import itertools
from typing import NamedTuple, Union

from mapper.synth.world import INSTITUTION_TYPES, STAGES, TIERS, VENDOR_SERVICES
from mapper.synth.writer import FALSE, RDF_TYPE, TRUE, fsc, fscg, lit


class SystemProfile(NamedTuple):
    stage: str  # a local name of STAGES
    generative: bool
    open_generative: bool
    critical: bool
    aml_or_fraud: bool
    customer_facing: bool
    personal_data: bool
    vendor_provided: bool
    tier: int  # index in TIERS of the effective risk tier


class InstitutionProfile(NamedTuple):
    institution_type: str  # local name of an fsc: institution type


class VendorProfile(NamedTuple):
    service: str  # zh-Hant, as VENDOR_SERVICES


Profile = Union[SystemProfile, InstitutionProfile, VendorProfile]

#: The classes of the subjects profiles stand for (fsc: local names).
PROFILED_KINDS = ("AISystem", "Institution", "Vendor")

#: The seven traits in the order of SystemProfile's fields and the properties stating them.
_TRAITS = ("generativeAI", "openGenerativeAI", "criticalSystem", "amlOrFraudUse", "customerFacing",
           "personalDataUse", "vendorProvided")


def alternative_offered(critical: bool) -> bool:
    """Synth's rule for fsc:alternativeOffered: a critical system's service has no alternative beside
    it, any other's has (so 3.2.3's remedy shows on some systems and not others)."""
    return not critical


def vendor_trains_model(generative: bool, vendor_provided: bool) -> bool:
    """Synth's rule for fsc:vendorTrainsModel: a vendor trains the classic models it provides; the
    generative ones it provides are hosted, not trained for the institution."""
    return vendor_provided and not generative


def system_profiles() -> list[SystemProfile]:
    """Every AI-system profile the generator can draw, in a fixed order."""
    profiles = []
    for stage, generative in itertools.product(STAGES, (False, True)):
        for open_generative, aml in ((False, False), (True, False)) if generative else ((False, False), (False, True)):
            for critical, customer, personal, vendors, tier in itertools.product(
                    (False, True), (False, True), (False, True), (False, True), range(len(TIERS))):
                profiles.append(SystemProfile(stage, generative, open_generative, critical, aml, customer,
                                              personal, vendors, tier))
    return profiles


def institution_profiles() -> list[InstitutionProfile]:
    """One profile per institution type the generator uses."""
    return [InstitutionProfile(kind) for kind in dict.fromkeys(kind for kind, _, _ in INSTITUTION_TYPES)]


def vendor_profiles() -> list[VendorProfile]:
    """One profile per service a pool vendor provides."""
    return [VendorProfile(service) for service in dict.fromkeys(VENDOR_SERVICES)]


def all_profiles() -> list[Profile]:
    return [*system_profiles(), *institution_profiles(), *vendor_profiles()]


def profile_ntriples(profiles: list[Profile]) -> tuple[bytes, dict[str, Profile]]:
    """One subject per profile, stating what the generator writes for such a subject and a rule
    could read; returns the N-Triples and each subject's IRI with its profile.

    An AI system states its effective tier as ``fsc:declaredRiskTier``: the engine's tier rule takes
    the declared tier as the effective one.

    >>> data, subjects = profile_ntriples([InstitutionProfile("Bank")])
    >>> print(data.decode().strip())
    <urn:fscai:synth:profile:0> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fscai/def#Institution> .
    <urn:fscai:synth:profile:0> <https://w3id.org/fscai/def#institutionType> <https://w3id.org/fscai/def#Bank> .
    >>> subjects
    {'urn:fscai:synth:profile:0': InstitutionProfile(institution_type='Bank')}
    """
    lines: list[str] = []
    subjects: dict[str, Profile] = {}
    for n, profile in enumerate(profiles):
        iri = f"urn:fscai:synth:profile:{n}"
        subjects[iri] = profile
        s = f"<{iri}>"
        if isinstance(profile, SystemProfile):
            lines.append(f"{s} {RDF_TYPE} {fsc('AISystem')} .\n")
            lines.append(f"{s} {fsc('stageReached')} {fscg(profile.stage)} .\n")
            for prop, value in zip(_TRAITS, profile[1:8]):
                lines.append(f"{s} {fsc(prop)} {TRUE if value else FALSE} .\n")
            derived = (("alternativeOffered", alternative_offered(profile.critical)),
                       ("vendorTrainsModel", vendor_trains_model(profile.generative, profile.vendor_provided)))
            for prop, value in derived:
                lines.append(f"{s} {fsc(prop)} {TRUE if value else FALSE} .\n")
            lines.append(f"{s} {fsc('declaredRiskTier')} {fsc(TIERS[profile.tier])} .\n")
        elif isinstance(profile, InstitutionProfile):
            lines.append(f"{s} {RDF_TYPE} {fsc('Institution')} .\n")
            lines.append(f"{s} {fsc('institutionType')} {fsc(profile.institution_type)} .\n")
        else:
            lines.append(f"{s} {RDF_TYPE} {fsc('Vendor')} .\n")
            lines.append(f"{s} {fsc('service')} {lit(profile.service, 'zh-Hant')} .\n")
    return "".join(lines).encode("utf-8"), subjects
