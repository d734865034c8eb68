"""The options every command shares (issue 18, the CLI): ``--root`` and ``--progress`` before or
after the command, ``--store`` before it too, and the loader's limits on every command that reads
a submission's files, each a real option and a real environment variable."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
LIMITS = ("max_file_bytes", "max_triples", "max_literal_chars", "max_iri_chars")
RENAMED = ("提供救濟管道", "副本救濟措施甲乙")  # measure 2.1.3's zh-Hant label, and as the copy says it


def commands(group: click.Group = main, path: tuple[str, ...] = ()):
    """Every command under ``group`` as (path, command), groups included, at any depth."""
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


ALL = list(commands())
IDS = [" ".join(path) for path, _ in ALL]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture()
def renamed_copy(project_copy):
    """A project copy whose measure 2.1.3 has another zh-Hant label: what --root reads shows."""
    path = project_copy / "ontology" / "catalogue" / "principle-2-fairness.ttl"
    old, new = RENAMED
    path.write_text(path.read_text(encoding="utf-8").replace(f'"{old}"@zh-Hant', f'"{new}"@zh-Hant'),
                    encoding="utf-8")
    return project_copy


def from_copy(output: str) -> bool:
    """Whether a command's output is of the copy's catalogue (its label of 2.1.3 is the copy's)."""
    json.loads(output)
    return RENAMED[1] in output


@pytest.mark.parametrize(("path", "command"), ALL, ids=IDS)
def test_every_command_takes_the_global_options_after_its_name(path, command):
    names = {param.name for param in command.params}
    assert {"root", "progress"} <= names, path
    result = run(*path, "--root", "/no/such/tree")  # checked as it is parsed, before the command runs
    assert result.exit_code == 2 and "'--root'" in result.output and "does not exist" in result.output, path
    helped = run(*path, "--help")
    assert "--root DIR" in helped.output and "--progress / --no-progress" in helped.output


def test_root_is_read_before_or_after_the_command_and_the_commands_own_wins(renamed_copy):
    before = run("--root", str(renamed_copy), "catalogue", "--format", "json")
    after = run("catalogue", "--format", "json", "--root", str(renamed_copy))
    assert before.exit_code == after.exit_code == 0, after.output
    assert from_copy(before.output) and from_copy(after.output)
    assert not from_copy(run("catalogue", "--format", "json").output)
    both = run("--root", str(renamed_copy), "catalogue", "--format", "json", "--root", str(REPO))
    assert not from_copy(both.output)
    env = run("catalogue", "--format", "json", "--root", str(REPO), env={"FSCAI_ROOT": str(renamed_copy)})
    assert not from_copy(env.output)
    assert from_copy(run("catalogue", "--format", "json", env={"FSCAI_ROOT": str(renamed_copy)}).output)


def test_root_after_a_nested_command_and_on_the_analysis(renamed_copy):
    old, new = RENAMED
    diff = run("catalogue", "diff", "installed", str(REPO / "ontology" / "catalogue"), "--format", "json",
               "--root", str(renamed_copy))
    assert diff.exit_code == 0, diff.output
    assert new in diff.output and old in diff.output  # 'installed' is the copy's catalogue, reworded
    gaps = run("gaps", str(MINIMAL), "--store", "memory:", "--format", "csv", "--as-of", "2026-11-25",
               "--root", str(renamed_copy))
    assert gaps.exit_code == 0, gaps.output
    assert new in gaps.output


def test_store_before_the_command_and_the_commands_own_wins(tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    loaded = run("--store", store, "load", "--institution", "12345675", str(MINIMAL))
    assert loaded.exit_code == 0, loaded.output
    graph = "https://w3id.org/fscai/graph/submission/12345675/2025-06-30"
    assert graph in run("--store", store, "graphs").output
    assert graph in run("graphs", "--store", store).output
    assert graph not in run("--store", store, "graphs", "--store", "memory:").output
    assert graph in run("--store", store, "graphs", env={"FSCAI_STORE": "memory:"}).output  # the option over env
    assert graph not in run("graphs", env={"FSCAI_STORE": "memory:"}).output


# --- the loader's limits on every command that reads files ------------------------------------------

#: Each command that reads a submission's files, with the arguments it needs (OUT: a temporary path).
READERS = {
    ("load",): ["--institution", "12345675", "--store", "memory:"],
    ("gaps",): ["--store", "memory:"],
    ("report",): ["--store", "memory:", "--format", "json"],
    ("validate",): [],
    ("template",): ["--out", "OUT/workbook.xlsx"],
    ("export", "oscal"): ["--store", "memory:", "--out", "OUT/oscal"],
}


def test_every_command_reading_files_takes_the_limits():
    readers = {path for path, command in ALL if "files" in {param.name for param in command.params}}
    assert readers == set(READERS)
    for path, command in ALL:
        names = {param.name for param in command.params}
        assert (path in READERS) == (set(LIMITS) <= names), path


@pytest.mark.parametrize("path", list(READERS), ids=[" ".join(p) for p in READERS])
def test_a_file_over_the_limit_names_the_option_the_command_has_and_the_variable_it_reads(path, tmp_path):
    args = [a.replace("OUT", str(tmp_path)) for a in READERS[path]]
    by_option = run(*path, str(MINIMAL), *args, "--max-file-bytes", "1000")
    assert by_option.exit_code == 2, by_option.output
    assert "over the limit of 1000 bytes (--max-file-bytes / FSCAI_MAX_FILE_BYTES)" in by_option.output
    assert "Traceback" not in by_option.output
    by_env = run(*path, str(MINIMAL), *args, env={"FSCAI_MAX_FILE_BYTES": "1000"})
    assert by_env.exit_code == 2 and "over the limit of 1000 bytes" in by_env.output, by_env.output
    # the option wins over the environment, and the file is read whole again
    fine = run(*path, str(MINIMAL), *args, "--max-file-bytes", "100000", env={"FSCAI_MAX_FILE_BYTES": "1000"})
    assert fine.exit_code in (0, 1), fine.output  # validate: 1 if the shapes find violations
    assert "over the limit" not in fine.output


@pytest.mark.parametrize("path", list(READERS), ids=[" ".join(p) for p in READERS])
def test_a_bad_limit_in_the_environment_is_a_usage_error(path, tmp_path):
    args = [a.replace("OUT", str(tmp_path)) for a in READERS[path]]
    result = run(*path, str(MINIMAL), *args, env={"FSCAI_MAX_TRIPLES": "lots"})
    assert result.exit_code == 2 and "FSCAI_MAX_TRIPLES must be a positive integer" in result.output
