"""The CISO Assistant library export, held field by field against the format CISO Assistant reads.

The expectations are CISO Assistant's own, at release v3.20.8 (commit f990d7b1b9a9): the keys
``StoredLibrary.store_library_content`` requires and the URN pattern it checks
(``backend/core/models.py``), the keys ``FrameworkImporter``/``RequirementNodeImporter`` require
(``backend/library/utils.py``), the model fields a node may carry (``LibraryUpdater`` passes every
node key but ``urn``/``depth`` to ``RequirementNode`` as a field), the field lengths of its models, the
importance values of ``RequirementNode.Importance`` and the checks of its converter
(``tools/convert_library_v2.py``: unique URNs, implementation groups only from the definition). They
are written out here, not imported from the exporter, so the two are checked against each other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import yaml
from click.testing import CliRunner
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from cli import main
from cli.export import export
from mapper.export.ciso_assistant import IMPORTANCE_BY_MODALITY, render_library

#: core.models.URN_REGEX of CISO Assistant.
URN_REGEX = re.compile(
    r"^urn:([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+)(?::([a-zA-Z0-9_-]+))?:([0-9A-Za-z\[\]\(\)\-\._:]+)$")
#: StoredLibrary.REQUIRED_FIELDS, and the keys tools/README.md marks mandatory in ``library_meta``.
LIBRARY_REQUIRED = {"urn", "name", "version", "objects"}
LIBRARY_META_MANDATORY = {"urn", "version", "locale", "ref_id", "name", "description", "copyright", "provider",
                          "packager"}
#: FrameworkImporter.REQUIRED_FIELDS and the Framework fields the loader and the updater set.
FRAMEWORK_REQUIRED = {"ref_id", "urn"}
FRAMEWORK_KEYS = {"urn", "ref_id", "name", "description", "annotation", "translations", "min_score", "max_score",
                  "scores_definition", "implementation_groups_definition", "outcomes_definition",
                  "field_visibility", "requirement_nodes"}
#: RequirementNodeImporter.REQUIRED_FIELDS, and the keys a node may carry: RequirementNode's fields,
#: plus the URN lists and the ``depth`` the updater strips before it sets the rest as fields.
NODE_REQUIRED = {"urn"}
NODE_KEYS = {"urn", "depth", "threats", "reference_controls", "questions", "parent_urn", "assessable", "ref_id",
             "name", "description", "annotation", "typical_evidence", "implementation_groups", "importance",
             "weight", "display_mode", "visibility_expression", "min_score", "max_score",
             "scores_definition_ref", "target_score", "translations"}
#: RequirementNode.Importance.
IMPORTANCE_VALUES = {"mandatory", "recommended", "nice_to_have", "undefined"}
#: max_length of the model fields (ReferentialObjectMixin, LibraryMixin).
MAX_LENGTH = {"urn": 255, "ref_id": 100, "name": 200}
#: The Chinese locale of CISO Assistant's LANGUAGES (settings.py) and front-end LOCALE_MAP.
CHINESE_LOCALE = "zh"


@pytest.fixture(scope="module")
def text(catalogue):
    return render_library(catalogue)


@pytest.fixture(scope="module")
def doc(text):
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def framework(doc):
    return doc["objects"]["framework"]


@pytest.fixture(scope="module")
def nodes(framework):
    return framework["requirement_nodes"]


@pytest.fixture(scope="module")
def by_ref(nodes):
    return {n["ref_id"]: n for n in nodes}


def test_library_carries_the_keys_ciso_assistant_requires(doc):
    assert isinstance(doc, dict)
    assert LIBRARY_REQUIRED <= doc.keys() and LIBRARY_META_MANDATORY <= doc.keys()
    assert all(isinstance(doc[k], str) and doc[k] for k in LIBRARY_META_MANDATORY - {"version"})
    assert isinstance(doc["version"], int) and doc["version"] >= 1
    assert isinstance(doc["publication_date"], dt.date)
    assert doc["locale"] == CHINESE_LOCALE
    assert doc["urn"] == "urn:fscai:risk:library:fsc-ai-guideline-draft"
    assert set(doc["objects"]) == {"framework"}
    for key in ("urn", "ref_id", "name"):
        assert len(doc[key]) <= MAX_LENGTH[key]


def test_library_names_come_from_the_catalogue_in_both_languages(doc, framework, catalogue):
    title = catalogue.vocabulary.labels.by_iri["https://w3id.org/fscai/def"]
    source = catalogue.vocabulary.labels.by_iri[catalogue.statements[0].source.document]
    assert (doc["name"], doc["description"]) == (source.zh, title.zh)
    assert doc["translations"]["en"]["name"] == source.en
    assert doc["translations"]["en"]["description"] == title.en
    assert doc["translations"]["en"]["copyright"]
    assert (framework["name"], framework["description"]) == (source.zh, title.zh)
    assert framework["translations"] == {"en": {"name": source.en, "description": title.en}}


def test_publication_date_and_copyright_follow_the_ontology_header(doc, ontology_graph):
    ontology = URIRef("https://w3id.org/fscai/def")
    assert doc["publication_date"] == ontology_graph.value(ontology, DCTERMS.issued).toPython()
    assert str(ontology_graph.value(ontology, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in doc["copyright"] and "CC BY 4.0" in doc["translations"]["en"]["copyright"]


def test_framework_keys(framework):
    assert FRAMEWORK_REQUIRED <= framework.keys() <= FRAMEWORK_KEYS
    assert framework["urn"] == "urn:fscai:risk:framework:fsc-ai-guideline-draft"
    assert framework["requirement_nodes"]


def test_implementation_groups_are_the_four_lifecycle_stages(framework, catalogue):
    stages = sorted(catalogue.terms_of("LifecycleStage"), key=lambda t: t.order)
    groups = framework["implementation_groups_definition"]
    assert [g["ref_id"] for g in groups] == [s.notation for s in stages] == ["S1", "S2", "S3", "S4"]
    for group, stage in zip(groups, stages):
        assert group["name"] == stage.label.zh
        assert group["translations"]["en"]["name"] == stage.label.en


def test_every_urn_is_unique_lowercase_and_matches_the_pattern(doc, framework, nodes):
    urns = [doc["urn"], framework["urn"], *(n["urn"] for n in nodes)]
    assert len(urns) == len(set(urns))
    for urn in urns:
        assert urn == urn.lower()
        assert URN_REGEX.match(urn), urn
        assert len(urn) <= MAX_LENGTH["urn"]
    kinds = [URN_REGEX.match(u).group(3) for u in urns]
    assert kinds == ["library", "framework"] + ["req_node"] * len(nodes)
    assert {URN_REGEX.match(u).group(1) for u in urns} == {"fscai"}


def test_node_keys(nodes):
    for node in nodes:
        assert NODE_REQUIRED <= node.keys() <= NODE_KEYS, node
        assert isinstance(node["assessable"], bool) and isinstance(node["depth"], int)
        assert isinstance(node["ref_id"], str) and len(node["ref_id"]) <= MAX_LENGTH["ref_id"]
        assert len(node.get("name") or "") <= MAX_LENGTH["name"]
        assert set(node["translations"]) == {"en"}


def test_parents_come_first_and_depth_follows_them(nodes):
    seen: dict[str, dict] = {}
    for node in nodes:
        if "parent_urn" in node:
            assert node["parent_urn"] in seen, f"{node['urn']}: parent not an earlier node"
            assert node["depth"] == seen[node["parent_urn"]]["depth"] + 1
        else:
            assert node["depth"] == 1
        seen[node["urn"]] = node


def test_tree_mirrors_chapter_section_statement(nodes, by_ref, catalogue):
    by_urn = {n["urn"]: n for n in nodes}
    sections = [s for c in catalogue.chapters for s in c.sections]
    assert len(nodes) == len(catalogue.chapters) + len(sections) + len(catalogue.statements)
    assert [n["ref_id"] for n in nodes if n["depth"] == 1] == [c.notation for c in catalogue.chapters]
    for chapter in catalogue.chapters:
        assert by_ref[chapter.notation]["name"] == chapter.label.zh
        assert by_ref[chapter.notation]["translations"]["en"] == {"name": chapter.label.en}
        for section in chapter.sections:
            node = by_ref[section.notation]
            assert by_urn[node["parent_urn"]]["ref_id"] == chapter.notation
            assert (node["name"], node["translations"]["en"]) == (section.label.zh, {"name": section.label.en})
    for statement in catalogue.statements:
        parent = statement.section or statement.chapter
        assert by_urn[by_ref[statement.notation]["parent_urn"]]["ref_id"] == parent.notation


def test_assessable_exactly_for_measures_and_assessable_main_concepts_each_once(nodes, catalogue):
    measures = [m.notation for m in catalogue.assessables]
    assert sorted(n["ref_id"] for n in nodes if n["assessable"]) == sorted(measures)
    assert {"3.C.4", "5.C.4"} <= {n["ref_id"] for n in nodes if n["assessable"]}
    ref_ids = [n["ref_id"] for n in nodes]
    assert all(ref_ids.count(notation) == 1 for notation in measures)
    assert len(ref_ids) == len(set(ref_ids))


def test_statement_text_is_the_catalogue_text(by_ref, catalogue):
    for statement in catalogue.statements:
        node = by_ref[statement.notation]
        assert node["description"] == statement.label.zh
        assert node["translations"]["en"] == {"description": statement.label.en}
        assert "name" not in node


def test_implementation_group_is_the_measure_stage(nodes, by_ref, framework, catalogue):
    defined = {g["ref_id"] for g in framework["implementation_groups_definition"]}
    for node in nodes:
        assert set(node.get("implementation_groups", [])) <= defined
        if not node["assessable"]:
            assert "implementation_groups" not in node and "importance" not in node
    for measure in catalogue.measures:
        expected = [measure.stage.notation] if measure.stage else None
        assert by_ref[measure.notation].get("implementation_groups") == expected


def test_importance_from_modality(by_ref, catalogue):
    modalities = {m.modality for m in catalogue.measures}
    assert set(IMPORTANCE_BY_MODALITY) == modalities  # the table's keys are the catalogue's modalities
    assert set(IMPORTANCE_BY_MODALITY.values()) <= IMPORTANCE_VALUES
    for measure in catalogue.measures:
        importance = by_ref[measure.notation]["importance"]
        assert importance in IMPORTANCE_VALUES
        assert (importance == "mandatory") == (measure.modality == "Mandatory")
        assert (importance == "nice_to_have") == (measure.modal_keyword == "可")
    assert by_ref["2.1.3"]["importance"] == "recommended"  # no modal word, under recommended practices
    assert by_ref["4.1.7"]["importance"] == "nice_to_have"  # 可進行對抗性測試


def test_an_unmapped_modality_stops_the_export(catalogue):
    first = catalogue.measures[0]
    statements = tuple(dataclasses.replace(s, modality="Binding") if s is first else s
                       for s in catalogue.statements)
    with pytest.raises(ValueError, match=f"measure {re.escape(first.notation)} has the modality 'Binding'"):
        render_library(dataclasses.replace(catalogue, statements=statements))


def test_text_is_unicode_yaml_and_deterministic(text, catalogue):
    assert "提供救濟管道" in text and "\\u" not in text
    assert text.startswith("urn: urn:fscai:risk:library:")
    assert render_library(catalogue) == text


def test_cli_writes_the_library(tmp_path, text):
    out = tmp_path / "x.yaml"
    result = CliRunner().invoke(export, ["ciso-assistant", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == text
    again = CliRunner().invoke(export, ["ciso-assistant"], catch_exceptions=False)
    assert again.exit_code == 0 and again.stdout == text


def test_cli_follows_an_edited_catalogue(project_copy, tmp_path):
    path = project_copy / "ontology" / "catalogue" / "principle-2-fairness.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"提供救濟管道"@zh-Hant', '"提供申訴及救濟管道"@zh-Hant'),
                    encoding="utf-8")
    out = tmp_path / "edited.yaml"
    result = CliRunner().invoke(main, ["--root", str(project_copy), "export", "ciso-assistant", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    node = next(n for n in yaml.safe_load(out.read_text(encoding="utf-8"))["objects"]["framework"]
                ["requirement_nodes"] if n["ref_id"] == "2.1.3")
    assert node["description"] == "提供申訴及救濟管道"
