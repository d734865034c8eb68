"""Synthetic submissions for scale runs: many institutions, many AI systems, realistic gaps.

:func:`synthesise` yields one N-Triples file per institution. Each is a self-contained
submission the loader accepts (one ``fsc:Institution`` with a valid unified business number,
one ``fsc:Submission`` with ``dct:issued``), of about 1,000 triples per AI system:

- every AI system states its purpose, stage reached, oversight mode, the seven traits
  (``fsc:vendorProvided`` included) and all 6 risk-factor assessments; the levels agree with
  the traits (a customer-facing system's customer-facing level is not low), and the declared
  tier is usually the tier the factors imply, sometimes one step off, sometimes absent;
- which measures a system, the institution or a vendor must answer for is read from the
  applicability rules in ``shapes/rules/`` (not coded here), so a statement is written for most
  *applicable* measures, each with its own evidence (title, kind, date, owner, next review
  date, link or SHA-256);
- vendors come from one pool shared by all institutions (IRIs under
  ``https://vendors.example.tw/id/``), drawn with a skewed distribution so that a few
  providers serve many institutions: the concentration the regulator looks for;
- gaps of every kind relative to :data:`REFERENCE_DATE` (2026-11-25): measures left without a
  statement, statements without evidence, evidence past its next review date, planned
  measures past their target date, "not applicable" without a reason, partial
  implementation. Every institution has one of each kind at institution level, whatever the
  number of systems; the systems add more at random.

The data is deterministic for a seed (Python's :class:`random.Random`, no global state) and is
written as N-Triples strings directly, without building graphs: 50 institutions of 50 systems
(about 2.5 million triples) take a few seconds.

Deliberate non-conformance: a "not applicable" statement without a reason is a SHACL
Violation (``fscs:ConformanceStatement-notApplicableNeedsReason``); every synthetic
institution has at least one, so that gap kind is present. Everything else conforms.

>>> files = list(synthesise(2, 3, seed=7))
>>> [name for name, _ in files] == sorted({name for name, _ in files})
True
>>> all(len(name) == len("12345675.nt") and ubn_valid(name[:8]) for name, _ in files)
True
>>> files == list(synthesise(2, 3, seed=7))
True
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from mapper.catalogue.records import sort_key
from mapper.layout import Layout, project_layout

__all__ = ["REFERENCE_DATE", "VENDOR_NAMESPACE", "synthesise", "ubn_valid", "ubn_with_check_digit"]

#: Dates in the synthetic data are relative to this day; the gaps are gaps at this date.
REFERENCE_DATE = dt.date(2026, 11, 25)
#: Shared by the hand-written examples and the synthetic pool, so vendors are one set of IRIs.
VENDOR_NAMESPACE = "https://vendors.example.tw/id/"

FSC = "https://w3id.org/fscai/def#"
FSCG = "https://w3id.org/fscai/guideline/draft/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
PROV_ORG = "<http://www.w3.org/ns/prov#Organization>"
SCHEMA_URL = "<https://schema.org/url>"
SCHEMA_START = "<https://schema.org/startDate>"
TRUE = f'"true"^^<{XSD}boolean>'
FALSE = f'"false"^^<{XSD}boolean>'

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def _f(local: str) -> str:
    return f"<{FSC}{local}>"


def _g(local: str) -> str:
    return f"<{FSCG}{local}>"


# --- unified business numbers ----------------------------------------------------------------


def _ubn_sum(digits: str) -> int:
    total = 0
    for digit, weight in zip(digits, _UBN_WEIGHTS):
        product = int(digit) * weight
        total += product // 10 + product % 10
    return total


def ubn_valid(ubn: str) -> bool:
    """Whether ``ubn`` is an 8-digit Taiwan unified business number with a valid check.

    The digits are weighted 1,2,1,2,1,2,4,1; the digits of each product are added. The sum must
    be divisible by 5 (the rule since 2023; numbers issued before satisfy the older rule of 10).
    When the seventh digit is 7 its product 28 counts as 10 or as 1 (the sum or the sum plus 1).

    >>> ubn_valid("12345675"), ubn_valid("12345678"), ubn_valid("04595257"), ubn_valid("1234567")
    (True, False, True, False)
    """
    if len(ubn) != 8 or not ubn.isdigit():
        return False
    total = _ubn_sum(ubn)
    return total % 5 == 0 or (ubn[6] == "7" and (total + 1) % 5 == 0)


def ubn_with_check_digit(prefix: str) -> str:
    """Complete a 7-digit prefix with the check digit that makes the sum divisible by 10.

    Divisible by 10 satisfies both the old and the new rule.

    >>> ubn_with_check_digit("0459525")
    '04595257'
    """
    if len(prefix) != 7 or not prefix.isdigit():
        raise ValueError(f"a UBN prefix is 7 digits, got {prefix!r}")
    return prefix + str((-_ubn_sum(prefix + "0")) % 10)


# --- what the rules say ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Condition:
    property: str
    value: object  # bool or IRI string for a value condition; None for a rank condition
    min_rank: int | None
    exception: bool


@dataclass(frozen=True)
class _Rule:
    measure: str
    notation: str
    kind: str  # "Institution" | "AISystem" | "Vendor"
    conditions: tuple[_Condition, ...]
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class _Knowledge:
    rules: tuple[_Rule, ...]
    ranks: dict  # IRI of a stage or tier -> its rank (fsc:order of stages, fsc:rank of tiers)
    thresholds: tuple[tuple[int, int], ...]  # (minimum score, index in TIERS) of the tier rule


_RULES_QUERY = """
PREFIX fsc:  <https://w3id.org/fscai/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?rule ?measure ?notation ?kind ?cond ?exception ?property ?value ?minRank ?zh ?en WHERE {
  ?rule a fsc:ApplicabilityRule ; fsc:ruleFor ?measure ; fsc:subjectKind ?kind .
  ?measure skos:notation ?notation ; rdfs:label ?zh , ?en .
  FILTER (langMatches(lang(?zh), "zh-Hant") && langMatches(lang(?en), "en"))
  OPTIONAL {
    { ?rule fsc:condition ?cond . BIND (false AS ?exception) }
    UNION
    { ?rule fsc:exception ?cond . BIND (true AS ?exception) }
    ?cond fsc:onProperty ?property .
    OPTIONAL { ?cond fsc:hasValue ?value }
    OPTIONAL { ?cond fsc:minRank ?minRank }
  }
}"""

_THRESHOLDS_QUERY = """
PREFIX fsc: <https://w3id.org/fscai/def#>
SELECT ?tier ?min WHERE { ?threshold a fsc:TierThreshold ; fsc:tier ?tier ; fsc:minScore ?min }"""

_RANKS_QUERY = """
PREFIX fsc: <https://w3id.org/fscai/def#>
SELECT ?term ?rank WHERE {
  { ?term a fsc:LifecycleStage ; fsc:order ?rank } UNION { ?term a fsc:RiskTier ; fsc:rank ?rank }
}"""


@functools.lru_cache(maxsize=4)
def _knowledge(root: str) -> _Knowledge:
    """The applicability rules and the ranks of stages and tiers, read from the layout's Turtle."""
    store = ox.Store()
    for path in Layout(Path(root)).knowledge_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    rules: dict[str, dict] = {}  # rule IRI -> what the rule says
    for row in store.query(_RULES_QUERY):
        rule = rules.setdefault(row["rule"].value, {
            "measure": row["measure"].value, "notation": row["notation"].value, "kind": row["kind"].value.rsplit("#", 1)[-1],
            "zh": row["zh"].value, "en": row["en"].value, "conditions": {}})
        if row["cond"] is not None:
            value = row["value"]
            if isinstance(value, ox.Literal):
                value = value.value == "true" if value.datatype.value == XSD + "boolean" else value.value
            elif value is not None:
                value = value.value
            min_rank = int(row["minRank"].value) if row["minRank"] is not None else None
            rule["conditions"][row["cond"].value] = _Condition(
                row["property"].value, value, min_rank, row["exception"].value == "true")
    ranks = {row["term"].value: int(row["rank"].value) for row in store.query(_RANKS_QUERY)}
    thresholds = tuple(sorted((int(row["min"].value), TIERS.index(row["tier"].value.rsplit("#", 1)[-1]))
                              for row in store.query(_THRESHOLDS_QUERY)))
    ordered = sorted(rules.items(), key=lambda item: (sort_key(item[1]["notation"]), item[0]))
    return _Knowledge(tuple(_Rule(r["measure"], r["notation"], r["kind"], tuple(r["conditions"].values()),
                                  r["zh"], r["en"]) for _, r in ordered), ranks, thresholds)


