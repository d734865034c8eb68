"""mapper.synth and ``fscai synth``: deterministic, sized as promised, loadable, and full of gaps."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mapper.analysis import analyse
from mapper.catalogue.install import install_catalogue
from cli.synth import synth_command
from mapper.layout import project_layout
from mapper.load import catalogue_terms_from, catalogue_terms_from_files, load_submission, parse_submission
from mapper.catalogue.ontology import catalogue_graph
from mapper.store import open_store
from mapper.synth import REFERENCE_DATE, VENDOR_NAMESPACE, synthesise, ubn_valid, ubn_with_check_digit
from mapper.namespaces import FSCS
from mapper.validate import Validator, load_shapes

REPO = Path(__file__).resolve().parents[1]
ALL_GAP_KINDS = {"NoStatement", "NoEvidence", "EvidenceReviewOverdue", "PlannedOverdue",
                 "NotApplicableWithoutReason", "Partial"}
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


def test_generation_is_fast():
    started = time.perf_counter()
    total = sum(lines(data) for _, data in synthesise(10, 25, seed=3))
    elapsed = time.perf_counter() - started
    assert total > 200_000
    assert elapsed < 10, f"{total} triples took {elapsed:.1f} s"


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
