"""Progress bars on long work, one institution included (issue 18): drawn by the installed
``fscai`` on its standard error when that is a terminal (a pseudo-terminal here), never on
standard output, never into a pipe unless ``--progress`` asks, never with ``--no-progress``."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

REPO = Path(__file__).resolve().parents[1]
FSCAI = Path(sys.executable).with_name("fscai")  # the installed command of the Python running the tests
BANK = REPO / "data" / "examples" / "bank"
MINIMAL = REPO / "data" / "examples" / "minimal-submission.ttl"
BAR = "%|"  # tqdm's bar: "載入 / loading:  53%|█████▎    | 8/15 [00:02, 83910461 寫入 / writing]"


def on_a_terminal(*args: str, until: str | None = None, timeout: float = 240,
                  size: tuple[int, int] | None = None) -> tuple[int | None, str, str]:
    """Run the installed ``fscai`` with stderr on a pseudo-terminal (of ``size`` rows and columns,
    else of none, as ``script`` and CI runners make them) and stdout on a pipe; return (exit code,
    stdout, what the terminal showed). With ``until``, stop the process once the terminal shows
    that text (a server)."""
    master, slave = pty.openpty()
    if size:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    process = subprocess.Popen([str(FSCAI), *args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
                               cwd=REPO, env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    shown, out = b"", b""
    streams = {master, process.stdout.fileno()}  # both read as they come: a full pipe would stall it
    deadline = time.monotonic() + timeout
    while streams and time.monotonic() < deadline:
        ready, _, _ = select.select(list(streams), [], [], 0.5)
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal's other side is closed: the process is gone
                chunk = b""
            if not chunk:
                streams.discard(fd)
            elif fd == master:
                shown += chunk
            else:
                out += chunk
        if until and until.encode() in shown:
            break
    if process.poll() is None:  # a server shown what was waited for, or past the deadline
        process.terminate()
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # past the deadline: stopped, and the test fails on what it showed
        process.kill()
        code = process.wait()
    out += process.stdout.read()
    os.close(master)
    return code, out.decode(), shown.decode(errors="replace")


def frames(shown: str) -> list[str]:
    """The bar's successive states (tqdm redraws in place with carriage returns)."""
    return [frame for frame in shown.replace("\r\n", "\n").split("\r") if BAR in frame]


def test_load_of_one_institution_draws_a_bar_naming_its_steps(tmp_path):
    code, out, shown = on_a_terminal("load", "--institution", "83910461", "--store", f"oxigraph:{tmp_path / 's'}",
                                     str(BANK), size=(40, 132))
    assert code == 0, shown
    drawn = frames(shown)
    assert drawn and all(frame.lstrip().startswith("載入 / loading:") for frame in drawn)
    for step in ("解析 / parsing", "檢查 / checking", "適用性 / applicability", "缺口紀錄 / gap records",
                 "市場摘要 / market records", "提交 / committing"):
        assert any(step in frame for frame in drawn), step
    assert shown.rstrip(" ").endswith("\r")  # erased when done: what follows starts on a clean line
    assert out.startswith("https://w3id.org/fscai/graph/submission/83910461/") and BAR not in out and "\r" not in out


def test_gaps_of_files_and_of_one_stored_institution_draw_a_bar(tmp_path):
    code, out, shown = on_a_terminal("gaps", str(MINIMAL), "--store", "memory:", "--format", "csv")
    assert code == 0, shown
    assert any(f.lstrip().startswith("分析 / analysing:") for f in frames(shown))
    assert any("讀取缺口 / reading gaps" in f for f in frames(shown))
    assert out.startswith("id,") and BAR not in out
    assert "原則 Principle" in shown  # the summary table, after the bar
    store = f"oxigraph:{tmp_path / 's'}"
    assert CliRunner().invoke(main, ["load", "--institution", "12345675", "--store", store, str(MINIMAL)]).exit_code == 0
    code, out, shown = on_a_terminal("gaps", "--store", store, "--institution", "12345675", "--format", "json")
    assert code == 0 and any("讀取判定 / reading verdicts" in f for f in frames(shown)), shown
    assert out.lstrip().startswith("{") and BAR not in out