def _applies(rule: _Rule, facts: dict, ranks: dict) -> bool:
    """Whether the rule's conditions hold for a subject whose property values are ``facts``.

    A condition on a property the subject lacks counts as not holding: the generator only
    writes statements it knows are wanted.
    """
    for condition in rule.conditions:
        actual = facts.get(condition.property)
        if actual is None:
            return False
        if condition.min_rank is not None:
            holds = ranks.get(actual, 0) >= condition.min_rank
        else:
            holds = actual == condition.value
        if holds == condition.exception:
            return False
    return True


# --- vocabulary of the synthetic world -------------------------------------------------------

STAGES = ("stage-planning-design", "stage-data-collection-input", "stage-model-building-validation",
          "stage-deployment-monitoring")
STAGE_WEIGHTS = (10, 15, 20, 55)
FACTORS = ("risk-factor-customer-facing", "risk-factor-personal-data", "risk-factor-autonomy",
           "risk-factor-complexity", "risk-factor-stakeholders", "risk-factor-remedy")
LEVELS = ("LevelLow", "LevelMedium", "LevelHigh")
TIERS = ("TierLow", "TierMedium", "TierHigh")
OVERSIGHT = ("oversight-human-in-command", "oversight-human-in-the-loop", "oversight-human-on-the-loop")
INSTITUTION_TYPES = (("Bank", "商業銀行", "Commercial Bank"), ("Insurer", "人壽保險", "Life Insurance"),
                     ("SecuritiesFirm", "綜合證券", "Securities"), ("Insurer", "產物保險", "General Insurance"),
                     ("Bank", "商業銀行", "Bank"), ("InvestmentTrustOrAdvisory", "證券投資信託", "Asset Management"),
                     ("ElectronicPaymentInstitution", "電子支付", "Payments"), ("FuturesFirm", "期貨", "Futures"))
