"""The trace's data for a layered, grouped drawing (issue 18, item 3), through the Flask test client.

Each node of ``/api/trace`` has its ``layer`` (by kind: principle → section → measure → subject →
evidence | gap), its ``group`` (the principle it collapses into) and its kind's bilingual label; the
drawing carries the guideline's context of its measures and gaps (their sections and principles);
``groups``, ``kinds`` and, above ``collapse_above`` nodes, what starts hidden. The page says it.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

import pytest

from mapper.trace import LAYERS, layer_of

CHATBOT = "https://bank.example.tw/fscai/chatbot"
BANK_IRI = "https://bank.example.tw/fscai/bank"
MEASURE = "https://w3id.org/fscai/guideline/draft/measure-2.1.3"


def trace(client, iri: str, depth: int = 1) -> dict:
    response = client.get(f"/api/trace?iri={quote(iri)}&depth={depth}")
    assert response.status_code == 200
    return response.get_json()


def nodes_of(found: dict) -> dict[str, dict]:
    return {e["data"]["id"]: e["data"] for e in found["elements"] if e["group"] == "nodes"}


def test_layers_follow_the_kind():
    assert [layer_of(k) for k in ("principle", "section", "measure", "system", "gap")] == [0, 1, 2, 3, 4]
    assert layer_of("chapter") == 0 and layer_of("vendor") == layer_of("institution") == 3
    assert layer_of("evidence") == layer_of("gap") == 4 and layer_of("an unknown kind") == LAYERS["subject"]


@pytest.mark.parametrize("iri", [CHATBOT, BANK_IRI, MEASURE])
def test_each_node_has_its_layer_group_and_kind_label_and_edges_go_down_or_across(client, iri):
    found = trace(client, iri)
    nodes = nodes_of(found)
    for n in nodes.values():
        assert n["layer"] == layer_of(n["kind"])
        assert n["kind_label_zh"] and n["kind_label_en"] and n["kind_label_zh"] != n["kind_label_en"]
        if n["kind"] in ("principle", "chapter"):
            assert n["group"] == n["id"]
        elif n["kind"] in ("section", "measure"):
            assert n["group"] == n["chapter"] and n["group"] in nodes  # its principle is drawn with it
        elif n["kind"] == "gap":
            assert n["group"] in nodes and nodes[n["group"]]["kind"] in ("principle", "chapter")
        else:
            assert n["group"] is None
    for e in found["elements"]:
        if e["group"] == "edges":
            assert nodes[e["data"]["source"]]["layer"] <= nodes[e["data"]["target"]]["layer"], e["data"]["rel"]


def test_a_systems_drawing_carries_its_measures_sections_and_principles(client):
    found = trace(client, CHATBOT)
    nodes = nodes_of(found)
    measures = [n for n in nodes.values() if n["kind"] == "measure"]
    assert len(measures) == 73
    assert all(m.get("section", m["chapter"]) in nodes for m in measures)
    kinds = Counter(n["kind"] for n in nodes.values())
    assert kinds["principle"] == 5 and kinds["section"] == 12 and kinds["chapter"] == 1
    assert found["node_count"] == len(nodes) == 115 and found["left_out"] == 0
    assert [k["layer"] for k in found["kinds"]] == sorted(k["layer"] for k in found["kinds"])  # top layer first
    assert {k["kind"]: k["count"] for k in found["kinds"]} == dict(kinds)
    assert all(k["label"]["zh"] and k["label"]["en"] for k in found["kinds"])


def test_groups_and_what_starts_collapsed(client):
    found = trace(client, CHATBOT)
    nodes = nodes_of(found)
    assert found["collapse_above"] == 80 and found["collapsed"] is True
    sizes = Counter(n["group"] for n in nodes.values() if n["group"] not in (None, n["id"]) and not n["focus"])
    assert {g["id"]: g["size"] for g in found["groups"]} == dict(sizes)
    assert [g["notation"] for g in found["groups"]] == ["G", "1", "2", "3", "4", "5"]  # the guideline's order
    assert found["hidden"] == sum(sizes.values()) == 86 and found["hidden_groups"] == 6
    small = trace(client, BANK_IRI)
    assert small["node_count"] <= 80 and small["collapsed"] is False and small["hidden"] == small["hidden_groups"] == 0
    assert small["groups"]  # still groupable by hand


def test_the_focus_never_collapses_and_a_gap_trace_has_no_groups(client):
    found = trace(client, MEASURE, depth=2)
    assert found["collapsed"] and found["left_out"] > 0
    nodes = nodes_of(found)
    assert nodes[MEASURE]["focus"] and nodes[MEASURE]["group"]  # in a group, yet never hidden: not counted
    members = [n for n in nodes.values() if n["group"] not in (None, n["id"])]
    assert sum(g["size"] for g in found["groups"]) == found["hidden"] == len(members) - 1
    gap = next(n for n in nodes_of(trace(client, CHATBOT)).values() if n["kind"] == "gap")
    explained = trace(client, gap["id"])
    assert explained["path"] and explained["groups"] == [] and explained["collapsed"] is False
    assert [nodes_of(explained)[step["id"]]["layer"] for step in explained["path"]] == [0, 1, 2, 3, 4]


def test_the_page_says_what_is_hidden_and_offers_the_controls(client):
    html = client.get(f"/trace?iri={quote(CHATBOT)}").get_data(as_text=True)
    assert '已隱藏 <strong class="n-hidden">86</strong> 個節點，收合於 <strong class="n-groups">6</strong> 個原則群組' in html
    assert '<span class="n-hidden">86</span> nodes hidden in <span class="n-groups">6</span> collapsed groups' in html
    for control in ('id="gaps-only"', 'class="kind-filter" value="measure"', 'data-zoom="in"', 'data-zoom="fit"',
                    'id="export-png"', 'id="export-svg"', 'id="trace-open"', 'data-collapse="all"',
                    'class="group-toggle"', "只看缺口", "Gaps only"):
        assert control in html, control
    for asset in ("/vendor/cytoscape.min.js", "/vendor/elk.bundled.js", "/vendor/cytoscape-elk.js",
                  "/static/trace-svg.js", "/static/trace.js"):
        assert f'<script src="{asset}"></script>' in html
        assert client.get(asset).status_code == 200
    small = client.get(f"/trace?iri={quote(BANK_IRI)}").get_data(as_text=True)
    assert 'id="trace-hidden" class="note trace-hidden" hidden' in small
