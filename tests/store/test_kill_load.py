"""``kill -9`` anywhere in a real ``fscai load`` leaves no debris (issue 14): the store reopens, holds
no staging graph, and dumps exactly as before the load or as after the whole load, its analysis
included, never anything between. A refused load changes no byte of the store, and a load that
does not change the catalogue writes none of it.

Each trial copies a prepared on-disk store, starts ``.venv/bin/fscai load`` on it and kills the
process after a seeded random delay: half spread over a normal run's duration (measured first, by
the uninterrupted runs that give the two reference dumps), half between the latest kill seen to
land before the commit and the earliest seen to land after it, so that kills land on both sides of
it. Two loads: (a) the first load of a synthetic institution of :data:`SYSTEMS` AI systems into a
store holding another institution, (b) a resubmission of that institution, same date,
:data:`RESUBMITTED` systems, replacing it.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cli import main
from mapper.graphs import CATALOGUE_GRAPH, SUBMISSION_GRAPH_PREFIX
from mapper.store import embedded, open_store, staging
from mapper.store.staging import STAGING_PREFIX
from mapper.synth import synthesise

REPO = Path(__file__).resolve().parents[2]
FSCAI = Path(sys.executable).with_name("fscai")
OTHER, OTHER_UBN = REPO / "data" / "examples" / "minimal-submission.ttl", "12345675"
#: AI systems of the first load (about 1,000 triples each, and as many derived) and of the resubmission.
SYSTEMS, RESUBMITTED = 8, 5
#: Kills per load, at least.
KILLS = 20
SEED = 14


def _load(store: Path, files: Path, ubn: str, *, root: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "FSCAI_INSTITUTION": ubn}
    command = [str(FSCAI), *(["--root", str(root)] if root else []), "load", str(files), "--store", str(store)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _run(store: Path, files: Path, ubn: str, **kwargs) -> tuple[float, int, str]:
    """Load ``files`` to the end; (seconds, exit code, stderr)."""
    start = time.monotonic()
    process = _load(store, files, ubn, **kwargs)
    _, err = process.communicate()
    return time.monotonic() - start, process.returncode, err.decode("utf-8", "replace")


def _reopened(path: Path) -> bytes:
    """Open ``path`` as fscai does (read-write), check it lists no staging graph and holds none on
    disk; its dump."""
    with open_store(str(path)) as store:
        assert not [g for g in store.graphs() if g.startswith(STAGING_PREFIX)]
        dump = store.dump()
    raw = ox.Store.read_only(str(path))  # every quad on disk, read by Oxigraph alone (not the seam)
    try:
        assert not list(raw.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                  f"FILTER(STRSTARTS(STR(?g), '{STAGING_PREFIX}')) }}"))
    finally:
        del raw
    return dump


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The submissions, the prepared stores and, for each load, its duration and reference dumps."""
    root = tmp_path_factory.mktemp("kill")
    [(name, first)] = synthesise(1, SYSTEMS, seed=SEED)
    [(again_name, again)] = synthesise(1, RESUBMITTED, seed=SEED)
    assert name == again_name and first != again  # the same institution, another submission
    ubn = name.removesuffix(".nt")
    for directory, data in (("first", first), ("again", again), ("broken", again + b"<https://example.org/s> .\n")):
        (root / directory).mkdir()
        (root / directory / name).write_bytes(data)
    base = root / "base"  # another institution (and the catalogue) in the store already
    _, code, err = _run(base, OTHER, OTHER_UBN)
    assert code == 0, err
    loads = {}
    for load, files, before in (("first load", "first", base), ("resubmission", "again", root / "after-first load")):
        after = root / f"after-{load}"
        shutil.copytree(before, after)
        seconds, code, err = _run(after, root / files, ubn)
        assert code == 0, err
        loads[load] = {"store": before, "files": root / files, "seconds": seconds,
                       "before": _reopened(before), "after": _reopened(after)}
        assert loads[load]["before"] != loads[load]["after"]
    submissions = [set(re.findall(rf"<{SUBMISSION_GRAPH_PREFIX}{ubn}/[^>]+>".encode(), loads[load]["after"])) for load in loads]
    assert len(submissions[0]) == 1 and submissions[0] == submissions[1]  # the same date: it replaced the first
    return {"root": root, "ubn": ubn, "loads": loads}


