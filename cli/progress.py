"""Progress bars (tqdm) on standard error, for work that can take more than a couple of seconds.

A bar is drawn only when standard error is a terminal (tqdm's own check), unless ``--progress``
or ``--no-progress`` (env ``FSCAI_PROGRESS``) says otherwise; it never touches standard output,
and it is erased when the work is done (``leave=False``), so what follows on the terminal is
only the command's own output. One bar per command: :func:`steps` counts the steps the engine
reports to its ``progress`` hooks (:func:`mapper.load.load_submission`,
:func:`mapper.analysis.intake`, :func:`mapper.analysis.analyse`), each named beside the bar,
and keeps its clock running while a long step runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Iterator

import click

#: Where ``--progress/--no-progress`` is kept in click's context (shared by a group and its commands).
PROGRESS_KEY = "fscai.progress"
#: How often the bar is redrawn while a step runs, seconds (its clock keeps moving).
TICK_S = 0.5

#: The engine's step names (its ``progress`` hooks) -> what the bar says, zh-Hant / English.
STEP_LABELS = {
    "catalogue": "安裝目錄 / catalogue",
    "parse": "解析 / parsing",
    "check": "檢查 / checking",
    "write": "寫入 / writing",
    "workspace": "準備 / preparing",
    "tiers": "風險等級 / risk tiers",
    "applicability": "適用性 / applicability",
    "gap-records": "缺口紀錄 / gap records",
    "stamp": "標記版本 / stamping",
    "market": "市場摘要 / market records",
    "commit": "提交 / committing",
    "classification": "讀取判定 / reading verdicts",
    "gaps": "讀取缺口 / reading gaps",
    "validate": "驗證 / validating",
    "stale": "檢查過時分析 / stale analyses",
    "home": "首頁資料 / home page",
    "render": "輸出 / rendering",
    "release": "發布 / writing",
}


def shape() -> dict:
    """tqdm's size arguments for stderr: the terminal's width as it changes; but a terminal that
    reports no size (a pseudo-terminal nobody sized, as ``script`` or a CI runner makes) gets a
    fixed one, since tqdm draws nothing on a screen of 0 rows."""
    try:
        columns, rows = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # not a terminal, or no file descriptor
        return {"dynamic_ncols": True}
    return {**({"nrows": 24} if rows == 0 else {}),
            **({"ncols": 100} if columns == 0 else {"dynamic_ncols": True})}


def disabled() -> bool | None:
    """tqdm's ``disable``: None (draw only on a terminal) unless ``--progress``/``--no-progress``
    chose."""
    ctx = click.get_current_context(silent=True)
    choice = ctx.meta.get(PROGRESS_KEY) if ctx is not None else None
    return None if choice is None else not choice


#: A submission graph's IRI: ``.../graph/submission/UBN/DATE``.
SUBMISSION_PREFIX = "https://w3id.org/fscai/graph/submission/"


class Steps:
    """One bar over a piece of work's steps; called as ``steps(name, detail)`` as each begins
    (the engine's ``progress`` hook). ``total`` is an estimate: a bar that ends early just
    closes, one that runs over stays full."""

    def __init__(self, desc: str, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=desc, unit="step", file=sys.stderr, disable=disabled(), leave=False,
                        **shape(), bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]")
        self._begun = False
        self._who = ""  # the UBN of the submission at work
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if not self.bar.disable:
            self._ticker = threading.Thread(target=self._tick, name="fscai-progress", daemon=True)
            self._ticker.start()

    def __call__(self, name: str, detail: str = "") -> None:
        with self._lock:
            if self._begun:
                self.bar.update(1)  # the step before this one is done
            self._begun = True
            self.bar.set_postfix_str(self._label(name, detail), refresh=True)

    def _label(self, name: str, detail: str) -> str:
        """``UBN step`` (the submission's UBN, once a step named it), or ``step detail`` for a
        file's name or a UBN; never a whole IRI."""
        text = STEP_LABELS.get(name, name)
        if detail.startswith(SUBMISSION_PREFIX):
            self._who = detail[len(SUBMISSION_PREFIX):].split("/")[0]
        elif detail and "/" not in detail:
            text += f" {detail}"
        return f"{self._who} {text}" if self._who else text

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            with self._lock:
                self.bar.refresh()

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self._begun:
                self.bar.update(1)
            self.bar.close()


@contextlib.contextmanager
def steps(desc: str, total: int) -> Iterator[Steps]:
    """A :class:`Steps` bar, closed (and erased) when the work is done or fails."""
    bar = Steps(desc, total)
    try:
        yield bar
    finally:
        bar.close()


def over(items, desc: str, unit: str):
    """``items`` with a bar counting them (a bar per institution, say)."""
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit, file=sys.stderr, disable=disabled(), leave=False, **shape())
