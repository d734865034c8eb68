"""mapper.synth and ``fscai synth``: deterministic, sized as promised, loadable, and full of gaps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cli.synth import synth_command
from mapper.analysis import analyse
from mapper.catalogue.install import install_catalogue
from mapper.catalogue.ontology import catalogue_graph
from mapper.classify import derive, read_classification
from mapper.layout import project_layout
from mapper.load import catalogue_terms_from, catalogue_terms_from_files, load_submission, parse_submission
from mapper.namespaces import FSCS
from mapper.store import open_store
from mapper.synth import REFERENCE_DATE, VENDOR_NAMESPACE, UnknownGapKind, synthesise, ubn_valid, ubn_with_check_digit
from mapper.synth.generate import _institution
from mapper.synth.knowledge import knowledge
from mapper.synth.profiles import InstitutionProfile
from mapper.validate import Validator, load_shapes

REPO = Path(__file__).resolve().parents[1]
ALL_GAP_KINDS = {"NoStatement", "NoEvidence", "EvidenceReviewOverdue", "PlannedOverdue",
                 "NotApplicableWithoutReason", "Partial"}
FSC = "https://w3id.org/fscai/def#"
FSCG = "https://w3id.org/fscai/guideline/draft/"
STATEMENTS = """
PREFIX fsc: <https://w3id.org/fscai/def#>
SELECT ?measure ?subject WHERE { ?statement a fsc:ConformanceStatement ; fsc:measure ?measure ; fsc:subject ?subject }"""
AI_SYSTEM_LINE = re.compile(rb"^<[^>]+> <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> "
                            rb"<https://w3id\.org/fscai/def#AISystem> \.$", re.MULTILINE)
USES_VENDOR = re.compile(rb"<https://w3id\.org/fscai/def#usesVendor> <([^>]+)> \.$", re.MULTILINE)


def lines(data: bytes) -> int:
    return data.count(b"\n")


# --- unified business numbers --------------------------------------------------------------------


@pytest.mark.parametrize("ubn, valid", [
    ("04595257", True),   # the Ministry of Finance's published example
    ("12345675", True),
    ("83910461", True),
    ("10458570", True),   # seventh digit 7, valid with 28 counted as 10
    ("10458574", True),   # seventh digit 7, valid only with 28 counted as 1 (the sum plus 1)
    ("12345678", False),
    ("1234567", False),
    ("1234567a", False),
])
def test_ubn_check(ubn, valid):
    assert ubn_valid(ubn) is valid


def test_every_prefix_completes_to_a_valid_ubn():
    for n in range(0, 10**7, 99_991):
        assert ubn_valid(ubn_with_check_digit(f"{n:07d}"))


# --- determinism and sizes -----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    first = list(synthesise(3, 4, seed=11))
    assert first == list(synthesise(3, 4, seed=11))
    assert first != list(synthesise(3, 4, seed=12))


def test_one_file_per_institution_with_the_requested_systems_and_unique_valid_ubns():
    files = list(synthesise(40, 3, seed=2))
    names = [name for name, _ in files]
    assert len(files) == 40 and len(set(names)) == 40
    assert all(name.endswith(".nt") and ubn_valid(name[:-3]) for name in names)
    assert all(len(AI_SYSTEM_LINE.findall(data)) == 3 for _, data in files)
    assert list(synthesise(0, 5)) == []


def test_about_a_thousand_triples_per_system():
    files = list(synthesise(4, 25, seed=5))
    per_system = sum(lines(data) for _, data in files) / (4 * 25)
    assert 850 <= per_system <= 1200, per_system
    # and the marginal cost of a system, institution-level content aside
    small = sum(lines(data) for _, data in synthesise(4, 5, seed=5))
    marginal = (sum(lines(data) for _, data in files) - small) / (4 * 20)
    assert 800 <= marginal <= 1200, marginal


def test_files_are_valid_n_triples_without_duplicates():
    for _, data in synthesise(3, 6, seed=9):
        text = data.decode("utf-8").splitlines()
        assert len(text) == len(set(text))
        assert sum(1 for _ in ox.parse(data, ox.RdfFormat.N_TRIPLES)) == len(text)


def test_vendors_come_from_a_shared_pool_so_concentration_exists():
    users: Counter = Counter()
    for _, data in synthesise(20, 10, seed=4):
        vendors = {iri.decode() for iri in USES_VENDOR.findall(data)}
        assert all(v.startswith(VENDOR_NAMESPACE) for v in vendors)
        users.update(vendors)
    assert users.most_common(1)[0][1] >= 10  # one provider serves at least half the institutions
    assert len(users) >= 5


def test_dates_are_relative_to_the_reference_date():
    data = next(iter(synthesise(1, 5, seed=1)))[1].decode()
    dates = {dt.date.fromisoformat(d) for d in re.findall(r'"(\d{4}-\d{2}-\d{2})"\^\^<http://www\.w3\.org/2001/XMLSchema#date>', data)}
    assert min(dates) > REFERENCE_DATE - dt.timedelta(days=3 * 365)
    assert max(dates) < REFERENCE_DATE + dt.timedelta(days=3 * 365)
    assert any(d < REFERENCE_DATE for d in dates) and any(d > REFERENCE_DATE for d in dates)


def test_generation_writes_about_a_thousand_triples_per_system():
    """The volume the scale runs rely on (their speed is measured by ``make bench``, not here)."""
    total = sum(lines(data) for _, data in synthesise(10, 25, seed=3))
    assert 10 * 25 * 800 < total < 10 * 25 * 1_400


# --- loading, analysis and shapes ----------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    paths = []
    for name, data in synthesise(2, 4, seed=8):
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_synthetic_data_loads_and_has_gaps_of_every_kind(synthetic_files):
    layout = project_layout(REPO)
    with open_store("memory:") as store:
        install_catalogue(store, layout)
        terms = catalogue_terms_from(store)
        kinds: set[str] = set()
        for path in synthetic_files:
            submission = load_submission(store, [path], catalogue_terms=terms)
            assert submission.ubn == path.stem and submission.triples == lines(path.read_bytes())
            analysis = analyse(store, submission.graph_iri, as_of=REFERENCE_DATE, layout=layout, install=False)
            assert len(analysis.classification.tiers) == 4
            assert all(t.derived is not None for t in analysis.classification.tiers)  # all 6 factors
            institution_kinds = {g.kind.code for g in analysis.gaps if g.subject_kind == "institution"}
            assert institution_kinds == ALL_GAP_KINDS  # one of each at institution level, always
            kinds |= {g.kind.code for g in analysis.gaps}
        assert kinds == ALL_GAP_KINDS
        assert len(store.graphs()) >= 2


def test_synthetic_data_conforms_but_for_not_applicable_without_reason(synthetic_files):
    layout = project_layout(REPO)
    terms = catalogue_terms_from_files(layout.ontology_files())
    submission = parse_submission([synthetic_files[0]], catalogue_terms=terms)
    validation = Validator(catalogue=catalogue_graph(layout), shapes=load_shapes(layout)).validate(submission.graph)
    violations = {f.shape for f in validation.findings if f.severity == "Violation"}
    assert violations == {str(FSCS["ConformanceStatement-notApplicableNeedsReason"])}
    assert not [f for f in validation.findings if f.severity == "Warning"]


def test_every_statement_is_about_a_measure_and_subject_the_engine_says_applies(synthetic_files):
    layout = project_layout(REPO)
    with open_store("memory:") as store:
        install_catalogue(store, layout)
        terms = catalogue_terms_from(store)
        for path in synthetic_files:
            submission = load_submission(store, [path], catalogue_terms=terms)
            derive(store, submission.graph_iri)
            verdicts = read_classification(store, submission.graph_iri).verdicts
            applies = {(v.measure, v.subject) for v in verdicts if v.verdict == "applies"}
            stated = {(row["measure"], row["subject"])
                      for row in store.select_values(STATEMENTS, default_graphs=[submission.graph_iri])}
            assert stated <= applies, sorted(stated - applies)[:5]
            # and the converse, up to the measures left without a statement on purpose
            assert len(stated) >= 0.85 * len(applies), (len(stated), len(applies))
            subjects = {subject for _, subject in stated}
            assert any(s.endswith("/institution") for s in subjects)
            assert any("/system/" in s for s in subjects) and any(s.startswith(VENDOR_NAMESPACE) for s in subjects)


# --- knowledge in Turtle reaches synth with no code change ----------------------------------------


def _statement_subjects(files, notation: str) -> set[str]:
    """The subjects of the statements about measure ``notation`` in synthetic ``files``."""
    store = ox.Store()
    for _, data in files:
        store.load(data, ox.RdfFormat.N_TRIPLES)
    measure = f"{FSCG}measure-{notation}"
    return {row["subject"].value for row in store.query(STATEMENTS) if row["measure"].value == measure}


def _systems_with(files, prop: str) -> tuple[set[str], set[str]]:
    """The AI systems in ``files`` whose boolean ``fsc:prop`` is true, and those whose is false."""
    found: dict[bool, set[str]] = {True: set(), False: set()}
    for _, data in files:
        for quad in ox.parse(data, ox.RdfFormat.N_TRIPLES):
            if quad.predicate.value == FSC + prop:
                found[quad.object.value == "true"].add(quad.subject.value)
    return found[True], found[False]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rule_edited_in_turtle_changes_what_synth_writes(project_copy):
    rules = project_copy / "shapes" / "rules" / "applicability.ttl"
    # G.3.1 applies to every AI system; now only to critical ones. G.3.2 too; now not to customer-facing ones.
    _edit(rules, "fscr:rule-G.3.1 a fsc:ApplicabilityRule ;",
          "fscr:rule-G.3.1 a fsc:ApplicabilityRule ; fsc:condition fscr:critical ;")
    _edit(rules, "fscr:rule-G.3.2 a fsc:ApplicabilityRule ;",
          "fscr:rule-G.3.2 a fsc:ApplicabilityRule ; fsc:exception fscr:customer-facing ;")
    before = list(synthesise(2, 15, seed=3))
    after = list(synthesise(2, 15, seed=3, layout=project_layout(project_copy)))

    critical, not_critical = _systems_with(after, "criticalSystem")
    assert critical and not_critical
    assert _statement_subjects(before, "G.3.1") & not_critical  # the change is no accident of the draws
    assert _statement_subjects(after, "G.3.1") <= critical
    assert len(_statement_subjects(after, "G.3.1")) >= len(critical) // 2

    customer, not_customer = _systems_with(after, "customerFacing")
    assert customer and not_customer
    assert _statement_subjects(before, "G.3.2") & _systems_with(before, "customerFacing")[0]
    assert _statement_subjects(after, "G.3.2") <= not_customer
    assert len(_statement_subjects(after, "G.3.2")) >= len(not_customer) // 2


def test_a_rule_reading_what_no_profile_states_is_warned_about_and_gets_no_statements(project_copy):
    _edit(project_copy / "shapes" / "rules" / "conditions.ttl", "fscr:higher-risk a fsc:RankCondition ;", """\