def test_kill_9_anywhere_in_a_load_leaves_the_store_as_before_or_after_it(world):
    rng = random.Random(SEED)
    landed: Counter = Counter()
    for load, case in world["loads"].items():
        kills = attempts = 0
        seconds = case["seconds"]  # a run's duration: the reference run's, or a shorter one's seen since
        low, high = 0.0, seconds  # the commit lies between the latest kill seen to land before it and the earliest after
        while kills < KILLS:
            attempts += 1
            assert attempts <= 3 * KILLS, f"{load}: only {kills} of {attempts} kills caught the process alive"
            # half spread over the whole run, half between low and high: both sides of the commit
            delay = rng.uniform(0.02, 1.0) * seconds if attempts % 2 else rng.uniform(low, high)
            trial = world["root"] / f"trial-{load}-{attempts}"
            shutil.copytree(case["store"], trial)
            start = time.monotonic()
            process = _load(trial, case["files"], world["ubn"])
            time.sleep(max(0.0, delay - (time.monotonic() - start)))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            killed_at = time.monotonic() - start
            process.communicate()
            if process.returncode != -signal.SIGKILL:  # it had finished: no kill, draw again
                assert process.returncode == 0
                seconds, high = min(seconds, killed_at), min(high, killed_at)
                shutil.rmtree(trial)
                continue
            kills += 1
            dump = _reopened(trial)
            state = "before" if dump == case["before"] else "after" if dump == case["after"] else "between"
            assert state != "between", f"{load}: killed {killed_at:.2f} s in, the store is neither before nor after"
            landed[load, state] += 1
            low, high = (max(low, killed_at), high) if state == "before" else (low, min(high, killed_at))
            shutil.rmtree(trial)
        print(f"\n{load} ({seconds:.1f} s): {kills} kills in {attempts} trials, "
              f"{landed[load, 'before']} landed before the commit, {landed[load, 'after']} after")
    assert sum(n for (_, state), n in landed.items() if state == "before") >= 3
    assert sum(n for (_, state), n in landed.items() if state == "after") >= 2


def test_a_refused_load_changes_no_byte_of_the_store(world, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(world["loads"]["resubmission"]["store"], store)
    before = _reopened(store)
    _, code, err = _run(store, world["root"] / "broken", world["ubn"])
    assert code == 2 and f"{world['ubn']}.nt:" in err, err
    assert _reopened(store) == before


def test_a_new_catalogue_is_written_with_the_load_or_not_at_all(world, tmp_path, project_copy):
    """The catalogue is written in the load's own transaction, only when it changed: a refused load
    with an edited ontology leaves the old catalogue (and every byte) in place."""
    core = project_copy / "ontology" / "core.ttl"
    core.write_text(core.read_text(encoding="utf-8") + "\n<https://example.org/edited> a <https://example.org/Edit> .\n",
                    encoding="utf-8")
    store = tmp_path / "store"
    shutil.copytree(world["loads"]["first load"]["store"], store)
    before = _reopened(store)
    _, code, err = _run(store, world["root"] / "broken", world["ubn"], root=project_copy)
    assert code == 2 and _reopened(store) == before, err
    _, code, err = _run(store, OTHER, OTHER_UBN, root=project_copy)
    assert code == 0, err
    with open_store(str(store)) as opened:
        assert opened.ask(f"ASK {{ GRAPH <{CATALOGUE_GRAPH}> {{ <https://example.org/edited> ?p ?o }} }}")


def test_a_load_that_keeps_the_catalogue_writes_none_of_it(world, tmp_path, monkeypatch):
    """What the one commit of a load writes: the submission, its derived graph and its market
    graph; not the catalogue, which did not change."""
    committed: list[list[str]] = []

    def commit(store, work, graphs):
        committed.append([g.value for g in graphs])
        return staging.commit(store, work, graphs)

    monkeypatch.setattr(embedded, "commit", commit)
    store = tmp_path / "store"
    shutil.copytree(world["loads"]["resubmission"]["store"], store)
    result = CliRunner().invoke(main, ["load", str(world["loads"]["resubmission"]["files"]), "--store", str(store)],
                                env={"FSCAI_INSTITUTION": world["ubn"]}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [graphs] = committed
    assert CATALOGUE_GRAPH not in graphs
    assert sorted(g.split("/graph/")[1].split("/")[0] for g in graphs) == ["derived", "market", "submission"]
    assert _reopened(store) == world["loads"]["resubmission"]["after"]