NAME_PARTS = ("永", "信", "華", "泰", "聯", "合", "大", "安", "國", "富", "康", "和", "元", "鼎", "瀚", "嘉",
              "興", "隆", "台", "新", "光", "明", "中", "正", "長", "春", "寶", "昌")
UNITS = (("risk", "風險管理部", "Risk Management"), ("it", "資訊部", "Information Technology"),
         ("infosec", "資訊安全部", "Information Security"), ("compliance", "法令遵循部", "Compliance"),
         ("digital", "數位發展部", "Digital Development"), ("data", "數據分析部", "Data Analytics"),
         ("operations", "作業部", "Operations"), ("hr", "人力資源部", "Human Resources"),
         ("audit", "稽核室", "Internal Audit"), ("business", "業務發展部", "Business Development"))
PURPOSES = (("信用評分", "credit scoring"), ("洗錢防制交易監控", "AML transaction monitoring"),
            ("詐欺偵測", "fraud detection"), ("生成式AI客服", "generative-AI customer assistant"),
            ("智能理財", "robo-advice"), ("理賠分流", "claims triage"), ("證件辨識", "ID document reading"),
            ("自動核保", "automated underwriting"), ("程式開發輔助", "coding assistant"),
            ("行銷名單預測", "marketing propensity"), ("異常交易監視", "trade surveillance"),
            ("客服通話摘要", "call summarisation"), ("客戶流失預警", "churn early warning"))
