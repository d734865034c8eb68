"""Writing N-Triples as strings: the terms synth uses, and a writer for one institution's file.

The generator formats triples itself instead of building graphs: a file is one string of lines,
written once. Terms used on every line are formatted once, here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from dataclasses import dataclass

from mapper.synth.world import EVIDENCE_KINDS, REFERENCE_DATE

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



@dataclass(frozen=True)
class Rule:
    """One applicability rule, as synth writes statements for it."""

    iri: str
    measure: str
    notation: str
    kind: str  # local name of the subject kind: "Institution" | "AISystem" | "Vendor"
    label_zh: str
    label_en: str


def fsc(local: str) -> str:
    """An ``fsc:`` (vocabulary) term as N-Triples."""
    return f"<{FSC}{local}>"


def fscg(local: str) -> str:
    """An ``fscg:`` (guideline content) term as N-Triples."""
    return f"<{FSCG}{local}>"


def lit(text: str, lang: str | None = None) -> str:
    """A string literal as N-Triples, with its language tag if given.

    >>> lit('say "hi"', "en")
    '"say \\\\"hi\\\\""@en'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


@functools.lru_cache(maxsize=4096)
def date(offset_days: int) -> str:
    """The typed literal of the day ``offset_days`` after the reference date (negative: before)."""
    return f'"{(REFERENCE_DATE + dt.timedelta(days=offset_days)).isoformat()}"^^<{XSD}date>'


@functools.lru_cache(maxsize=1024)
def _titles(rule: Rule) -> tuple[str, str]:
    """Bilingual evidence titles for a measure, as N-Triples literals."""
    return (lit(f"措施{rule.notation}落實佐證：{rule.label_zh[:40]}", "zh-Hant"),
            lit(f"Evidence for measure {rule.notation}: {rule.label_en[:60]}", "en"))


# Terms written many times, formatted once.
_T_EVIDENCE = f"{RDF_TYPE} {fsc('Evidence')}"
_T_STATEMENT = f"{RDF_TYPE} {fsc('ConformanceStatement')}"
_P_TITLE = f"<{DCT}title>"
_P_ISSUED = f"<{DCT}issued>"
_P_KIND, _P_OWNER, _P_REVIEW, _P_SHA = fsc("evidenceKind"), fsc("owner"), fsc("nextReviewDate"), fsc("sha256")
_P_MEASURE, _P_SUBJECT, _P_STATUS, _P_TARGET = fsc("measure"), fsc("subject"), fsc("status"), fsc("targetDate")
_P_EVIDENCE = fsc("evidence")
_KINDS = tuple(fsc(kind) for kind in EVIDENCE_KINDS)
_STATUS = {s: fsc(s) for s in ("Implemented", "PartiallyImplemented", "Planned", "AlternativeMeans", "NotApplicable")}
_REASON = (f"{fsc('reason')} {lit('經評估此措施不適用於本對象，理由詳風險評估紀錄。', 'zh-Hant')} .\n",
           f"{fsc('reason')} {lit('Assessed as not applicable to this subject; see the risk assessment record.', 'en')} .\n")
_ALTERNATIVE = (
    f"{fsc('alternativeDescription')} {lit('以現行作業程序達成此措施之目的。', 'zh-Hant')} .\n",
    f"{fsc('alternativeDescription')} {lit('The aim of the measure is met by the existing operating procedure.', 'en')} .\n")


class Writer:
    """Collects N-Triples lines for one institution (several lines per append, for speed).

    Owns the institution's random draws for evidence and statements, so every draw happens in the
    order the lines are written.
    """

    __slots__ = ("lines", "rng", "inst", "units", "ev_count")

    def __init__(self, rng: random.Random, inst: str, units: list[str]) -> None:
        self.lines: list[str] = []
        self.rng = rng
        self.inst = inst
        self.units = units
        self.ev_count = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def data(self) -> bytes:
        """Everything written, as the bytes of one N-Triples file."""
        return "".join(self.lines).encode("utf-8")

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
            f"{iri} {_P_KIND} {_KINDS[int(random_() * len(_KINDS))]} .\n{iri} {_P_ISSUED} {date(issued)} .\n"
            f"{iri} {_P_OWNER} {units[int(random_() * len(units))]} .\n{iri} {_P_REVIEW} {date(review)} .\n"
            f"{iri} {locator} .\n")
        return iri

    def statement(self, measure: Rule, subject: str, key: str, status: str, *, evidence: int = 1,
                  overdue: bool = False, past_target: bool = False, reason: bool = True) -> None:
        """One conformance statement of ``status``, with what that status needs and its evidence."""
        random_ = self.rng.random
        iri = f"<{self.inst}statement/{key}/{measure.notation}>"
        parts = [f"{iri} {_T_STATEMENT} .\n{iri} {_P_MEASURE} <{measure.measure}> .\n"
                 f"{iri} {_P_SUBJECT} {subject} .\n{iri} {_P_STATUS} {_STATUS[status]} .\n"]
        if status == "Planned" or (status == "PartiallyImplemented" and random_() < 0.7):
            target = -1 - int(random_() * 150) if past_target else 30 + int(random_() * 370)
            parts.append(f"{iri} {_P_TARGET} {date(target)} .\n")
        if status == "NotApplicable" and reason:
            parts.append(f"{iri} {_REASON[0]}{iri} {_REASON[1]}")
        if status == "AlternativeMeans":
            parts.append(f"{iri} {_ALTERNATIVE[0]}{iri} {_ALTERNATIVE[1]}")
        zh, en = _titles(measure)
        for n in range(evidence):
            parts.append(f"{iri} {_P_EVIDENCE} {self.evidence(zh, en, overdue=overdue and n == 0)} .\n")
        self.lines.append("".join(parts))
