"""Read the guideline's converted text independently of the catalogue: its bullets, by chapter.

The slides came out as text with bullets (⚫ top level, ➢ sub-level) whose lines wrap, often with
blank lines between the pieces. A bullet runs until the next bullet or a heading line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_77ba8c2ed1df786d.txt"
BULLET = re.compile(r"^[⚫➢]")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
CHAPTER = re.compile(r"^第([一二三四五六])章")
NUMERALS = "一二三四五六"
HEADING = re.compile(
    r"^(第[一二三四五六]章|主要概念|落實核心原則之建議作法|\([一二三]\)|總則|前言|本指引草案|訂定背景|六大章節|"
    r"概念、建議作法|採文件形式|[0-9]+\.|系統規劃及設計|資料蒐集及輸入|系統佈署及監控)"
)


def normalise(text: str) -> str:
    """The comparison form: no whitespace, no private-use glyphs from the slide conversion."""
    return re.sub(r"\s+", "", PRIVATE_USE.sub("", text))


@dataclass(frozen=True)
class Bullet:
    chapter: str  # "draft" (slides about the draft), "P" (preface), "G" (general chapter) or "1".."6"
    text: str  # normalised
    line: int  # 1-based line of the marker
    marker: str


def read_bullets(path: Path = SEED) -> list[Bullet]:
    bullets: list[Bullet] = []
    chapter = "draft"
    current: list[str] | None = None
    start = marker = None

    def close() -> None:
        nonlocal current
        if current is not None:
            bullets.append(Bullet(chapter_of_bullet, normalise("".join(current)), start, marker))
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = PRIVATE_USE.sub("", raw).strip()
        if not line:
            continue
        if BULLET.match(line):
            close()
            chapter_of_bullet, start, marker = chapter, number, line[0]
            current = [line[1:]]
            continue
        if HEADING.match(line):
            close()
            found = CHAPTER.match(line)
            if found:
                chapter = str(NUMERALS.index(found.group(1)) + 1)
            elif line == "前言":
                chapter = "P"
            elif line.startswith("總則章"):
                chapter = "G"
            continue
        if current is not None:
            current.append(line)
    close()
    return bullets


def full_text(path: Path = SEED) -> str:
    return normalise(path.read_text(encoding="utf-8"))