EVIDENCE_KINDS = ("PolicyOrProcedure", "MeetingRecord", "AssessmentReport", "TestReport", "AuditReport",
                  "SystemRecord", "Disclosure")
VENDOR_POOL = 40
VENDOR_SERVICES = ("大型語言模型API", "雲端運算及儲存", "洗錢防制平台", "文件影像辨識", "模型開發顧問",
                   "投資組合最佳化引擎", "核保規則引擎", "詐欺風險分數", "語音轉文字", "資料標註")

INSTITUTION_MEASURE_GAPS = ("NoStatement", "NoEvidence", "EvidenceReviewOverdue", "PlannedOverdue",
                            "NotApplicableWithoutReason", "Partial")


def _lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


@functools.lru_cache(maxsize=1024)
def _titles(rule: _Rule) -> tuple[str, str]:
    """Bilingual evidence titles for a measure, as N-Triples literals."""
    return (_lit(f"措施{rule.notation}落實佐證：{rule.label_zh[:40]}", "zh-Hant"),
            _lit(f"Evidence for measure {rule.notation}: {rule.label_en[:60]}", "en"))


@functools.lru_cache(maxsize=4096)
def _date(offset_days: int) -> str:
    """The typed literal of the day ``offset_days`` after the reference date (negative: before)."""
    return f'"{(REFERENCE_DATE + dt.timedelta(days=offset_days)).isoformat()}"^^<{XSD}date>'


def _tier_of(score: int, thresholds: tuple[tuple[int, int], ...]) -> int:
    """The index in TIERS of the highest tier whose threshold ``score`` reaches."""
    return max((tier for minimum, tier in thresholds if score >= minimum), default=0)


# --- one institution -------------------------------------------------------------------------


# Terms written many times, formatted once.
_T_EVIDENCE = f"{RDF_TYPE} {_f('Evidence')}"
_T_STATEMENT = f"{RDF_TYPE} {_f('ConformanceStatement')}"
_P_TITLE = f"<{DCT}title>"
_P_ISSUED = f"<{DCT}issued>"
_P_KIND, _P_OWNER, _P_REVIEW, _P_SHA = _f("evidenceKind"), _f("owner"), _f("nextReviewDate"), _f("sha256")
_P_MEASURE, _P_SUBJECT, _P_STATUS, _P_TARGET = _f("measure"), _f("subject"), _f("status"), _f("targetDate")
_P_EVIDENCE = _f("evidence")
_KINDS = tuple(_f(kind) for kind in EVIDENCE_KINDS)
_STATUS = {s: _f(s) for s in ("Implemented", "PartiallyImplemented", "Planned", "AlternativeMeans", "NotApplicable")}
_REASON = (f"{_f('reason')} {_lit('經評估此措施不適用於本對象，理由詳風險評估紀錄。', 'zh-Hant')} .\n",
           f"{_f('reason')} {_lit('Assessed as not applicable to this subject; see the risk assessment record.', 'en')} .\n")
_ALTERNATIVE = (
    f"{_f('alternativeDescription')} {_lit('以現行作業程序達成此措施之目的。', 'zh-Hant')} .\n",
    f"{_f('alternativeDescription')} {_lit('The aim of the measure is met by the existing operating procedure.', 'en')} .\n")


