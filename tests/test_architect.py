"""The architect's test: knowledge lives in Turtle. Editing a copy of the Turtle files, with no
Python touched, must flow through validation, gaps, reports and the trace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from mapper.analysis import analyse_files
from mapper.layout import project_layout
from mapper.report import render
from mapper.store import open_store
from mapper.trace import explain_gap, trace_store

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
AS_OF = dt.date(2026, 11, 25)
NEW_MEASURE = """
fscg:measure-6.2.4 a owl:NamedIndividual , fsc:Measure ;
    skos:notation "6.2.4" ;
    rdfs:label "測試：為生成式AI系統建立員工使用守則"@zh-Hant , "Test: set staff rules of use for generative AI systems"@en ;
    fsc:inChapter fscg:principle-6 ; fsc:inSection fscg:section-6.2 ; fsc:order 4 ; fsc:modality fsc:Advisory ;
    dct:source [ a fsc:SourceLocator ; fsc:document fscg:document ; fsc:chapter fscg:principle-6 ;
                 fsc:part "落實核心原則之建議作法" ; fsc:section fscg:section-6.2 ] .
"""
NEW_RULE = """
fscr:rule-6.2.4 a fsc:ApplicabilityRule ;
    fsc:ruleFor fscg:measure-6.2.4 ;
    fsc:subjectKind fsc:AISystem ;
    rdfs:label "適用於每一AI系統"@zh-Hant , "applies to every AI system"@en ;
    fsc:condition fscr:generative .
"""


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _analyse(root: Path):
    with open_store("memory:") as store:
        analysis = analyse_files(store, [str(MINIMAL)], as_of=AS_OF, layout=project_layout(root))
        trace = trace_store(store, [analysis])
    return analysis, trace


def test_a_new_measure_and_rule_in_turtle_reach_gaps_reports_and_trace(project_copy):
    _append(project_copy / "ontology" / "catalogue" / "principle-6-sustainability.ttl", NEW_MEASURE)
    _append(project_copy / "shapes" / "rules" / "applicability.ttl", NEW_RULE)
    analysis, trace = _analyse(project_copy)

    gap = next(g for g in analysis.gaps if g.measure.notation == "6.2.4")
    assert gap.kind.code == "NoStatement" and gap.subject.endswith("/assistant")
    assert gap.chapter.notation == "6" and gap.section.notation == "6.2"
    assert "系統為生成式AI" in gap.why.zh and "the system is generative AI" in gap.why.en

    html = render(analysis, "html")
    assert "6.2.4" in html and "測試：為生成式AI系統建立員工使用守則" in html
    assert "Test: set staff rules of use for generative AI systems" in html
    data = json.loads(render(analysis, "json"))
    assert "6.2.4" in json.dumps(data, ensure_ascii=False)

    path = explain_gap(trace, gap.id)
    assert [step.kind for step in path][:3] == ["principle", "section", "measure"]
    assert path[2].notation == "6.2.4" and path[-1].kind == "gap"


def test_changing_when_a_measure_applies_changes_the_gaps(project_copy):
    before, _ = _analyse(project_copy)
    assert any(g.measure.notation == "2.3.1" for g in before.gaps)  # the assistant is generative
    assert not any(g.measure.notation == "2.3.2" for g in before.gaps)  # ... but not open generative

    rules = project_copy / "shapes" / "rules" / "applicability.ttl"
    text = rules.read_text(encoding="utf-8")
    edited = text.replace("fsc:ruleFor fscg:measure-2.3.1 ;\n    fsc:subjectKind fsc:AISystem ;",
                          "fsc:ruleFor fscg:measure-2.3.1 ;\n    fsc:subjectKind fsc:Vendor ;")
    edited = edited.replace("fsc:condition fscr:open-generative", "fsc:condition fscr:customer-facing")
    assert edited != text
    rules.write_text(edited, encoding="utf-8")
    after, _ = _analyse(project_copy)

    assert not any(g.measure.notation == "2.3.1" for g in after.gaps)  # no longer about the system
    moved = [v for v in after.classification.verdicts if v.measure.endswith("measure-2.3.1")]
    assert moved and all(v.subject.endswith("/cloud-vendor") for v in moved)
    # a vendor states no generativeAI trait: the kept condition makes it undetermined, never "does not apply"
    assert [(v.verdict, v.missing_inputs) for v in moved] == [("undetermined", ("https://w3id.org/fscai/def#generativeAI",))]
    assert any(g.measure.notation == "2.3.2" and g.subject.endswith("/assistant") for g in after.gaps)


def test_changing_the_tier_thresholds_changes_the_derived_tier(project_copy):
    before, _ = _analyse(project_copy)
    assert before.classification.tiers[0].derived.endswith("TierMedium")
    tiers = project_copy / "shapes" / "rules" / "risk-tier.ttl"
    tiers.write_text(tiers.read_text(encoding="utf-8").replace("fsc:tier fsc:TierHigh ; fsc:minScore 14",
                                                               "fsc:tier fsc:TierHigh ; fsc:minScore 12"),
                     encoding="utf-8")
    after, _ = _analyse(project_copy)
    assert after.classification.tiers[0].derived.endswith("TierHigh")
    assert "12" in after.classification.tiers[0].explanation.en


def test_validation_follows_the_new_measure(project_copy, tmp_path):
    import pytest

    from mapper.catalogue.install import install_catalogue
    from mapper.catalogue.ontology import catalogue_graph
    from mapper.load import LoadError, catalogue_terms_from, load_submission
    from mapper.validate import load_shapes, validate_graph

    statement = MINIMAL.read_text(encoding="utf-8") + """
ex:statement-6.2.4 a fsc:ConformanceStatement ; fsc:measure fscg:measure-6.2.4 ; fsc:subject ex:assistant ;
    fsc:status fsc:Implemented ; fsc:evidence ex:complaint-procedure .
"""
    path = tmp_path / "with-new-measure.ttl"
    path.write_text(statement, encoding="utf-8")
    with open_store("memory:") as store:  # the repository's catalogue does not know 6.2.4
        install_catalogue(store)
        with pytest.raises(LoadError, match="unknown catalogue term"):
            load_submission(store, [str(path)], catalogue_terms=catalogue_terms_from(store))

    _append(project_copy / "ontology" / "catalogue" / "principle-6-sustainability.ttl", NEW_MEASURE)
    _append(project_copy / "shapes" / "rules" / "applicability.ttl", NEW_RULE)
    layout = project_layout(project_copy)
    with open_store("memory:") as store:
        install_catalogue(store, layout)
        submission = load_submission(store, [str(path)], catalogue_terms=catalogue_terms_from(store))
    findings = validate_graph(submission.graph, catalogue=catalogue_graph(layout), shapes=load_shapes(layout))
    assert [f for f in findings if f.severity.endswith("Violation")] == []


def test_an_exception_written_in_turtle_means_does_not_apply(project_copy):
    """No rule of the draft has an exception today; the engine's exceptions still work from Turtle."""
    _append(project_copy / "shapes" / "rules" / "applicability.ttl",
            "\nfscr:rule-5.1.3 fsc:exception fscr:generative .\n")
    analysis, _ = _analyse(project_copy)
    verdict = next(v for v in analysis.classification.verdicts
                   if v.measure.endswith("measure-5.1.3") and v.subject.endswith("/assistant"))
    assert verdict.verdict == "does-not-apply"
    assert "exception" in verdict.why.en and "除外" in verdict.why.zh
