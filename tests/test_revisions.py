"""Several revisions of the guideline side by side: a submission names the one it answers
(``fsc:assessedAgainst``) and the analysis uses that revision's measures and rules only; one naming
none is analysed against the catalogue's default revision (``fsc:defaultRevision``, the draft).

The second revision is the TEST FIXTURE ``tests/fixtures/revisions/r2.ttl`` (invented text in its own
namespace, not the FSC's), installed into a copy of the knowledge files with rules of its own."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from mapper.analysis import analyse_files
from mapper.layout import project_layout
from mapper.store import open_store

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
R2 = REPO / "tests" / "fixtures" / "revisions" / "r2.ttl"
DRAFT = "https://w3id.org/fscai/guideline/draft/"
FIXTURE = "https://w3id.org/fscai/guideline/fixture-r2/"
AS_OF = dt.date(2026, 11, 25)
R2_RULES = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix fsc:  <https://w3id.org/fscai/def#> .
@prefix fxg:  <https://w3id.org/fscai/guideline/fixture-r2/> .
@prefix fxr:  <https://w3id.org/fscai/rules/fixture-r2/> .

fxr:rule-1.1.1 a fsc:ApplicabilityRule ; fsc:ruleFor fxg:measure-1.1.1 ; fsc:subjectKind fsc:Institution ;
    rdfs:label "測試：每一機構"@zh-Hant , "test: every institution"@en .
fxr:rule-2.1.3 a fsc:ApplicabilityRule ; fsc:ruleFor fxg:measure-2.1.3 ; fsc:subjectKind fsc:AISystem ;
    rdfs:label "測試：每一AI系統"@zh-Hant , "test: every AI system"@en .
"""


def _with_revision_two(root: Path) -> Path:
    """The project's knowledge files (conftest's ``project_copy``) with revision two beside the draft."""
    shutil.copy(R2, root / "ontology" / "catalogue" / "fixture-r2.ttl")
    (root / "shapes" / "rules" / "fixture-r2-rules.ttl").write_text(R2_RULES, encoding="utf-8")
    return root


def _naming(path: Path, document: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    named = text.replace("ex:submission a fsc:Submission ;",
                         f"ex:submission a fsc:Submission ;\n    fsc:assessedAgainst <{document}> ;", 1)
    assert named != text
    path.write_text(named, encoding="utf-8")
    return path


def _analyse(path: Path, root: Path):
    with open_store("memory:") as store:
        return analyse_files(store, [str(path)], as_of=AS_OF, layout=project_layout(root))


def test_a_submission_naming_no_revision_is_analysed_against_the_default_draft(project_copy):
    root = _with_revision_two(project_copy)
    analysis = _analyse(MINIMAL, root)
    measures = {v.measure for v in analysis.classification.verdicts}
    assert len(measures) == 97 and all(m.startswith(DRAFT) for m in measures)  # 93 measures, 4 main concepts


def test_a_submission_naming_the_draft_gets_the_same_verdicts_as_one_naming_none(tmp_path, project_copy):
    root = _with_revision_two(project_copy)
    named = _analyse(_naming(tmp_path / "draft.ttl", DRAFT + "document"), root)
    plain = _analyse(MINIMAL, root)
    assert {(v.measure, v.subject, v.verdict) for v in named.classification.verdicts} == \
        {(v.measure, v.subject, v.verdict) for v in plain.classification.verdicts}


def test_a_submission_naming_revision_two_is_analysed_against_its_measures_and_rules_only(tmp_path, project_copy):
    root = _with_revision_two(project_copy)
    analysis = _analyse(_naming(tmp_path / "r2.ttl", FIXTURE + "document"), root)
    verdicts = {(v.measure, v.subject.rsplit("/", 1)[1], v.verdict) for v in analysis.classification.verdicts}
    assert verdicts == {(FIXTURE + "measure-1.1.1", "bank", "applies"),
                        (FIXTURE + "measure-2.1.3", "assistant", "applies")}
    # the minimal submission states nothing against revision two: both pairs are gaps, of its measures
    assert {(g.measure.iri, g.kind.code) for g in analysis.gaps} == {
        (FIXTURE + "measure-1.1.1", "NoStatement"), (FIXTURE + "measure-2.1.3", "NoStatement")}


def test_a_revision_the_catalogue_does_not_hold_is_refused_with_its_place(tmp_path):
    from mapper.load import LoadError

    path = _naming(tmp_path / "final.ttl", "https://w3id.org/fscai/guideline/final/document")
    with open_store("memory:") as store:
        try:
            analyse_files(store, [str(path)], as_of=AS_OF)
        except LoadError as error:
            message = str(error)
        else:
            raise AssertionError("an unknown revision was accepted")
        assert not store.select_values("SELECT ?g WHERE { GRAPH ?g { ?s a <https://w3id.org/fscai/def#Submission> } }")
    assert message.startswith(f"{path}:17:25:") and "指引目錄無此版本" in message and "no such revision" in message