class _Writer:
    """Collects N-Triples lines for one institution (several lines per append, for speed)."""

    __slots__ = ("lines", "rng", "inst", "units", "ev_count")

    def __init__(self, rng: random.Random, inst: str, units: list[str]) -> None:
        self.lines: list[str] = []
        self.rng = rng
        self.inst = inst
        self.units = units
        self.ev_count = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def evidence(self, zh: str, en: str, *, overdue: bool) -> str:
        """A piece of evidence with every field the shapes ask for; returns its IRI."""
        random_ = self.rng.random
        self.ev_count += 1
        n = self.ev_count
        iri = f"<{self.inst}evidence/{n}>"
        if overdue:
            review = -1 - int(random_() * 180)
            issued = review - (365 if random_() < 0.5 else 730)
        else:
            issued = -20 - int(random_() * 480)
            review = issued + (365 if random_() < 0.5 else 730)
            if review < 1:
                review += 730
        if n % 3:
            locator = f'{SCHEMA_URL} "{self.inst}dms/{n}"^^<{XSD}anyURI>'
        else:
            locator = f'{_P_SHA} "{hashlib.sha256(iri.encode()).hexdigest()}"'
        units = self.units
        self.lines.append(
            f"{iri} {_T_EVIDENCE} .\n{iri} {_P_TITLE} {zh} .\n{iri} {_P_TITLE} {en} .\n"
            f"{iri} {_P_KIND} {_KINDS[int(random_() * len(_KINDS))]} .\n{iri} {_P_ISSUED} {_date(issued)} .\n"
            f"{iri} {_P_OWNER} {units[int(random_() * len(units))]} .\n{iri} {_P_REVIEW} {_date(review)} .\n"
            f"{iri} {locator} .\n")
        return iri

    def statement(self, measure: _Rule, subject: str, key: str, status: str, *, evidence: int = 1,
                  overdue: bool = False, past_target: bool = False, reason: bool = True) -> None:
        """One conformance statement of ``status``, with what that status needs and its evidence."""
        random_ = self.rng.random
        iri = f"<{self.inst}statement/{key}/{measure.notation}>"
        parts = [f"{iri} {_T_STATEMENT} .\n{iri} {_P_MEASURE} <{measure.measure}> .\n"
                 f"{iri} {_P_SUBJECT} {subject} .\n{iri} {_P_STATUS} {_STATUS[status]} .\n"]
        if status == "Planned" or (status == "PartiallyImplemented" and random_() < 0.7):
            target = -1 - int(random_() * 150) if past_target else 30 + int(random_() * 370)
            parts.append(f"{iri} {_P_TARGET} {_date(target)} .\n")
        if status == "NotApplicable" and reason:
            parts.append(f"{iri} {_REASON[0]}{iri} {_REASON[1]}")
        if status == "AlternativeMeans":
            parts.append(f"{iri} {_ALTERNATIVE[0]}{iri} {_ALTERNATIVE[1]}")
        zh, en = _titles(measure)
        for n in range(evidence):
            parts.append(f"{iri} {_P_EVIDENCE} {self.evidence(zh, en, overdue=overdue and n == 0)} .\n")
        self.lines.append("".join(parts))


