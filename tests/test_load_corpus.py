"""The hostile-input corpus of mapper.load: every case in tests/corpus/cases.toml must be
refused with a one-line ``FILE:LINE:COL: cause`` error and leave the store byte-identical.

The catalogue is the real one (ontology/**/*.ttl), loaded into an in-memory store, so the
loader takes its catalogue terms from the store as the CLI does.

What git should not hold (symbolic links leaving the corpus, file names with newlines or
escapes) a case makes in a temporary directory (``tmp``), named ``$TMP`` in its fields.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from mapper.graphs import CATALOGUE_GRAPH
from mapper.load import Limits, LoadError, load_submission
from mapper.store import open_store

CORPUS = Path(__file__).parent / "corpus"
ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
ONE_LINE = re.compile(r"^\S.*:\d+:\d+: \S.*$")


def catalogue_ntriples() -> bytes:
    files = sorted(ONTOLOGY.rglob("*.ttl"))
    assert files, "no catalogue Turtle under ontology/"
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for path in files for q in ox.parse(path=path, rename_blank_nodes=True)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


@pytest.fixture(scope="module")
def catalogue() -> bytes:
    return catalogue_ntriples()


@pytest.fixture
def store(catalogue):
    store = open_store("memory:")
    store.replace_graph(CATALOGUE_GRAPH, catalogue)
    yield store
    store.close()


def test_corpus_has_the_expected_cases():
    assert len(CASES) >= 120, len(CASES)
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    assert len(files) >= 32
    used = {f for case in CASES for f in case["files"] + case.get("preload", [])}
    used |= {made["copy"] for case in CASES for made in case.get("tmp", []) if "copy" in made}
    unused = {f for f in files if f.startswith("bad/")} - used
    assert not unused, f"corpus files no case uses: {sorted(unused)}"


def make_tmp(case: dict, tmp: Path) -> None:
    """The files a case makes: ``{path, copy}`` a copy of a corpus file, ``{path, link}`` a
    symbolic link to ``link`` (``$TMP`` for the temporary directory), ``{path, dir = true}``."""
    for made in case.get("tmp", []):
        path = tmp / made["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if "copy" in made:
            shutil.copyfile(CORPUS / made["copy"], path)
        elif "link" in made:
            os.symlink(made["link"].replace("$TMP", str(tmp)), path)
        else:
            path.mkdir()


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_corpus_case_is_refused(case, store, tmp_path):
    make_tmp(case, tmp_path)

    def here(text: str) -> str:
        return text.replace("$TMP", str(tmp_path))

    def path(name: str) -> Path:
        return Path(here(name)) if name.startswith("$TMP") else CORPUS / name

    if case.get("preload"):
        load_submission(store, [CORPUS / f for f in case["preload"]])
    before = store.dump()
    limits = Limits(**case.get("limits", {}))

    with pytest.raises(LoadError) as info:
        load_submission(store, [path(f) for f in case["files"]], limits=limits, submitter=case.get("submitter"))

    text = str(info.value)
    assert ONE_LINE.match(text), text
    assert here(case["error"]) in text
    assert here(case.get("cause", "")) in text
    assert info.value.errors[0] is info.value
    for also in case.get("also", []):
        assert any(here(also) in str(error) for error in info.value.errors[1:]), (also, info.value.errors)
    for error in info.value.errors:
        assert ONE_LINE.match(str(error)), str(error)
        for secret in case.get("absent", []):  # what a refusal must not show (a symlink's target)
            assert secret not in str(error), (secret, str(error))
    assert store.dump() == before
