"""mapper.load against hostile input where the answer is not only a refusal (the refusals are the
corpus, tests/test_load_corpus.py): the same identity triple in several files merges; a symbolic
link inside the submission directory is followed; locating an error is one pass over the text;
nesting is checked without recursion, up to MAX_NESTING and no further; JSON-LD that drops
nothing still loads; file names cannot forge error lines; the IRI limit has its option.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.options import Refused, limits_options
from mapper.load import (
    MAX_NESTING,
    Limits,
    LoadError,
    catalogue_terms_from_files,
    jsonld,
    parse_submission,
    positions,
    scan,
)
from mapper.store import open_store

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
GOOD = Path(__file__).parent / "corpus" / "good"
PREFIXES = """@prefix fsc:  <https://w3id.org/fscai/def#> .
@prefix fscg: <https://w3id.org/fscai/guideline/draft/> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <https://bank.example/fscai/> .
"""
IDENTITY = PREFIXES + """
ex:bank a fsc:Institution ; fsc:unifiedBusinessNumber "12345675" .
ex:submission a fsc:Submission ; fsc:submittedBy ex:bank ; dct:issued "2025-06-30"^^xsd:date .
"""


@pytest.fixture(scope="module")
def terms() -> frozenset[str]:
    return catalogue_terms_from_files(sorted(ONTOLOGY.rglob("*.ttl")))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- identity: RDF merge ------------------------------------------------------------------------

def test_the_same_identity_triples_in_several_files_merge(tmp_path, terms):
    """Each file of a submission may repeat the institution, its UBN and the submission's date."""
    first = write(tmp_path / "a.ttl", IDENTITY + "ex:chatbot a fsc:AISystem ; fsc:operatedBy ex:bank .\n")
    second = write(tmp_path / "b.ttl", IDENTITY + "ex:scoring a fsc:AISystem ; fsc:operatedBy ex:bank .\n")
    third = write(tmp_path / "c.jsonld", json.dumps({
        "@context": {"fsc": "https://w3id.org/fscai/def#", "ex": "https://bank.example/fscai/",
                     "dct": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#"},
        "@graph": [{"@id": "ex:bank", "@type": "fsc:Institution", "fsc:unifiedBusinessNumber": "12345675"},
                   {"@id": "ex:submission", "@type": "fsc:Submission", "fsc:submittedBy": {"@id": "ex:bank"},
                    "dct:issued": {"@value": "2025-06-30", "@type": "xsd:date"}}]}))

    submission = parse_submission([first, second, third], catalogue_terms=terms)

    assert (submission.ubn, str(submission.date)) == ("12345675", "2025-06-30")
    assert submission.triples == 5 + 2 + 2  # the identity once, then each file's system


def test_different_identity_values_across_files_are_still_refused(tmp_path, terms):
    first = write(tmp_path / "a.ttl", IDENTITY)
    second = write(tmp_path / "b.ttl", PREFIXES + 'ex:submission dct:issued "2025-07-01"^^xsd:date .\n')
    with pytest.raises(LoadError, match=r"b\.ttl:6:27: 申報日期須恰有一個 / 2 different dct:issued"):
        parse_submission([first, second], catalogue_terms=terms)


# --- symbolic links -------------------------------------------------------------------------------

def test_a_link_inside_the_submission_directory_is_followed(tmp_path, terms):
    """``current.ttl`` -> ``drafts/v3.ttl``, both inside the directory: allowed, read once."""
    write(tmp_path / "sub" / "drafts" / "v3.ttl", IDENTITY)
    os.symlink("drafts/v3.ttl", tmp_path / "sub" / "current.ttl")
    os.symlink("sub", tmp_path / "sub-link")  # the directory named through a link of its own

    for given in (tmp_path / "sub", tmp_path / "sub" / "current.ttl", tmp_path / "sub-link"):
        submission = parse_submission([given], catalogue_terms=terms)
        assert [Path(name).name for name in submission.files] == ["current.ttl"]
        assert submission.triples == 5


def test_a_fifo_is_refused_without_blocking(tmp_path, terms):
    fifo = tmp_path / "sub" / "bank.ttl"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="not a regular file"):
        parse_submission([fifo], catalogue_terms=terms)


# --- locating an error: one pass --------------------------------------------------------------------

def repeated_in_a_comment(times: int) -> str:
    """The quadratic case: the unknown term ``times`` times on one comment line, then used."""
    return IDENTITY + "# " + "fscg:measure-9.9.9 " * times + "\nex:s dct:references fscg:measure-9.9.9 .\n"