def _institution(index: int, ubn: str, n_systems: int, knowledge: _Knowledge, rng: random.Random) -> bytes:
    kind, type_zh, type_en = INSTITUTION_TYPES[index % len(INSTITUTION_TYPES)]
    inst = f"https://i{ubn}.synth.example.tw/"
    inst_iri = f"<{inst}institution>"
    units = [f"<{inst}unit/{key}>" for key, _, _ in UNITS]
    w = _Writer(rng, inst, units)
    t = w.t
    name_zh = "".join(rng.choice(NAME_PARTS) for _ in range(2))
    sub = f"<{inst}submission>"

    # the submission, the institution and its units
    t(sub, RDF_TYPE, _f("Submission"))
    t(sub, _f("submittedBy"), inst_iri)
    t(sub, f"<{DCT}issued>", _date(-rng.randint(0, 60)))
    t(inst_iri, RDF_TYPE, _f("Institution"))
    t(inst_iri, LABEL, _lit(f"合成{name_zh}{type_zh}股份有限公司第{index + 1}號", "zh-Hant"))
    t(inst_iri, LABEL, _lit(f"Synthetic {type_en} No. {index + 1} ({ubn})", "en"))
    t(inst_iri, _f("unifiedBusinessNumber"), f'"{ubn}"')
    t(inst_iri, _f("institutionType"), _f(kind))
    for (key, zh, en), unit in zip(UNITS, units):
        t(unit, RDF_TYPE, PROV_ORG)
        t(unit, LABEL, _lit(zh, "zh-Hant"))
        t(unit, LABEL, _lit(en, "en"))

    # governance, policy, training
    committee = f"<{inst}ai-committee>"
    t(inst_iri, _f("governanceRole"), committee)
    t(committee, RDF_TYPE, _f("AICommittee"))
    t(committee, LABEL, _lit("人工智慧治理委員會", "zh-Hant"))
    t(committee, LABEL, _lit("AI Governance Committee", "en"))
    policy = w.evidence(_lit("人工智慧風險管理政策", "zh-Hant"), _lit("AI risk-management policy", "en"), overdue=False)
    t(policy, RDF_TYPE, _f("RiskManagementPolicy"))
    t(inst_iri, _f("policy"), policy)
    training = f"<{inst}training>"
    t(inst_iri, _f("training"), training)
    t(training, RDF_TYPE, _f("Training"))
    t(training, LABEL, _lit("年度AI風險及倫理培訓", "zh-Hant"))
    t(training, LABEL, _lit("Annual AI risk and ethics training", "en"))
    t(training, SCHEMA_START, _date(-rng.randint(30, 300)))
    t(training, _f("trainingAudience"), _lit("負責AI系統之部門及人員", "zh-Hant"))

    # institution-level measures: one gap of every kind, the rest implemented
    inst_rules = [r for r in knowledge.rules if r.kind == "Institution" and _applies(r, {}, knowledge.ranks)]
    shift = index % max(1, len(inst_rules))
    rotated = inst_rules[shift:] + inst_rules[:shift]
    gap_for = dict(zip((r.notation for r in rotated), INSTITUTION_MEASURE_GAPS))
    for rule in inst_rules:
        gap = gap_for.get(rule.notation)
        if gap == "NoStatement":
            continue
        _gap_statement(w, rule, inst_iri, "institution", gap)

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
    vendor_rules = [r for r in knowledge.rules if r.kind == "Vendor" and _applies(r, {}, knowledge.ranks)]
    for iri in vendors_used:
        k = vendor_iris[iri]
        t(iri, RDF_TYPE, _f("Vendor"))
        t(iri, LABEL, _lit(f"合成供應商{k:02d}股份有限公司", "zh-Hant"))
        t(iri, LABEL, _lit(f"Synthetic Vendor {k:02d} Co., Ltd.", "en"))
        t(iri, _f("service"), _lit(VENDOR_SERVICES[k % len(VENDOR_SERVICES)], "zh-Hant"))
        assessment = f"<{inst}vendor-assessment/{k:02d}>"
        t(assessment, RDF_TYPE, _f("VendorAssessment"))
        t(assessment, _f("assessedOn"), _date(-rng.randint(30, 400)))
        t(assessment, _f("assessedBy"), units[0])
        # the most used providers are the ones an institution judges most concentrated
        t(assessment, _f("level"), _f("LevelHigh" if k < 5 else "LevelMedium" if k < 15 else "LevelLow"))
        contract = w.evidence(_lit(f"供應商{k:02d}委外契約", "zh-Hant"), _lit(f"Vendor {k:02d} outsourcing contract", "en"),
                              overdue=False)
        t(iri, _f("expertiseAssessment"), assessment)
        t(iri, _f("concentrationRiskAssessment"), assessment)
        t(iri, _f("subOutsourcingTerms"), contract)
        t(iri, _f("responsibilitySplit"), contract)
        t(iri, _f("exitPlan"), contract)
        for rule in vendor_rules:
            roll = rng.random()
            if roll < 0.05:
                continue
            status = "PartiallyImplemented" if roll < 0.15 else "Implemented"
            w.statement(rule, iri, f"vendor-{k:02d}", status)
    return "".join(w.lines).encode("utf-8")


