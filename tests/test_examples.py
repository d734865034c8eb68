"""The three example institutions under data/examples/: they load, are analysed as documented in
their comments, share vendors, and conform to the shapes except where deliberately documented.

Reference date for gaps: 2026-11-25. What each test pins is written in the Turtle's comments, so a
change to the data that breaks a documented claim fails here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from mapper.analysis import analyse_files
from mapper.catalogue.ontology import catalogue_graph
from mapper.layout import project_layout
from mapper.load import catalogue_terms_from_files, parse_submission
from mapper.namespaces import FSC, FSCG, FSCS
from mapper.store import open_store
from mapper.synth import VENDOR_NAMESPACE, ubn_valid
from mapper.validate import Validator, load_shapes

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "data" / "examples"
AS_OF = dt.date(2026, 11, 25)
ALL_GAP_KINDS = {"NoStatement", "NoEvidence", "EvidenceReviewOverdue", "PlannedOverdue",
                 "NotApplicableWithoutReason", "Partial"}
M = str(FSCG) + "measure-"

BANK = "https://bank.example.tw/fscai/"
LIFE = "https://life.example.tw/fscai/"
SEC = "https://securities.example.tw/fscai/"

#: directory -> (IRI base, UBN, submission date, number of AI systems)
INSTITUTIONS = {
    "bank": (BANK, "83910461", "2026-10-30", 10),
    "life-insurer": (LIFE, "53728108", "2026-09-30", 7),
    "securities": (SEC, "66482035", "2026-11-15", 7),
}
SHARED_VENDORS = {VENDOR_NAMESPACE + v for v in ("skydome-cloud", "hengjian-fintech", "moshi-idp")}

#: Systems whose declared tier differs from the derived one, as the files' comments explain:
#: system -> (declared, derived, score).
DISAGREEMENTS = {
    "bank": {BANK + "credit-scoring": ("TierHigh", "TierMedium", 13),
             BANK + "robo-advisor": ("TierMedium", "TierHigh", 14),
             BANK + "kyc-ocr": ("TierLow", "TierMedium", 10)},
    "life-insurer": {LIFE + "claims-fraud": ("TierMedium", "TierHigh", 14),
                     LIFE + "lapse-prediction": ("TierLow", "TierMedium", 10)},
    "securities": {SEC + "stock-recommender": ("TierMedium", "TierHigh", 14),
                   SEC + "research-assistant": ("TierLow", "TierMedium", 10)},
}

#: The only SHACL violations allowed, as documented in the securities file's header:
#: (focus, shape). The bank and the life insurer conform.
DOCUMENTED_VIOLATIONS = {
    "bank": set(),
    "life-insurer": set(),
    "securities": {(SEC + "churn-model", str(FSCS["AISystem-personalDataUse"])),
                   (SEC + "st-inst-6.1.1", str(FSCS["ConformanceStatement-notApplicableNeedsReason"]))},
}


def files_of(name: str) -> list[str]:
    return sorted(str(p) for p in (EXAMPLES / name).glob("*.ttl"))


@pytest.fixture(scope="module")
def layout():
    return project_layout(REPO)


@pytest.fixture(scope="module")
def parsed(layout):
    terms = catalogue_terms_from_files(layout.ontology_files())
    return {name: parse_submission(files_of(name), catalogue_terms=terms) for name in INSTITUTIONS}


@pytest.fixture(scope="module")
def analyses(layout):
    """All three analysed in one store, as a regulator's store would hold them."""
    store = open_store("memory:")
    try:
        yield {name: analyse_files(store, files_of(name), as_of=AS_OF, layout=layout) for name in INSTITUTIONS}
    finally:
        store.close()


@pytest.fixture(scope="module")
def validations(layout, parsed):
    validator = Validator(catalogue=catalogue_graph(layout), shapes=load_shapes(layout))
    return {name: validator.validate(sub.graph, graph_iri=sub.graph_iri) for name, sub in parsed.items()}


def gap_kinds(analysis) -> Counter:
    return Counter(g.kind.code for g in analysis.gaps)


def has_gap(analysis, kind: str, notation: str, subject: str) -> bool:
    return any(g.kind.code == kind and g.measure.notation == notation and g.subject == subject
               for g in analysis.gaps)