fscr:in-the-loop a fsc:ValueCondition ;
    fsc:onProperty fsc:oversightMode ; fsc:hasValue fscg:oversight-human-in-the-loop ;
    rdfs:label "人在迴圈內"@zh-Hant , "a human is in the loop"@en .

fscr:higher-risk a fsc:RankCondition ;""")
    _edit(project_copy / "shapes" / "rules" / "applicability.ttl", "fscr:rule-G.4.1 a fsc:ApplicabilityRule ;",
          "fscr:rule-G.4.1 a fsc:ApplicabilityRule ; fsc:condition fscr:in-the-loop ;")
    with pytest.warns(UserWarning, match=r"measures G\.4\.1 read https://w3id\.org/fscai/def#oversightMode"):
        files = list(synthesise(1, 10, seed=3, layout=project_layout(project_copy)))
    assert not _statement_subjects(files, "G.4.1")
    assert _statement_subjects(files, "G.4.2") or _statement_subjects(files, "G.3.1")


def test_a_gap_kind_synth_has_no_recipe_for_is_an_error_naming_it(project_copy):
    rules = project_copy / "ontology" / "rules.ttl"
    rules.write_text(rules.read_text(encoding="utf-8") + """
fsc:TrainingOverdue a owl:NamedIndividual , fsc:GapKind ; fsc:order 7 ;
    rdfs:label "培訓逾期"@zh-Hant , "training overdue"@en ;
    skos:definition "培訓已逾期。"@zh-Hant , "The training is overdue."@en .
