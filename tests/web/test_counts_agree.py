"""One count everywhere: every face gives the same gap numbers for the same reference date.

Per institution × chapter × stage (and per chapter where a face has no stages), the (measure,
subject) pairs with a gap as ``fscai gaps --format json``, ``fscai report --format json``, the
viewer's home page (``/api/institutions``), its matrix (``/api/matrix``), ``/api/gaps`` and the
regulator's ``gaps-by-principle`` query each give them, on one on-disk store loaded with
``fscai load``: the bundled examples, and a synthetic market.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, example_submissions
from example_ubns import ubn_of

from cli import main
from web import close_app, create_app

AS_OF = "2026-11-25"
#: A later reference date: more evidence past review, so the as-of filter matters.
LATER = "2027-06-30"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, [*args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _pairs(rows, chapter_key, stage_key) -> collections.Counter:
    """Distinct (measure, subject) pairs per (ubn, chapter, stage) among gap rows."""
    seen = {(r["ubn"], r[chapter_key], r[stage_key], r["measure"], r["subject"]) for r in rows}
    return collections.Counter((ubn, chapter, stage) for ubn, chapter, stage, _, _ in seen)


def _faces(store_url: str, as_of: str) -> dict[str, collections.Counter]:
    """Per face: pairs with a gap per (ubn, chapter, stage), or per (ubn, chapter, "*")."""
    faces: dict[str, collections.Counter] = {}
    gaps = json.loads(_cli("gaps", "--store", store_url, "--as-of", as_of, "--format", "json"))
    report = json.loads(_cli("report", "--store", store_url, "--as-of", as_of, "--format", "json"))
    for name, document in (("fscai gaps", gaps), ("fscai report", report)):
        cells = collections.Counter()
        for block in document["institutions"]:
            for cell in block["summary"]:
                cells[(block["ubn"], cell["principle"], cell["stage"])] += cell["gaps"]
            rows = [{"ubn": block["ubn"], "chapter": g["principle_notation"], "stage": g["stage_notation"],
                     "measure": g["measure"],
                     "subject": g["subject"]} for g in block["gaps"]]
            faces[f"{name} rows"] = faces.get(f"{name} rows", collections.Counter()) + _pairs(rows, "chapter", "stage")
        faces[name] = cells
    chapters = json.loads(_cli("query", "gaps-by-principle", "--store", store_url, "--param", f"asOf={as_of}",
                               "--format", "json"))
    faces["gaps-by-principle"] = collections.Counter({(r["ubn"], r["chapterNotation"], "*"): int(r["gaps"])
                                                      for r in chapters})

    app = create_app({"TESTING": True, "STORE": store_url, "AS_OF": as_of, "ROOT": str(REPO)})
    try:
        client = app.test_client()
        home = client.get("/api/institutions").get_json()
        faces["home page"] = collections.Counter({(i["ubn"], chapter, "*"): n for i in home
                                                  for chapter, n in i["gaps_by_principle"].items()})
        matrix, api_rows = collections.Counter(), []
        for institution in home:
            ubn = institution["ubn"]
            grid = client.get(f"/api/matrix?institution={ubn}").get_json()
            for row in grid["rows"]:
                for cell in row["cells"]:
                    matrix[(ubn, cell["chapter"], cell["stage"])] += cell["gaps"]
            api_rows += [{"ubn": ubn, **g} for g in client.get(f"/api/gaps?institution={ubn}&format=json").get_json()]
        faces["matrix"] = matrix
        faces["/api/gaps"] = _pairs([{"ubn": r["ubn"], "chapter": r["principle_notation"], "stage": r["stage_notation"],
                                      "measure": r["measure_notation"], "subject": r["subject"]} for r in api_rows],
                                     "chapter", "stage")
    finally:
        close_app(app)
    return faces


def _by_chapter(cells: collections.Counter) -> collections.Counter:
    out = collections.Counter()
    for (ubn, chapter, _), n in cells.items():
        out[(ubn, chapter, "*")] += n
    return out


def _assert_agree(faces: dict[str, collections.Counter]) -> None:
    staged = {name: +cells for name, cells in faces.items() if not any(k[2] == "*" for k in cells)}
    chaptered = {name: +cells for name, cells in faces.items() if any(k[2] == "*" for k in cells)}
    reference = staged["fscai gaps"]
    assert sum(reference.values()) > 0
    for name, cells in staged.items():
        assert cells == reference, name
    for name, cells in chaptered.items():
        assert cells == +_by_chapter(reference), name


def _load(store_url: str, submissions: list[list[Path]]) -> None:
    for files in submissions:
        _cli("load", "--institution", ubn_of(files), "--store", store_url, *map(str, files))


def test_the_examples_count_the_same_on_every_face(tmp_path):
    store_url = f"oxigraph:{tmp_path / 'store'}"
    _load(store_url, example_submissions())
    for as_of in (AS_OF, LATER):
        faces = _faces(store_url, as_of)
        assert len(faces) == 8 and len({k[0] for k in faces["fscai gaps"]}) == 4  # four institutions
        _assert_agree(faces)
    assert sum(_faces(store_url, LATER)["fscai gaps"].values()) > sum(_faces(store_url, AS_OF)["fscai gaps"].values())


@pytest.mark.parametrize("seed", [3, 11])
def test_a_synthetic_market_counts_the_same_on_every_face(tmp_path, seed):
    out = tmp_path / "market"
    _cli("synth", "--institutions", "6", "--systems", "4", "--seed", str(seed), "--out", str(out))
    files = sorted(out.glob("*.nt"))
    assert len(files) == 6
    store_url = f"oxigraph:{tmp_path / 'store'}"
    _load(store_url, [[f] for f in files])
    _assert_agree(_faces(store_url, AS_OF))