# --- identity and shape of each submission ----------------------------------------------------


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_each_example_is_one_institution_with_a_valid_ubn_and_one_dated_submission(parsed, name):
    base, ubn, date, _ = INSTITUTIONS[name]
    sub = parsed[name]
    assert sub.ubn == ubn and ubn_valid(ubn)
    assert sub.date == dt.date.fromisoformat(date)
    assert sub.institution.startswith(base)
    submissions = list(sub.graph.subjects(RDF.type, FSC.Submission))
    assert len(submissions) == 1 and len(list(sub.graph.objects(submissions[0], DCTERMS.issued))) == 1


def test_the_three_ubns_are_distinct(parsed):
    assert len({sub.ubn for sub in parsed.values()}) == 3


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_subjects_live_under_the_institution_or_the_shared_vendor_domain(parsed, name):
    base = INSTITUTIONS[name][0]
    for subject in set(parsed[name].graph.subjects()):
        if isinstance(subject, URIRef):
            assert str(subject).startswith((base, VENDOR_NAMESPACE)), subject
            assert not str(subject).startswith(str(FSCG))


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_systems_vendors_and_evidence_are_named_in_both_languages(parsed, name):
    graph = parsed[name].graph

    def languages(node, prop):
        return {o.language.lower() for o in graph.objects(node, prop) if isinstance(o, Literal) and o.language}

    for cls, prop in ((FSC.Institution, RDFS.label), (FSC.AISystem, RDFS.label), (FSC.Vendor, RDFS.label),
                      (FSC.Evidence, DCTERMS.title), (FSC.AISystem, FSC.purpose)):
        for node in graph.subjects(RDF.type, cls):
            assert {"zh-hant", "en"} <= languages(node, prop), (node, prop)


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_every_system_states_vendor_involvement_and_names_its_vendors(parsed, name):
    graph = parsed[name].graph
    for system in graph.subjects(RDF.type, FSC.AISystem):
        stated = list(graph.objects(system, FSC.vendorProvided))
        assert len(stated) == 1, system
        vendors = list(graph.objects(system, FSC.usesVendor))
        assert bool(vendors) == stated[0].toPython(), system
        assert all((v, RDF.type, FSC.Vendor) in graph for v in vendors)


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_each_institution_has_its_expected_number_of_systems(analyses, name):
    assert len(analyses[name].classification.tiers) == INSTITUTIONS[name][3]


def test_stages_and_traits_vary_across_the_examples(parsed):
    stages, traits = Counter(), Counter()
    for sub in parsed.values():
        graph = sub.graph
        for system in graph.subjects(RDF.type, FSC.AISystem):
            stages[str(graph.value(system, FSC.stageReached)).rsplit("/", 1)[-1]] += 1
            for trait in (FSC.generativeAI, FSC.openGenerativeAI, FSC.criticalSystem, FSC.amlOrFraudUse,
                          FSC.customerFacing):
                if graph.value(system, trait) == Literal(True):
                    traits[str(trait).rsplit("#", 1)[-1]] += 1
    assert set(stages) == {"stage-planning-design", "stage-data-collection-input",
                           "stage-model-building-validation", "stage-deployment-monitoring"}
    assert all(traits[t] >= 2 for t in ("generativeAI", "openGenerativeAI", "criticalSystem", "amlOrFraudUse",
                                        "customerFacing")), traits


# --- vendors shared across institutions -------------------------------------------------------


def test_shared_vendors_have_the_same_iri_in_every_institution_that_uses_them(parsed):
    described = {name: set(map(str, sub.graph.subjects(RDF.type, FSC.Vendor))) for name, sub in parsed.items()}
    used = {name: set(map(str, sub.graph.objects(None, FSC.usesVendor))) for name, sub in parsed.items()}
    in_institutions = Counter(v for vendors in described.values() for v in vendors)
    shared = {v for v, n in in_institutions.items() if n >= 2}
    assert shared >= SHARED_VENDORS and len(shared) >= 3
    for vendor in SHARED_VENDORS:  # described by all three, and used by AI systems in all three
        assert all(vendor in described[name] and vendor in used[name] for name in INSTITUTIONS), vendor