def test_locating_an_error_passes_the_text_once_per_spelling(tmp_path, monkeypatch, terms):
    """Each spelling of the term (``<IRI>``, ``"IRI"``, the IRI, ``fscg:...``) is searched from
    where its last match ended, and the comments are found once, in one pass: the characters the
    searches pass are a few times the text, not the text times the matches."""
    text = repeated_in_a_comment(20_000)
    path = write(tmp_path / "long.ttl", text)
    passed: list[int] = []
    lexed: list[int] = []

    def counting_find(haystack: str, needle: str, start: int = 0) -> int:
        found = str.find(haystack, needle, start)
        passed.append((len(haystack) if found < 0 else found + len(needle)) - start)
        return found

    def counting_spans(haystack: str):
        lexed.append(len(haystack))
        return scan.turtle_spans(haystack)

    monkeypatch.setattr(positions, "_find", counting_find)
    monkeypatch.setattr(positions, "turtle_spans", counting_spans)
    with pytest.raises(LoadError) as info:
        parse_submission([path], catalogue_terms=terms)

    assert (info.value.line, info.value.column) == (10, 21)
    assert lexed == [len(text)]  # comments and strings: one pass
    assert sum(passed) <= 5 * len(text)  # at most one pass per spelling tried
    assert len(passed) <= 20_000 + 10  # one search per match, not per character


def test_a_large_file_is_refused_in_seconds(tmp_path, terms):
    """8 MB, the term 400,000 times on one comment line: the quadratic search took 54 s on 6 MB
    (and grows with the square); one pass takes well under a second. The bound is generous."""
    path = write(tmp_path / "large.ttl", repeated_in_a_comment(430_000))
    assert path.stat().st_size > 8_000_000
    started = time.perf_counter()
    with pytest.raises(LoadError, match=r"large\.ttl:10:21: 指引目錄無此用語"):
        parse_submission([path], catalogue_terms=terms)
    assert time.perf_counter() - started < 30


def test_a_missing_dot_points_after_the_last_token(tmp_path, terms):
    path = write(tmp_path / "dot.ttl", IDENTITY + "ex:chatbot a fsc:AISystem\n\n# more\n\nex:other a fsc:AISystem .\n")
    with pytest.raises(LoadError, match=r"dot\.ttl:9:26: A dot is expected"):
        parse_submission([path], catalogue_terms=terms)


# --- nesting --------------------------------------------------------------------------------------

def test_the_nesting_scan_is_linear_and_does_not_recurse():
    deep = "ex:a ex:p " + "[ ex:p " * 1_000_000 + "ex:b" + " ]" * 1_000_000 + " ."
    started = time.perf_counter()
    assert scan.turtle_depth(deep) == 1_000_000  # a recursive scan would overflow the stack
    assert scan.json_depth("[" * 1_000_000 + "]" * 1_000_000) == 1_000_000
    assert time.perf_counter() - started < 30


def test_brackets_in_strings_comments_and_iris_do_not_count():
    text = '"((((" \'[[[[\' """\n[[[[\n""" <https://e.example/[[> # [[[[\n[ ex:p ( 1 ) ]'
    assert scan.turtle_depth(text) == 2
    assert scan.json_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3


def nested_turtle(depth: int) -> str:
    return IDENTITY + "ex:chatbot fsc:part " + "[ fsc:part " * depth + "ex:bank" + " ]" * depth + " .\n"


def nested_jsonld(depth: int) -> str:
    node: dict = {"@id": "https://bank.example/fscai/leaf"}
    for _ in range(depth - 1):  # the top object is one level
        node = {"https://w3id.org/fscai/def#part": node}
    return json.dumps(node)


def nested_rdfxml(depth: int) -> str:
    parts = depth - 3  # rdf:RDF, rdf:Description, the parts, fsc:name
    inner = '<fsc:part rdf:parseType="Resource">' * parts + "<fsc:name>x</fsc:name>" + "</fsc:part>" * parts
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:fsc="https://w3id.org/fscai/def#">'
            f'<rdf:Description rdf:about="https://bank.example/fscai/x">{inner}</rdf:Description></rdf:RDF>')


@pytest.mark.parametrize(("name", "make"), [("deep.ttl", nested_turtle), ("deep.jsonld", nested_jsonld),
                                            ("deep.rdf", nested_rdfxml)])
def test_nesting_up_to_the_limit_parses_and_one_more_is_refused(tmp_path, terms, name, make):
    assert MAX_NESTING == 128
    at_limit = write(tmp_path / "ok" / name, make(MAX_NESTING))
    try:  # parsed and checked (the JSON-LD and RDF/XML files lack an identity)
        parse_submission([at_limit], catalogue_terms=terms)
    except LoadError as error:
        assert "提交內容中無金融機構 / no fsc:Institution" in str(error)
    over = write(tmp_path / "over" / name, make(MAX_NESTING + 1))
    with pytest.raises(LoadError, match=f"巢狀超過 {MAX_NESTING} 層 / .*nested deeper than {MAX_NESTING} levels"):
        parse_submission([over], catalogue_terms=terms)


def test_the_deepest_chain_accepted_dumps_quickly(tmp_path, terms):
    """Why 128: the store's canonical dump (RDFC-1.0) is slowest on chains of blank nodes
    (0.2 s at 128, 10 s at 512, two minutes at 1,000)."""
    submission = parse_submission([write(tmp_path / "chain.ttl", nested_turtle(MAX_NESTING - 1))], catalogue_terms=terms)
    store = open_store("memory:")
    try:
        store.replace_graph(submission.graph_iri, submission.ntriples)
        started = time.perf_counter()
        assert store.dump().count(b"_:c14n") >= MAX_NESTING - 1
        assert time.perf_counter() - started < 30
    finally:
        store.close()


