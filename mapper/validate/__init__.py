"""Validate a submission with the SHACL shapes in ``shapes/`` and report the findings.

The data graph is the submission's triples and the catalogue's (so that ``sh:class
fsc:Measure`` can see that ``fscg:measure-2.1.3`` is a measure), validated with no inference,
no ``owl:imports`` and no network, and every ``sh:ValidationResult`` becomes a
:class:`Finding` carrying the shape's bilingual message and the guideline section the shape
cites (its ``dct:source`` locator).

Two engines give the same findings (``tests/test_validate_engines.py`` checks every shape test
case and every example): ``fast``, the default (SHACL Core in Rust, SHACL-SPARQL on Oxigraph,
reading an embedded store's graphs in place: :mod:`mapper.validate.fast`), and ``pyshacl``,
the reference, which needs the data copied into one rdflib graph and is 10-100 times slower
(``bench/bench_analysis.py``).

Shapes are data: :func:`load_shapes` reads every ``*.ttl`` under ``shapes/``, so a compliance
architect's new shape file takes effect with no code change. The submission's conformance
follows SHACL severities: only ``sh:Violation`` results make it non-conforming; warnings and
infos are reported beside it.

>>> from rdflib import Graph
>>> from mapper.catalogue.ontology import catalogue_graph
>>> data = Graph().parse(format="turtle", data='''
... @prefix fsc: <https://w3id.org/fscai/def#> .
... <https://bank.example/> a fsc:Institution ; fsc:unifiedBusinessNumber "1234" .
... ''')
>>> findings = validate_graph(data, catalogue=catalogue_graph())
>>> ubn = [f for f in findings if f.path == str(FSC.unifiedBusinessNumber)][0]
>>> ubn.severity, ubn.value, ubn.section == str(FSCG["section-1.1"])
('Violation', '1234', True)
>>> print(ubn.message_zh)
金融機構須恰有一個統一編號（fsc:unifiedBusinessNumber），為8位數字之字串，例如 "12345675"。
"""

from __future__ import annotations

from mapper.namespaces import FSC, FSCG  # noqa: F401 (doctest)
from mapper.validate.engines import ENGINES, Validator, run_fast, validate, validate_graph
from mapper.validate.findings import Finding, Severity, Validation, severities_of
from mapper.validate.render import render_json, render_text, render_turtle
from mapper.validate.shapes import load_shapes
from mapper.validate.stored import (
                                    NoCatalogue,
                                    UnknownInstitution,
                                    newest_submission_graph,
                                    validate_institution,
                                    validate_stored,
)

__all__ = [
    "ENGINES",
    "Severity",
    "severities_of",
    "Finding",
    "Validation",
    "Validator",
    "UnknownInstitution",
    "NoCatalogue",
    "load_shapes",
    "run_fast",
    "validate",
    "validate_graph",
    "validate_institution",
    "validate_stored",
    "newest_submission_graph",
    "render_text",
    "render_json",
    "render_turtle",
]