def test_validate_report_and_analyse_draw_a_bar(tmp_path):
    code, out, shown = on_a_terminal("validate", str(MINIMAL))
    assert code in (0, 1) and any("驗證 / validating" in f for f in frames(shown)), shown
    assert BAR not in out
    code, out, shown = on_a_terminal("report", str(MINIMAL), "--store", "memory:", "--format", "html")
    assert code == 0 and any("輸出 / rendering" in f for f in frames(shown)), shown
    assert out.startswith("<!DOCTYPE html>") and BAR not in out
    store = f"oxigraph:{tmp_path / 's'}"
    assert CliRunner().invoke(main, ["load", "--institution", "12345675", "--store", store, str(MINIMAL)]).exit_code == 0
    code, _, shown = on_a_terminal("analyse", "--all", "--store", store)
    assert code == 0 and any("12345675 風險等級 / risk tiers" in f for f in frames(shown)), shown


def test_serve_shows_its_start(tmp_path):
    store = f"oxigraph:{tmp_path / 's'}"
    assert CliRunner().invoke(main, ["load", "--institution", "12345675", "--store", store, str(MINIMAL)]).exit_code == 0
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    _, _, shown = on_a_terminal("serve", "--store", store, "--port", port, "--audit-log", str(tmp_path / "audit"),
                                until="serving on")
    assert any(f.lstrip().startswith("啟動 / starting:") for f in frames(shown)), shown
    assert any("首頁資料 / home page" in f for f in frames(shown))
    assert "1 institution(s) analysed; serving on" in shown


def test_serve_warms_its_caches_once_listening_unless_told_not_to(tmp_path):
    store = f"oxigraph:{tmp_path / 's'}"
    assert CliRunner().invoke(main, ["load", "--institution", "12345675", "--store", store, str(MINIMAL)]).exit_code == 0
    # without it, the server runs for 8 s (the warm-up takes under one here) and says nothing of it
    for flag, until, timeout in (("--warm", "warm: done", 240), ("--no-warm", "never said", 8)):
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            port = str(probe.getsockname()[1])
        _, _, shown = on_a_terminal("serve", flag, "--store", store, "--port", port, "--audit-log",
                                    str(tmp_path / "audit"), until=until, timeout=timeout)
        if flag == "--warm":
            assert shown.index("serving on") < shown.index("warm: 1 analyses read")
            assert "warm: done: 1 newest and 0 older analyses in" in shown, shown
        else:
            assert "serving on" in shown and "warm" not in shown, shown


def test_no_bar_into_a_pipe_or_with_no_progress():
    piped = subprocess.run([str(FSCAI), "gaps", str(MINIMAL), "--store", "memory:", "--format", "csv"],
                           capture_output=True, text=True, timeout=240, cwd=REPO)
    assert piped.returncode == 0 and BAR not in piped.stderr and "\r" not in piped.stderr
    assert "原則 Principle" in piped.stderr
    for args in (["--no-progress", "gaps"], ["gaps", "--no-progress"]):
        code, out, shown = on_a_terminal(*args, str(MINIMAL), "--store", "memory:", "--format", "csv")
        assert code == 0 and BAR not in shown and "原則 Principle" in shown, args


@pytest.mark.parametrize("args", [["--progress", "gaps"], ["gaps", "--progress"]])
def test_progress_forces_a_bar_into_a_pipe_in_either_place(args):
    result = CliRunner().invoke(main, [*args, str(MINIMAL), "--store", "memory:", "--format", "csv"])
    assert result.exit_code == 0
    assert BAR in result.stderr and "分析 / analysing:" in result.stderr
    assert BAR not in result.stdout and result.stdout.startswith("id,")
    piped = subprocess.run([str(FSCAI), *args, str(MINIMAL), "--store", "memory:", "--format", "csv"],
                           capture_output=True, text=True, timeout=240, cwd=REPO, env={**os.environ, "FSCAI_PROGRESS": "0"})
    assert BAR in piped.stderr  # the option over FSCAI_PROGRESS


def test_fscai_progress_in_the_environment():
    piped = subprocess.run([str(FSCAI), "gaps", str(MINIMAL), "--store", "memory:", "--format", "csv"],
                           capture_output=True, text=True, timeout=240, cwd=REPO, env={**os.environ, "FSCAI_PROGRESS": "1"})
    assert piped.returncode == 0 and BAR in piped.stderr and BAR not in piped.stdout
