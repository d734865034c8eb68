"""Who may write what (mapper.load.ownership), beyond the refusals of the hostile corpus: the
declared submitter, the date tolerance, what stays allowed (a resubmission, a shared vendor,
Protégé's owl:NamedIndividual), and ``fscai load --institution`` as a whole process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import test_load_corpus as corpus
from click.testing import CliRunner

from cli import main
from mapper.load import LoadError, load_submission

REPO = Path(__file__).resolve().parents[1]
#: The corpus's fixtures: the real catalogue, and an in-memory store holding it.
catalogue, store = corpus.catalogue, corpus.store
CORPUS = corpus.CORPUS
EXAMPLES = REPO / "data" / "examples"
OTHER = CORPUS / "preload" / "other-institution.ttl"
HEAD = """@prefix fsc: <https://w3id.org/fscai/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://bank.example/fscai/> .
ex:bank a fsc:Institution , owl:NamedIndividual ; fsc:unifiedBusinessNumber "12345675" .
[] a fsc:Submission ; fsc:submittedBy ex:bank ; dct:issued "{date}"^^xsd:date .
"""


def submission(tmp_path: Path, date: str = "2025-06-30", extra: str = "", name: str = "bank.ttl") -> Path:
    path = tmp_path / name
    path.write_text(HEAD.format(date=date) + extra, encoding="utf-8")
    return path


def test_a_load_declared_for_another_institution_is_refused_at_the_ubn(store, tmp_path):
    before = store.dump()
    with pytest.raises(LoadError) as refused:
        load_submission(store, [submission(tmp_path)], submitter="04595257")
    assert refused.value.line == 7 and "declared as 04595257's" in str(refused.value)
    assert store.dump() == before
    assert load_submission(store, [submission(tmp_path)], submitter="12345675").ubn == "12345675"


def test_the_future_tolerance_is_counted_from_today(store, tmp_path, monkeypatch):
    today = dt.date(2026, 12, 6)
    tomorrow, later = "2026-12-07", "2026-12-08"
    assert load_submission(store, [submission(tmp_path, tomorrow)], today=today).date.isoformat() == tomorrow
    with pytest.raises(LoadError, match="after 2026-12-07"):
        load_submission(store, [submission(tmp_path, later)], today=today)
    monkeypatch.setenv("FSCAI_MAX_FUTURE_DAYS", "30")
    assert load_submission(store, [submission(tmp_path, later)], today=today).date.isoformat() == later


def test_the_first_accepted_date_is_the_catalogues(store, tmp_path):
    assert load_submission(store, [submission(tmp_path, "2023-10-17")]).date == dt.date(2023, 10, 17)
    with pytest.raises(LoadError, match="before 2023-10-17"):
        load_submission(store, [submission(tmp_path, "2023-10-16")])


def test_a_resubmission_may_describe_the_institutions_own_systems_again(store, tmp_path):
    system = "ex:bot a fsc:AISystem ; fsc:operatedBy ex:bank .\n"
    load_submission(store, [submission(tmp_path, "2025-06-30", system)])
    again = load_submission(store, [submission(tmp_path, "2025-07-31", system)])
    assert again.graph_iri.endswith("/12345675/2025-07-31")


def test_institutions_may_share_a_vendor(store, tmp_path):
    load_submission(store, [OTHER])
    shared = ('<https://vendor.example/cloud-llm> a fsc:Vendor ; rdfs:label "Shared LLM vendor"@en .\n'
              "ex:bot a fsc:AISystem ; fsc:operatedBy ex:bank ; fsc:usesVendor <https://vendor.example/cloud-llm> .\n")
    other_too = OTHER.read_text(encoding="utf-8") + "\n<https://vendor.example/cloud-llm> a fsc:Vendor .\n"
    second = tmp_path / "other" / "insurer.ttl"
    second.parent.mkdir()
    second.write_text(other_too.replace("2025-05-31", "2025-06-01"), encoding="utf-8")
    load_submission(store, [second])
    assert load_submission(store, [submission(tmp_path, extra=shared)]).ubn == "12345675"


def test_the_examples_load_under_the_rules_side_by_side(store):
    for name, ubn in (("bank", "83910461"), ("life-insurer", "53728108"), ("securities", "66482035")):
        assert load_submission(store, [EXAMPLES / name], submitter=ubn).ubn == ubn


def test_fscai_load_requires_the_institution_and_checks_it(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    runner = CliRunner()
    missing = runner.invoke(main, ["load", "--store", url, str(EXAMPLES / "minimal-submission.ttl")])
    assert missing.exit_code == 2 and "--institution" in missing.output
    malformed = runner.invoke(main, ["load", "--institution", "abc", "--store", url, str(EXAMPLES / "minimal-submission.ttl")])
    assert malformed.exit_code == 2 and "a UBN is 8 digits" in malformed.output
    other = runner.invoke(main, ["load", "--institution", "83910461", "--store", url, str(EXAMPLES / "minimal-submission.ttl")])
    assert other.exit_code == 2 and "declared as 83910461's" in other.output
    env = runner.invoke(main, ["load", "--store", url, str(EXAMPLES / "minimal-submission.ttl")],
                        env={"FSCAI_INSTITUTION": "12345675"})
    assert env.exit_code == 0, env.output