""", encoding="utf-8")
    with pytest.raises(UnknownGapKind, match=r"gap kind https://w3id\.org/fscai/def#TrainingOverdue"):
        list(synthesise(1, 1, layout=project_layout(project_copy)))


def test_synth_knows_the_gap_kinds_in_the_ontologys_order():
    ontology = ox.Store()
    ontology.bulk_load(path=str(REPO / "ontology" / "rules.ttl"), format=ox.RdfFormat.TURTLE)
    ordered = [row["kind"].value.removeprefix(FSC) for row in ontology.query(
        f"SELECT ?kind WHERE {{ ?kind a <{FSC}GapKind> ; <{FSC}order> ?order }} ORDER BY ?order")]
    assert set(ordered) == ALL_GAP_KINDS
    assert [name for name, _ in knowledge(project_layout(REPO)).gap_kinds] == ordered


def test_the_institution_level_gaps_follow_the_order_of_the_gap_kinds():
    known = knowledge(project_layout(REPO))
    first, *_, last = known.rules_for(InstitutionProfile("Bank"))[:len(known.gap_kinds)]
    statement = "<https://i12345675.synth.example.tw/statement/institution/{}> <" + FSC + "status> <" + FSC + "{}> ."

    def institution(gap_kinds) -> str:
        return _institution(0, "12345675", 0, dataclasses.replace(known, gap_kinds=gap_kinds),
                            random.Random(1)).decode()

    as_ontology = institution(known.gap_kinds)  # the first measure has no statement, the last is partial
    assert f"statement/institution/{first.notation}>" not in as_ontology
    assert statement.format(last.notation, "PartiallyImplemented") in as_ontology
    reversed_ = institution(known.gap_kinds[::-1])
    assert statement.format(first.notation, "PartiallyImplemented") in reversed_
    assert f"statement/institution/{last.notation}>" not in reversed_


# --- the command -----------------------------------------------------------------------------------


@pytest.fixture()
def cli():
    group = click.Group()
    group.add_command(synth_command)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(group, list(args), catch_exceptions=False)

    return invoke


def test_the_command_writes_one_file_per_institution_and_counts_triples(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("synth", "--institutions", "3", "--systems", "2", "--seed", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.nt"))
    assert len(files) == 3
    triples = sum(lines(p.read_bytes()) for p in files)
    assert result.output.strip() == f"3 files, {triples} triples in {out}"
    expected = dict(synthesise(3, 2, seed=5))
    assert {p.name: p.read_bytes() for p in files} == expected


def test_the_command_refuses_bad_counts(cli, tmp_path):
    result = cli("synth", "--institutions", "0", "--systems", "2", "--out", str(tmp_path))
    assert result.exit_code == 2 and "--institutions" in result.output
    assert not list(tmp_path.iterdir())


def test_the_command_reports_an_unwritable_directory(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("synth", "--institutions", "1", "--systems", "1", "--out", str(blocker / "sub"))
    assert result.exit_code == 2 and "cannot create" in result.output