# --- JSON-LD that drops nothing still loads -----------------------------------------------------------

def test_jsonld_features_that_drop_nothing_load(tmp_path, terms):
    document = {
        "@context": {
            "@vocab": "https://w3id.org/fscai/def#", "ex": "https://bank.example/fscai/",
            "dct": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "id": "@id", "type": "@type", "label": {"@id": "http://www.w3.org/2000/01/rdf-schema#label",
                                                    "@container": "@language"},
            "issued": {"@id": "dct:issued", "@type": "xsd:date"}, "by": {"@id": "submittedBy", "@type": "@id"},
            "operates": {"@reverse": "operatedBy", "@type": "@id"}, "data": {"@type": "@json"},
            "extra": "@nest", "@language": None,
        },
        "@graph": [
            {"id": "ex:bank", "type": "Institution", "unifiedBusinessNumber": "12345675",
             "label": {"zh-Hant": "範例銀行", "en": "Example Bank", "@none": "EB"}, "operates": ["ex:chatbot"]},
            {"id": "ex:submission", "type": "Submission", "by": "ex:bank", "issued": "2025-06-30"},
            {"id": "ex:chatbot", "type": "AISystem", "data": {"anything": None, "": [1, None]},
             "extra": {"purpose": {"@value": "客服", "@language": "zh-Hant", "@index": "main"}},
             "@included": [{"id": "ex:vendor", "type": "Vendor"}]},
        ],
    }
    path = write(tmp_path / "features.jsonld", json.dumps(document, ensure_ascii=False))
    submission = parse_submission([path], catalogue_terms=terms)
    assert submission.triples == 13
    text = submission.ntriples.decode()
    assert '"{\\"\\":[1,null],\\"anything\\":null}"' in text  # the JSON literal keeps its nulls
    assert "<https://bank.example/fscai/chatbot> <https://w3id.org/fscai/def#operatedBy>" in text


def test_the_second_jsonld_parse_runs_only_when_a_key_could_drop(tmp_path, monkeypatch, terms):
    calls: list[str] = []
    real = jsonld.dropped_keys
    monkeypatch.setattr(jsonld, "dropped_keys", lambda f, *args: (calls.append(f.name), real(f, *args)))
    parse_submission([GOOD / "submission.jsonld"], catalogue_terms=terms)  # compact IRIs only
    document = json.loads((GOOD / "submission.jsonld").read_text(encoding="utf-8"))
    document["@context"]["purpose"] = "fsc:purpose"  # a term of the top context: in scope everywhere
    document["@graph"][2]["purpose"] = "客服"
    parse_submission([write(tmp_path / "terms.jsonld", json.dumps(document))], catalogue_terms=terms)
    document["@graph"][2]["riskTier"] = "high"  # no term, no @vocab: dropped, the second parse finds it
    with pytest.raises(LoadError, match="key 'riskTier' is no term of the context and there is no @vocab"):
        parse_submission([write(tmp_path / "undefined.jsonld", json.dumps(document))], catalogue_terms=terms)
    assert len(calls) == 1
    document["@context"]["@vocab"] = "https://w3id.org/fscai/def#"  # every undefined key expands to it
    parse_submission([write(tmp_path / "vocab.jsonld", json.dumps(document))], catalogue_terms=terms)
    assert len(calls) == 1


# --- messages stay one line ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a\nb.ttl", "a\rb.ttl", "a\x1b[2Kb.ttl", "a\u202eb.ttl", "a\u2028b.ttl",
                                  "a\x85b.ttl", "x.ttl:1:1: ok"])
def test_a_file_name_cannot_forge_a_line_or_a_place(name):
    errors = [LoadError(name, 3, 4, "cause one"), LoadError("plain.ttl", 1, 1, "cause\ntwo\x1b[0m")]
    lines = Refused(errors).format_message().splitlines()
    assert len(lines) == 2
    assert lines[0] == repr(name) + ":3:4: cause one"
    assert lines[1] == "plain.ttl:1:1: cause two\\x1b[0m"


# --- the IRI limit ----------------------------------------------------------------------------------

def test_the_iri_limit_has_an_option_and_an_environment_variable(monkeypatch):
    @click.command()
    @limits_options
    def show(limits: Limits) -> None:
        click.echo(limits.max_iri_chars)

    runner = CliRunner()
    assert runner.invoke(show, []).output == "4096\n"
    monkeypatch.setenv("FSCAI_MAX_IRI_CHARS", "300")
    assert runner.invoke(show, []).output == "300\n"
    assert runner.invoke(show, ["--max-iri-chars", "77"]).output == "77\n"
    assert runner.invoke(show, ["--max-iri-chars", "0"]).exit_code == 2