def test_vendor_measures_are_assessed_per_vendor(analyses):
    for name, analysis in analyses.items():
        vendor_verdicts = [v for v in analysis.classification.verdicts if v.subject.startswith(VENDOR_NAMESPACE)]
        assert {v.measure for v in vendor_verdicts} == {M + "G.5.1", M + "G.5.2"}, name
        assert all(v.verdict == "applies" for v in vendor_verdicts)


# --- gaps at 2026-11-25 --------------------------------------------------------------------------


def test_every_gap_kind_occurs_across_the_examples(analyses):
    union = set().union(*(gap_kinds(a) for a in analyses.values()))
    assert union == ALL_GAP_KINDS


def test_the_bank_alone_has_at_least_four_gap_kinds(analyses):
    assert len(gap_kinds(analyses["bank"])) >= 4
    assert set(gap_kinds(analyses["bank"])) == ALL_GAP_KINDS - {"NotApplicableWithoutReason"}


@pytest.mark.parametrize("name, kind, notation, subject", [
    # the gaps the files' comments announce ("Gap (...)")
    ("bank", "EvidenceReviewOverdue", "1.2.4", BANK + "bank"),
    ("bank", "Partial", "1.3.2", BANK + "bank"),
    ("bank", "PlannedOverdue", "6.1.1", BANK + "bank"),
    ("bank", "NoEvidence", "6.2.1", BANK + "bank"),
    ("bank", "NoStatement", "6.1.3", BANK + "bank"),
    ("bank", "Partial", "G.5.2", VENDOR_NAMESPACE + "skydome-cloud"),
    ("bank", "EvidenceReviewOverdue", "G.5.2", VENDOR_NAMESPACE + "moshi-idp"),
    ("bank", "Partial", "2.1.8", BANK + "credit-scoring"),
    ("bank", "EvidenceReviewOverdue", "2.1.6", BANK + "aml-monitoring"),
    ("bank", "PlannedOverdue", "2.3.1", BANK + "chatbot"),
    ("bank", "EvidenceReviewOverdue", "3.1.8", BANK + "kyc-ocr"),
    ("bank", "NoEvidence", "2.1.9", BANK + "marketing-propensity"),
    ("bank", "Partial", "3.1.6", BANK + "call-summary"),
    ("life-insurer", "Partial", "1.2.2", LIFE + "insurer"),
    ("life-insurer", "EvidenceReviewOverdue", "1.3.1", LIFE + "insurer"),
    ("life-insurer", "NoStatement", "1.2.4", LIFE + "insurer"),
    ("life-insurer", "Partial", "G.5.2", VENDOR_NAMESPACE + "moshi-idp"),
    ("life-insurer", "PlannedOverdue", "4.1.11", LIFE + "claims-triage"),
    ("life-insurer", "Partial", "2.1.5", LIFE + "underwriting-model"),
    ("life-insurer", "NoEvidence", "2.2.3", LIFE + "aml-monitoring"),
    ("securities", "PlannedOverdue", "1.2.2", SEC + "firm"),
    ("securities", "NotApplicableWithoutReason", "6.1.1", SEC + "firm"),
    ("securities", "NoEvidence", "6.2.2", SEC + "firm"),
    ("securities", "NoStatement", "G.5.2", VENDOR_NAMESPACE + "moshi-idp"),
    ("securities", "EvidenceReviewOverdue", "2.1.6", SEC + "trade-surveillance"),
    ("securities", "Partial", "5.2.3", SEC + "trade-surveillance"),
    ("securities", "PlannedOverdue", "2.1.9", SEC + "stock-recommender"),
    ("securities", "Partial", "4.1.6", SEC + "aml-risk-scoring"),
    ("securities", "NoEvidence", "4.1.6", SEC + "aml-risk-scoring"),
])
def test_documented_gaps_are_found(analyses, name, kind, notation, subject):
    assert has_gap(analyses[name], kind, notation, subject)


