"""Synthetic submissions for scale runs: many institutions, many AI systems, realistic gaps.

:func:`synthesise` yields one N-Triples file per institution. Each is a self-contained
submission the loader accepts (one ``fsc:Institution`` with a valid unified business number,
one ``fsc:Submission`` with ``dct:issued``), of about 1,000 triples per AI system:

- every AI system states its purpose, stage reached, oversight mode, the seven traits
  (``fsc:vendorProvided`` included) and all 6 risk-factor assessments; the levels agree with
  the traits (a customer-facing system's customer-facing level is not low), and the declared
  tier is usually the tier the factors imply, sometimes one step off, sometimes absent;
- which measures a system, the institution or a vendor must answer for is the engine's verdict
  (:func:`mapper.classify.derive` over the rules in ``shapes/rules/``), asked once per process
  for each *profile* of subject the generator can produce (:mod:`mapper.synth.profiles`); a
  statement is written for most *applicable* measures, each with its own evidence (title, kind,
  date, owner, next review date, link or SHA-256);
- vendors come from one pool shared by all institutions (IRIs under
  ``https://vendors.example.tw/id/``), drawn with a skewed distribution so that a few
  providers serve many institutions: the concentration the regulator looks for;
- gaps of every kind the ontology defines (``fsc:GapKind`` in ``ontology/rules.ttl``) relative
  to :data:`REFERENCE_DATE` (2026-11-25): measures left without a statement, statements without
  evidence, evidence past its next review date, planned measures past their target date, "not
  applicable" without a reason, partial implementation. Every institution has one of each kind
  at institution level, whatever the number of systems; the systems add more at random. A gap
  kind synth has no recipe for (:mod:`mapper.synth.recipes`) is an error, not a silent omission.

The data is deterministic for a seed (Python's :class:`random.Random`, no global state) and is
written as N-Triples strings directly, without building graphs.

Deliberate non-conformance: a "not applicable" statement without a reason is a SHACL
Violation (``fscs:ConformanceStatement-notApplicableNeedsReason``); every synthetic
institution has at least one, so that gap kind is present. Everything else conforms.

The modules: :mod:`~mapper.synth.world` (the synthetic vocabulary), :mod:`~mapper.load.ubn`
(unified business numbers), :mod:`~mapper.synth.profiles` (the kinds of subject and what they
state), :mod:`~mapper.synth.knowledge` (what the rules and the engine say),
:mod:`~mapper.synth.recipes` (a statement per gap kind), :mod:`~mapper.synth.writer` (N-Triples)
and :mod:`~mapper.synth.generate` (:func:`synthesise`).

>>> files = list(synthesise(2, 3, seed=7))
>>> [name for name, _ in files] == sorted({name for name, _ in files})
True
>>> all(len(name) == len("12345675.nt") and ubn_valid(name[:8]) for name, _ in files)
True
>>> files == list(synthesise(2, 3, seed=7))
True
"""

from __future__ import annotations

from mapper.synth.generate import synthesise
from mapper.synth.recipes import UnknownGapKind
from mapper.load.ubn import ubn_valid, ubn_with_check_digit
from mapper.synth.world import REFERENCE_DATE, VENDOR_NAMESPACE

__all__ = ["REFERENCE_DATE", "VENDOR_NAMESPACE", "UnknownGapKind", "synthesise", "ubn_valid", "ubn_with_check_digit"]
