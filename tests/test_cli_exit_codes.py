"""One exit-code scheme for every ``fscai`` command (issue 18: a locked store exited 2 from
``validate`` and 1 from ``gaps``, ``load`` and ``query``): :class:`cli.options.ExitCode`.

The store is locked the way it is in use: another process holds the on-disk store open (RocksDB's
directory lock), and each command that opens a store meets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from test_cli_options import ALL, IDS

import cli.synth
from cli import main
from cli.options import ExitCode

REPO = Path(__file__).resolve().parents[1]
FSCAI = Path(sys.executable).with_name("fscai")  # the installed command of the Python running the tests
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
HOLD = """
import sys, time
from mapper.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
print("held", flush=True)
sys.stdin.read()  # until the test closes the pipe
"""

#: Each command that opens a store, with what it needs to get that far (OUT: a temporary path).
STORE_COMMANDS = {
    ("analyse",): [],
    ("export", "oscal"): ["--out", "OUT/oscal"],
    ("gaps",): [],
    ("graphs",): [],
    ("load",): ["--institution", "12345675", str(MINIMAL)],
    ("query",): ["institutions"],
    ("report",): ["--format", "json"],
    ("serve",): ["--port", "9"],
    ("validate",): ["--institution", "12345675"],
}


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    """An on-disk store with the minimal submission, held open (locked) by another process."""
    path = tmp_path_factory.mktemp("locked") / "store"
    loaded = run("load", "--institution", "12345675", "--store", f"oxigraph:{path}", str(MINIMAL))
    assert loaded.exit_code == 0, loaded.output
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert holder.stdout.readline().strip() == "held"
    yield f"oxigraph:{path}"
    holder.stdin.close()
    holder.wait(timeout=30)


def test_the_scheme_is_one_enum_and_the_help_says_it():
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 4, 130]
    helped = run("--help").output
    assert "0 done; 1 findings" in helped and "2" in helped and "3 the store" in helped and "4 a bug" in helped
    for code in ExitCode:
        assert code.name in ExitCode.__doc__


def test_every_command_opening_a_store_is_in_the_table():
    with_store = {path for path, command in ALL if "store_url" in {param.name for param in command.params}}
    assert with_store == set(STORE_COMMANDS)


@pytest.mark.parametrize("path", list(STORE_COMMANDS), ids=[" ".join(p) for p in STORE_COMMANDS])
def test_a_locked_store_exits_3_from_every_command(path, locked, tmp_path):
    args = [a.replace("OUT", str(tmp_path)) for a in STORE_COMMANDS[path]]
    result = run(*path, *args, "--store", locked)
    assert result.exit_code == ExitCode.UNAVAILABLE, result.output
    assert "error: cannot open the Oxigraph store" in result.output and "LOCK" in result.output
    assert "Traceback" not in result.output


def test_a_locked_store_exits_3_from_the_installed_command(locked):
    for args in (["gaps"], ["validate", "--institution", "12345675"], ["query", "institutions"]):
        done = subprocess.run([str(FSCAI), *args, "--store", locked], capture_output=True, text=True, timeout=120)
        assert done.returncode == ExitCode.UNAVAILABLE, done.stderr
        assert done.stderr.startswith("error: cannot open the Oxigraph store") and done.stdout == ""


def test_an_unreachable_server_exits_3_and_a_bad_store_url_2():
    for args in (["query", "institutions"], ["gaps"], ["graphs"]):
        assert run(*args, "--store", "sparql+http://127.0.0.1:9/").exit_code == ExitCode.UNAVAILABLE
        bad = run(*args, "--store", "ftp://example.org/data")
        assert bad.exit_code == ExitCode.USAGE and "unknown store URL scheme" in bad.output


@pytest.mark.parametrize(("path", "command"), ALL, ids=IDS)
def test_an_unknown_option_is_a_usage_error_on_every_command(path, command):
    result = run(*path, "--no-such-option")
    assert result.exit_code == ExitCode.USAGE and "No such option" in result.output


def test_unusable_input_is_2_and_findings_are_1(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://bank.example/x> <https://bank.example/p> .\n", encoding="utf-8")
    for args in (["gaps", "--store", "memory:"], ["report", "--store", "memory:"], ["validate"],
                 ["load", "--institution", "12345675", "--store", "memory:"]):
        refused = run(*args, str(broken))
        assert refused.exit_code == ExitCode.USAGE and "broken.ttl:1:" in refused.output, args
    empty = run("gaps", "--store", f"oxigraph:{tmp_path / 'empty'}")
    assert empty.exit_code == ExitCode.USAGE and "holds no submission" in empty.output
    bank = REPO / "data" / "examples" / "bank"
    assert run("validate", str(bank)).exit_code in (ExitCode.OK, ExitCode.FINDINGS)
    gaps = run("gaps", str(MINIMAL), "--store", "memory:", "--as-of", "2026-11-25")
    assert gaps.exit_code == ExitCode.OK and "缺口 / Gap" in gaps.output  # gaps found: still 0


def test_a_bug_exits_4_with_its_traceback_and_ctrl_c_130(monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in synth")

    monkeypatch.setattr(cli.synth, "synthesise", broken)
    result = CliRunner().invoke(main, ["synth", "--institutions", "1", "--systems", "1", "--out", str(tmp_path)])
    assert result.exit_code == ExitCode.INTERNAL
    assert "RuntimeError: a bug in synth" in result.output and "internal error (a bug)" in result.output

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.synth, "synthesise", interrupted)
    result = CliRunner().invoke(main, ["synth", "--institutions", "1", "--systems", "1", "--out", str(tmp_path)])
    assert result.exit_code == ExitCode.INTERRUPTED and "interrupted" in result.output


def test_failures_keep_their_code_through_the_group():
    @click.command("fails")
    def fails():
        raise click.UsageError("bad")

    assert CliRunner().invoke(fails, []).exit_code == ExitCode.USAGE
    assert run("validate").exit_code == ExitCode.USAGE  # neither FILES nor --institution