@pytest.mark.parametrize("name, notation, subject", [
    # reasoned "not applicable", alternative means and future targets are not gaps
    ("bank", "3.2.2", BANK + "card-fraud"),
    ("bank", "2.3.1", BANK + "coding-assistant"),
    ("bank", "2.1.7", BANK + "credit-scoring"),
    ("bank", "G.5.2", VENDOR_NAMESPACE + "global-payment-network"),
    ("bank", "4.1.8", BANK + "robo-advisor"),
    ("life-insurer", "6.1.2", LIFE + "insurer"),
    ("securities", "3.2.2", SEC + "research-assistant"),
])
def test_well_founded_statements_are_not_gaps(analyses, name, notation, subject):
    assert not any(g.measure.notation == notation and g.subject == subject for g in analyses[name].gaps)


def test_measures_that_do_not_apply_are_never_gaps(analyses):
    aml = [v for v in analyses["bank"].classification.verdicts
           if v.subject == BANK + "aml-monitoring" and v.measure == M + "5.1.3"]
    assert len(aml) == 1 and aml[0].verdict == "does-not-apply"  # the AML exception
    assert not any(g.measure.notation == "5.1.3" and g.subject == BANK + "aml-monitoring"
                   for g in analyses["bank"].gaps)


# --- tiers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_declared_tiers_disagree_with_derived_ones_exactly_where_documented(analyses, name):
    found = {t.system: (t.declared.rsplit("#", 1)[-1], t.derived.rsplit("#", 1)[-1], t.score)
             for t in analyses[name].classification.tiers if t.agrees is False}
    assert found == DISAGREEMENTS[name]


def test_a_system_without_a_declared_tier_falls_back_on_the_derived_one(analyses):
    tier = next(t for t in analyses["bank"].classification.tiers if t.system == BANK + "corporate-ews")
    assert tier.declared is None and tier.agrees is None
    assert tier.derived.endswith("TierLow") and tier.effective == tier.derived and tier.score == 9


def test_the_higher_risk_measure_follows_the_declared_tier(analyses):
    def g42(name, system):
        return next(v.verdict for v in analyses[name].classification.verdicts
                    if v.subject == system and v.measure == M + "G.4.2")

    assert g42("bank", BANK + "credit-scoring") == "applies"  # declared high, derived medium
    assert g42("bank", BANK + "robo-advisor") == "does-not-apply"  # declared medium, derived high


# --- undetermined ---------------------------------------------------------------------------------


def test_a_missing_trait_makes_verdicts_undetermined_naming_the_input(analyses):
    churn = {v.measure: v for v in analyses["securities"].classification.verdicts if v.subject == SEC + "churn-model"}
    for notation in ("3.1.1", "3.1.3", "3.1.6"):
        v = churn[M + notation]
        assert v.verdict == "undetermined", notation
        assert v.missing_inputs == (str(FSC.personalDataUse),)
        assert "missing input" in v.why.en and "缺漏資料" in v.why.zh
    assert churn[M + "3.1.4"].verdict == "applies"  # a stage-only rule is unaffected
    assert not any(g.subject == SEC + "churn-model" and g.measure.notation in ("3.1.1", "3.1.3", "3.1.6")
                   for g in analyses["securities"].gaps)


def test_the_undetermined_example_is_the_only_system_without_a_personal_data_trait(parsed):
    without = [(name, s) for name, sub in parsed.items() for s in sub.graph.subjects(RDF.type, FSC.AISystem)
               if sub.graph.value(s, FSC.personalDataUse) is None]
    assert without == [("securities", URIRef(SEC + "churn-model"))]


# --- shapes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_examples_conform_to_the_shapes_except_where_documented(validations, name):
    validation = validations[name]
    violations = {(f.focus, f.shape) for f in validation.findings if f.severity == "Violation"}
    assert violations == DOCUMENTED_VIOLATIONS[name]
    assert validation.conforms == (not DOCUMENTED_VIOLATIONS[name])


def test_warnings_are_the_realistic_omissions_only(validations):
    warnings = {(name, f.focus, f.shape.rsplit("#", 1)[-1]) for name, v in validations.items()
                for f in v.findings if f.severity == "Warning"}
    assert warnings == {
        ("bank", BANK + "corporate-ews", "AISystem-declaredRiskTierPresent"),
        ("bank", VENDOR_NAMESPACE + "zhitou-tech", "Vendor-exitPlan"),
        ("life-insurer", VENDOR_NAMESPACE + "moshi-idp", "Vendor-exitPlan"),
    }
