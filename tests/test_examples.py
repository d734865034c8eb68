"""The three example institutions under data/examples/: they load, are analysed as documented in
their comments, share vendors, and conform to the shapes except where deliberately documented.

Each is a self-assessment against the draft's key points (fsc:assessedAgainst fscg:document), dated
on a working day, citing no evidence issued after it. They show three programmes side by side: the
bank a mature one (a full control matrix, few gaps), the life insurer one part of the way there, the
securities firm an early one.

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
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

BANK = "https://bank.example.tw/fscai/"
LIFE = "https://life.example.tw/fscai/"
SEC = "https://securities.example.tw/fscai/"

#: directory -> (IRI base, UBN, submission date, number of AI systems)
INSTITUTIONS = {
    "bank": (BANK, "83910461", "2026-10-30", 10),
    "life-insurer": (LIFE, "53728108", "2026-09-30", 7),
    "securities": (SEC, "66482035", "2026-11-13", 7),
}

#: directory -> (applicable (measure, subject) pairs, pairs with a gap, gap records) at AS_OF, as
#: `fscai gaps --as-of 2026-11-25` reports them: a mature, a partial and an early programme.
GAP_FIGURES = {
    "bank": (628, 22, 22),
    "life-insurer": (415, 207, 207),
    "securities": (406, 369, 371),
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
    ("bank", "NoStatement", "6.2.3", BANK + "bank"),
    ("bank", "Partial", "G.5.2", VENDOR_NAMESPACE + "skydome-cloud"),
    ("bank", "EvidenceReviewOverdue", "G.5.2", VENDOR_NAMESPACE + "moshi-idp"),
    ("bank", "Partial", "2.1.8", BANK + "credit-scoring"),
    ("bank", "EvidenceReviewOverdue", "2.1.6", BANK + "aml-monitoring"),
    ("bank", "EvidenceReviewOverdue", "4.1.6", BANK + "aml-monitoring"),
    ("bank", "EvidenceReviewOverdue", "4.1.8", BANK + "aml-monitoring"),
    ("bank", "PlannedOverdue", "2.3.1", BANK + "chatbot"),
    ("bank", "EvidenceReviewOverdue", "3.1.8", BANK + "kyc-ocr"),
    ("bank", "EvidenceReviewOverdue", "3.1.9", BANK + "kyc-ocr"),
    ("bank", "EvidenceReviewOverdue", "4.2.5", BANK + "kyc-ocr"),
    ("bank", "NoStatement", "1.2.2", BANK + "coding-assistant"),
    ("bank", "Partial", "2.1.1", BANK + "marketing-propensity"),  # the exclusion of customers aged 65+
    ("bank", "Partial", "2.1.9", BANK + "marketing-propensity"),
    ("bank", "Partial", "3.1.6", BANK + "call-summary"),
    ("bank", "Partial", "5.2.3", BANK + "robo-advisor"),
    ("life-insurer", "Partial", "1.2.2", LIFE + "service-assistant"),
    ("life-insurer", "Partial", "1.2.2", LIFE + "aml-monitoring"),
    ("life-insurer", "NoStatement", "1.2.2", LIFE + "lapse-prediction"),
    ("life-insurer", "NoStatement", "1.2.2", LIFE + "agent-copy-assistant"),
    ("life-insurer", "EvidenceReviewOverdue", "1.3.1", LIFE + "insurer"),
    ("life-insurer", "EvidenceReviewOverdue", "6.2.2", LIFE + "insurer"),
    ("life-insurer", "NoStatement", "1.2.4", LIFE + "insurer"),
    ("life-insurer", "Partial", "G.5.2", VENDOR_NAMESPACE + "moshi-idp"),
    ("life-insurer", "PlannedOverdue", "4.1.11", LIFE + "claims-triage"),
    ("life-insurer", "EvidenceReviewOverdue", "4.2.1", LIFE + "claims-triage"),
    ("life-insurer", "Partial", "3.1.9", LIFE + "claims-triage"),
    ("life-insurer", "Partial", "3.1.9", LIFE + "service-assistant"),
    ("life-insurer", "Partial", "2.1.5", LIFE + "underwriting-model"),
    ("life-insurer", "NoEvidence", "2.2.3", LIFE + "aml-monitoring"),
    ("life-insurer", "NoStatement", "4.1.1", LIFE + "service-assistant"),  # principle 4 not assessed yet
    ("life-insurer", "NoStatement", "5.C.4", LIFE + "insurer"),  # an assessable main concept of principle 5
    ("life-insurer", "NoStatement", "5.2.8", LIFE + "claims-fraud"),  # nor principle 5
    ("securities", "PlannedOverdue", "1.2.2", SEC + "trade-surveillance"),
    ("securities", "PlannedOverdue", "1.2.2", SEC + "stock-recommender"),
    ("securities", "NoStatement", "1.2.2", SEC + "ekyc"),
    ("securities", "NotApplicableWithoutReason", "6.1.1", SEC + "firm"),
    ("securities", "NoEvidence", "6.2.2", SEC + "firm"),
    ("securities", "NoStatement", "G.5.2", VENDOR_NAMESPACE + "moshi-idp"),
    ("securities", "NoStatement", "1.C.2", SEC + "firm"),
    ("securities", "EvidenceReviewOverdue", "2.1.6", SEC + "trade-surveillance"),
    ("securities", "Partial", "5.2.3", SEC + "trade-surveillance"),
    ("securities", "PlannedOverdue", "2.1.9", SEC + "stock-recommender"),
    ("securities", "Partial", "4.1.6", SEC + "aml-risk-scoring"),
    ("securities", "NoEvidence", "4.1.6", SEC + "aml-risk-scoring"),
    ("securities", "NoStatement", "3.2.3", SEC + "churn-model"),  # no alternative offered
])
def test_documented_gaps_are_found(analyses, name, kind, notation, subject):
    assert has_gap(analyses[name], kind, notation, subject)


@pytest.mark.parametrize("name, notation, subject", [
    # reasoned "not applicable", alternative means and future targets are not gaps
    ("bank", "3.2.2", BANK + "card-fraud"),
    ("bank", "3.2.3", BANK + "card-fraud"),
    ("bank", "5.1.3", BANK + "aml-monitoring"),
    ("bank", "2.3.1", BANK + "coding-assistant"),
    ("bank", "2.1.6", BANK + "coding-assistant"),
    ("bank", "2.1.7", BANK + "marketing-propensity"),
    ("bank", "4.1.6", BANK + "robo-advisor"),
    ("bank", "1.2.2", BANK + "corporate-ews"),
    ("bank", "2.1.7", BANK + "credit-scoring"),
    ("bank", "G.5.2", VENDOR_NAMESPACE + "global-payment-network"),
    ("bank", "4.1.8", BANK + "robo-advisor"),
    ("life-insurer", "6.1.2", LIFE + "insurer"),
    ("securities", "3.2.2", SEC + "research-assistant"),
])
def test_well_founded_statements_are_not_gaps(analyses, name, notation, subject):
    assert not any(g.measure.notation == notation and g.subject == subject for g in analyses[name].gaps)


def verdict(analysis, subject: str, notation: str) -> str:
    found = [v.verdict for v in analysis.classification.verdicts if v.subject == subject and v.measure == M + notation]
    assert len(found) == 1, (subject, notation, found)
    return found[0]


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_measures_that_do_not_apply_are_never_gaps(analyses, name):
    applies = {(v.subject, v.measure) for v in analyses[name].classification.verdicts if v.verdict == "applies"}
    assert all((g.subject, g.measure.iri) in applies for g in analyses[name].gaps)


def test_proactive_disclosure_applies_to_anti_money_laundering_systems_too(analyses, parsed):
    """5.1.3 has no AML/fraud exception: the bank answers it for its AML model with care over the degree."""
    for name, system in (("bank", BANK + "aml-monitoring"), ("life-insurer", LIFE + "aml-monitoring"),
                         ("securities", SEC + "aml-risk-scoring")):
        assert parsed[name].graph.value(URIRef(system), FSC.amlOrFraudUse) == Literal(True)
        assert verdict(analyses[name], system, "5.1.3") == "applies"
    assert not any(g.measure.notation == "5.1.3" and g.subject == BANK + "aml-monitoring"
                   for g in analyses["bank"].gaps)


def test_market_abuse_surveillance_is_not_anti_money_laundering_use(parsed):
    graph = parsed["securities"].graph
    system = URIRef(SEC + "trade-surveillance")
    assert graph.value(system, FSC.amlOrFraudUse) == Literal(False)
    purpose = {str(p) for p in graph.objects(system, FSC.purpose)}
    assert any("市場不當行為" in p for p in purpose) and not any("洗錢" in p for p in purpose)


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_the_model_risk_measure_is_assessed_per_system(analyses, parsed, name):
    """1.2.2 applies to every AI system and to no institution; statements name systems, not institutions."""
    analysis, graph = analyses[name], parsed[name].graph
    systems = set(map(str, graph.subjects(RDF.type, FSC.AISystem)))
    on_1_2_2 = {v.subject: v.verdict for v in analysis.classification.verdicts if v.measure == M + "1.2.2"}
    assert on_1_2_2 == {s: "applies" for s in systems}
    subjects = {str(graph.value(st, FSC.subject)) for st in graph.subjects(FSC.measure, FSCG["measure-1.2.2"])}
    assert subjects and subjects < systems  # some systems with it, some without


def test_redress_and_remedy_apply_only_to_customer_facing_systems(analyses, parsed):
    for name, analysis in analyses.items():
        graph = parsed[name].graph
        for system in graph.subjects(RDF.type, FSC.AISystem):
            if graph.value(system, FSC.customerFacing) == Literal(False):
                assert verdict(analysis, str(system), "2.1.3") == "does-not-apply", system
                assert verdict(analysis, str(system), "3.2.3") == "does-not-apply", system
    # 3.2.3 only where the institution decided to offer no alternative
    assert verdict(analyses["bank"], BANK + "card-fraud", "3.2.3") == "applies"
    assert verdict(analyses["bank"], BANK + "chatbot", "3.2.3") == "does-not-apply"


def test_the_vendor_training_measure_follows_who_trains_the_model(analyses):
    bank = analyses["bank"]
    assert verdict(bank, BANK + "aml-monitoring", "4.2.14") == "applies"  # the vendor retrains it
    assert verdict(bank, BANK + "call-summary", "4.2.14") == "applies"  # fine-tuned in the vendor's tenant
    assert verdict(bank, BANK + "chatbot", "4.2.14") == "does-not-apply"  # hosted, not trained, by the vendor
    assert verdict(bank, BANK + "credit-scoring", "4.2.14") == "does-not-apply"  # in-house


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
    for notation in ("3.1.3", "3.1.6"):
        v = churn[M + notation]
        assert v.verdict == "undetermined", notation
        assert v.missing_inputs == (str(FSC.personalDataUse),)
        assert "missing input" in v.why.en and "缺漏資料" in v.why.zh
    assert churn[M + "3.1.4"].verdict == "applies"  # a stage-only rule is unaffected
    assert churn[M + "3.1.1"].verdict == "applies"  # no longer reads the personal-data trait
    assert not any(g.subject == SEC + "churn-model" and g.measure.notation in ("3.1.3", "3.1.6")
                   for g in analyses["securities"].gaps)
    undetermined = {(name, v.subject, v.measure) for name, a in analyses.items()
                    for v in a.classification.verdicts if v.verdict == "undetermined"}
    assert undetermined == {("securities", SEC + "churn-model", M + n) for n in ("3.1.3", "3.1.6")}


def test_the_undetermined_example_is_the_only_system_without_a_personal_data_trait(parsed):
    without = [(name, s) for name, sub in parsed.items() for s in sub.graph.subjects(RDF.type, FSC.AISystem)
               if sub.graph.value(s, FSC.personalDataUse) is None]
    assert without == [("securities", URIRef(SEC + "churn-model"))]


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_every_system_states_whether_an_alternative_is_offered_and_who_trains_the_model(parsed, name):
    graph = parsed[name].graph
    for system in graph.subjects(RDF.type, FSC.AISystem):
        for trait in (FSC.alternativeOffered, FSC.vendorTrainsModel):
            values = list(graph.objects(system, trait))
            assert len(values) == 1 and isinstance(values[0].toPython(), bool), (system, trait)
        if graph.value(system, FSC.vendorProvided) == Literal(False):
            assert graph.value(system, FSC.vendorTrainsModel) == Literal(False), system


# --- framing: self-assessments against a named revision, on working days ------------------------


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_each_submission_is_a_self_assessment_against_the_drafts_key_points(parsed, name):
    graph = parsed[name].graph
    submission = next(graph.subjects(RDF.type, FSC.Submission))
    assert list(graph.objects(submission, FSC.assessedAgainst)) == [FSCG.document]
    labels = {o.language.lower(): str(o) for o in graph.objects(submission, RDFS.label)}
    assert "自評" in labels["zh-hant"] and "草案" in labels["zh-hant"]
    assert "self-assessment" in labels["en"] and "draft" in labels["en"]


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_no_evidence_is_issued_after_its_submission(parsed, name):
    graph = parsed[name].graph
    submission = next(graph.subjects(RDF.type, FSC.Submission))
    submitted = graph.value(submission, DCTERMS.issued).toPython()
    evidence = set(graph.subjects(FSC.evidenceKind, None))
    assert len(evidence) >= 10
    for node in evidence:
        issued = graph.value(node, DCTERMS.issued).toPython()
        assert issued <= submitted, (node, issued, submitted)
    for assessed in graph.objects(None, FSC.assessedOn):  # nor an assessment made after it
        assert assessed.toPython() <= submitted


@pytest.mark.parametrize("name", sorted(INSTITUTIONS))
def test_no_example_date_falls_on_a_weekend(parsed, name):
    """Filings, assessments, evidence, reviews, targets and training: all on working days."""
    dates = [(s, p, o.toPython()) for s, p, o in parsed[name].graph
             if isinstance(o, Literal) and o.datatype == XSD_DATE]
    assert len(dates) >= 50
    weekend = [(s, p, d) for s, p, d in dates if d.weekday() >= 5]
    assert weekend == []


def test_the_three_programmes_contrast_mature_partial_and_early(analyses):
    figures = {}
    for name, analysis in analyses.items():
        applicable = {(v.subject, v.measure) for v in analysis.classification.verdicts if v.verdict == "applies"}
        with_gap = {(g.subject, g.measure.iri) for g in analysis.gaps}
        figures[name] = (len(applicable), len(with_gap), len(analysis.gaps))
    assert figures == GAP_FIGURES
    ratio = {name: gaps / applicable for name, (applicable, gaps, _) in figures.items()}
    assert ratio["bank"] < 0.25  # mature
    assert 0.25 <= ratio["life-insurer"] <= 0.60  # partial
    assert ratio["securities"] > 0.60  # early


# --- realism -------------------------------------------------------------------------------------------


def test_a_chatbot_on_open_generative_ai_with_personal_data_carries_the_controls_that_implies(analyses, parsed):
    systems = [(name, s) for name, sub in parsed.items() for s in sub.graph.subjects(RDF.type, FSC.AISystem)
               if sub.graph.value(s, FSC.openGenerativeAI) == Literal(True)
               and sub.graph.value(s, FSC.personalDataUse) == Literal(True)]
    assert systems == [("bank", URIRef(BANK + "chatbot"))]
    graph = parsed["bank"].graph
    stated = {str(graph.value(st, FSC.measure)).rsplit("-", 1)[-1]: st
              for st in graph.subjects(FSC.subject, URIRef(BANK + "chatbot"))}
    for notation in ("2.3.2", "3.1.1", "3.1.2", "3.1.3", "3.1.6", "3.1.7", "3.1.8", "3.1.9", "3.1.10", "4.2.4",
                     "4.2.11", "5.1.8"):
        assert graph.value(stated[notation], FSC.status) == FSC.Implemented, notation
        assert graph.value(stated[notation], FSC.evidence) is not None, notation
        assert not any(g.subject == BANK + "chatbot" and g.measure.notation == notation for g in analyses["bank"].gaps)


def test_excluding_elderly_customers_is_a_fairness_finding_not_a_design(parsed):
    graph = parsed["bank"].graph
    system = URIRef(BANK + "marketing-propensity")
    purpose = " ".join(map(str, graph.objects(system, FSC.purpose)))
    assert "高齡" not in purpose and "elderly" not in purpose
    for notation in ("2.1.1", "2.1.9"):
        statement = URIRef(BANK + f"st-mkt-{notation}")
        assert graph.value(statement, FSC.status) == FSC.PartiallyImplemented
        assert URIRef(BANK + "ev-mkt-fairness-review") in set(graph.objects(statement, FSC.evidence))


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