def _gap_statement(w: _Writer, rule: _Rule, subject: str, key: str, gap: str | None) -> None:
    if gap == "NoEvidence":
        w.statement(rule, subject, key, "Implemented", evidence=0)
    elif gap == "EvidenceReviewOverdue":
        w.statement(rule, subject, key, "Implemented", overdue=True)
    elif gap == "PlannedOverdue":
        w.statement(rule, subject, key, "Planned", evidence=0, past_target=True)
    elif gap == "NotApplicableWithoutReason":
        w.statement(rule, subject, key, "NotApplicable", evidence=0, reason=False)
    elif gap == "Partial":
        w.statement(rule, subject, key, "PartiallyImplemented")
    else:
        # the usual case: a procedure and a record of it, sometimes a third document
        w.statement(rule, subject, key, "Implemented", evidence=2 + (w.rng.random() < 0.2))


def _system(w: _Writer, s: int, inst_iri: str, knowledge: _Knowledge, vendor) -> None:
    rng, t = w.rng, w.t
    sys_iri = f"<{w.inst}system/{s}>"
    stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
    generative = rng.random() < 0.25
    open_generative = generative and rng.random() < 0.5
    critical = rng.random() < 0.2
    aml = not generative and rng.random() < 0.15
    customer = rng.random() < 0.5
    personal = rng.random() < 0.7
    vendors = sorted({vendor() for _ in range(rng.choice((1, 1, 2)))}) if rng.random() < 0.6 else []
    purpose_zh, purpose_en = PURPOSES[rng.randrange(len(PURPOSES))]

    t(sys_iri, RDF_TYPE, _f("AISystem"))
    t(sys_iri, LABEL, _lit(f"{purpose_zh}系統{s + 1}", "zh-Hant"))
    t(sys_iri, LABEL, _lit(f"{purpose_en} system {s + 1}", "en"))
    t(sys_iri, _f("operatedBy"), inst_iri)
    t(sys_iri, _f("purpose"), _lit(f"以AI辦理{purpose_zh}，結果由權責單位人員依作業程序覆核。", "zh-Hant"))
    t(sys_iri, _f("purpose"), _lit(f"Uses AI for {purpose_en}; staff of the accountable unit review the results.", "en"))
    t(sys_iri, _f("stageReached"), _g(stage))
    for mode in rng.sample(OVERSIGHT, rng.choice((1, 1, 2))):
        t(sys_iri, _f("oversightMode"), _g(mode))
    t(sys_iri, _f("generativeAI"), TRUE if generative else FALSE)
    t(sys_iri, _f("openGenerativeAI"), TRUE if open_generative else FALSE)
    t(sys_iri, _f("criticalSystem"), TRUE if critical else FALSE)
    t(sys_iri, _f("amlOrFraudUse"), TRUE if aml else FALSE)
    t(sys_iri, _f("customerFacing"), TRUE if customer else FALSE)
    t(sys_iri, _f("personalDataUse"), TRUE if personal else FALSE)
    t(sys_iri, _f("vendorProvided"), TRUE if vendors else FALSE)
    for v in vendors:
        t(sys_iri, _f("usesVendor"), v)

    # the 6 factors, consistent with the traits; the tier they imply, and the declared one
    # level indexes into LEVELS: a customer-facing system is not low on that factor, a system
    # without personal data is low on that one (the shapes check both)
    levels = [rng.choice((1, 2)) if customer else 0, rng.choice((1, 2)) if personal else 0,
              rng.randrange(3), rng.randrange(3), rng.randrange(3), rng.randrange(3)]
    assessed_on = _date(-rng.randint(30, 400))
    assessor = rng.choice(w.units)
    for k, (factor, level) in enumerate(zip(FACTORS, levels)):
        a = f"<{w.inst}system/{s}/factor/{k}>"
        t(sys_iri, _f("riskFactorAssessment"), a)
        t(a, RDF_TYPE, _f("RiskFactorAssessment"))
        t(a, _f("factor"), _g(factor))
        t(a, _f("level"), _f(LEVELS[level]))
        t(a, _f("assessedOn"), assessed_on)
        t(a, _f("assessedBy"), assessor)
    derived = _tier_of(sum(level + 1 for level in levels), knowledge.thresholds)
    roll = rng.random()
    declared = None if roll < 0.05 else max(0, min(2, derived + rng.choice((-1, 1)))) if roll < 0.25 else derived
    if declared is not None:
        t(sys_iri, _f("declaredRiskTier"), _f(TIERS[declared]))
    effective = derived if declared is None else declared

    facts = {FSC + "stageReached": FSCG + stage, FSC + "generativeAI": generative,
             FSC + "openGenerativeAI": open_generative, FSC + "criticalSystem": critical,
             FSC + "amlOrFraudUse": aml, FSC + "customerFacing": customer, FSC + "personalDataUse": personal,
             FSC + "vendorProvided": bool(vendors), FSC + "effectiveRiskTier": FSC + TIERS[effective]}
    key = f"system-{s}"
    for rule in knowledge.rules:
        if rule.kind != "AISystem" or not _applies(rule, facts, knowledge.ranks):
            continue
        roll = rng.random()
        if roll < 0.06:
            continue  # no statement
        if roll < 0.10:
            _gap_statement(w, rule, sys_iri, key, "NoEvidence")
        elif roll < 0.15:
            _gap_statement(w, rule, sys_iri, key, "EvidenceReviewOverdue")
        elif roll < 0.19:
            _gap_statement(w, rule, sys_iri, key, "PlannedOverdue")
        elif roll < 0.23:
            w.statement(rule, sys_iri, key, "Planned", evidence=0)
        elif roll < 0.24:
            _gap_statement(w, rule, sys_iri, key, "NotApplicableWithoutReason")
        elif roll < 0.27:
            w.statement(rule, sys_iri, key, "NotApplicable", evidence=0)
        elif roll < 0.34:
            _gap_statement(w, rule, sys_iri, key, "Partial")
        elif roll < 0.37:
            w.statement(rule, sys_iri, key, "AlternativeMeans")
        else:
            _gap_statement(w, rule, sys_iri, key, None)


# --- the generator ---------------------------------------------------------------------------


def synthesise(institutions: int, systems: int, *, seed: int = 0,
               layout: Layout | None = None) -> Iterator[tuple[str, bytes]]:
    """Yield ``(file name, N-Triples bytes)`` for each of ``institutions`` synthetic submissions.

    Each has ``systems`` AI systems. File names are ``UBN.nt``; UBNs are unique and valid.
    Deterministic for ``seed``: the same arguments give the same bytes.
    """
    if institutions < 0 or systems < 0:
        raise ValueError("institutions and systems must be >= 0")
    knowledge = _knowledge(str((layout or project_layout()).root))
    master = random.Random(seed)
    # Distinct 7-digit prefixes: an affine walk modulo 10**7 whose step ends in 7 (coprime to 10).
    start = master.randrange(10**7)
    step = 1_234_567 + 10 * master.randrange(10**5)
    for index in range(institutions):
        prefix = f"{(start + index * step) % 10**7:07d}"
        ubn = ubn_with_check_digit(prefix)
        rng = random.Random(f"{seed}/{index}")
        yield f"{ubn}.nt", _institution(index, ubn, systems, knowledge, rng)
