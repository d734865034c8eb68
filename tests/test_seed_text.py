"""The catalogue against the guideline's own text: nothing missing, nothing added, nothing moved."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS, SKOS
from seedtext import SEED, full_text, read_bullets

KINDS_BY_CHAPTER = {"P": {"PrefacePoint"}, "G": {"GeneralProvision", "Measure"}}
PRINCIPLE_KINDS = {"MainConcept", "Measure"}


@pytest.fixture(scope="module")
def bullets():
    found = read_bullets()
    assert SEED.exists()
    return found


def test_the_text_has_the_bullets_we_expect(bullets):
    counts = Counter(b.chapter for b in bullets)
    assert counts == {"draft": 5, "P": 3, "G": 10, "1": 11, "2": 19, "3": 17, "4": 27, "5": 22, "6": 10}


@pytest.mark.parametrize("chapter", ["P", "G", "1", "2", "3", "4", "5", "6"])
def test_every_bullet_is_one_catalogue_statement_of_its_chapter(bullets, catalogue, chapter):
    """Whitespace-insensitive multiset equality: a repeated bullet is a statement each time."""
    text = Counter(b.text for b in bullets if b.chapter == chapter)
    statements = [s for s in catalogue.statements if s.chapter.notation == chapter]
    assert Counter(s.label.zh for s in statements) == text
    allowed = KINDS_BY_CHAPTER.get(chapter, PRINCIPLE_KINDS)
    assert {s.kind for s in statements} <= allowed


def test_bullets_about_the_draft_itself_are_not_guideline_content(bullets, catalogue):
    labels = {s.label.zh for s in catalogue.statements}
    draft = [b for b in bullets if b.chapter == "draft"]
    assert len(draft) == 5
    assert not [b.text for b in draft if b.text in labels]


def test_every_recommended_practice_bullet_of_a_principle_is_a_measure(catalogue):
    for section_chapter in catalogue.principles:
        for section in section_chapter.sections:
            kinds = {s.kind for s in catalogue.statements if s.section and s.section.iri == section.iri}
            assert kinds == {"Measure"}, section.notation


@pytest.mark.parametrize("chapter", ["G", "1", "2", "3", "4", "5", "6"])
def test_each_section_is_a_contiguous_run_of_the_text_in_order(bullets, catalogue, chapter):
    """Section (and main-concept) membership must follow the text: each group's bullets are
    consecutive in the text and in the catalogue's order; lifecycle stages never go backwards."""
    sequence = [b.text for b in bullets if b.chapter == chapter]
    groups = defaultdict(list)
    for s in catalogue.statements:
        if s.chapter.notation == chapter:
            groups[(s.kind if s.kind != "Measure" else "", s.section.notation if s.section else "")].append(s)
    used = set()
    for key, members in groups.items():
        members.sort(key=lambda s: s.order)
        labels = [s.label.zh for s in members]
        starts = [i for i in range(len(sequence) - len(labels) + 1)
                  if sequence[i:i + len(labels)] == labels and i not in used]
        assert starts, f"{chapter} {key}: not a contiguous run of the text in catalogue order"
        used.add(starts[0])
        stages = [s.stage.notation for s in members if s.stage]
        assert stages == sorted(stages), f"{key}: stage columns out of order"
        assert [s.order for s in members] == list(range(1, len(members) + 1))


def test_stage_tables_place_every_bullet_of_a_table_section(catalogue):
    for m in catalogue.measures:
        if m.section and any(n.section and n.section.iri == m.section.iri and n.stage for n in catalogue.measures):
            in_table = m.notation not in {"4.2.13", "4.2.14"}  # the ➢ bullets printed below the table
            assert bool(m.stage) == in_table, m.notation


def test_the_catalogue_says_nothing_the_text_does_not(ontology_graph):
    """Every zh-Hant label and definition of a guideline term is the text's own words."""
    text = full_text()
    strays = []
    for subject, predicate, value in ontology_graph:
        if not str(subject).startswith("https://w3id.org/fscai/guideline/"):
            continue
        if predicate in (RDFS.label, SKOS.definition) and isinstance(value, Literal) and value.language == "zh-Hant":
            if str(value) not in text:
                strays.append((str(subject), str(value)))
    assert strays == []


def test_section_and_principle_headings_are_the_texts(catalogue):
    text = full_text()
    for chapter in catalogue.chapters:
        assert chapter.label.zh in text
        for section in chapter.sections:
            assert section.label.zh in text
