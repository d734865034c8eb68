"""The endpoint's limits, as data: name, default, meaning.

Each is the environment variable ``FSCAI_SPARQL_*`` and the app setting without the ``FSCAI_``
prefix (:mod:`web.config` reads the environment into the app's settings).

>>> settings = Settings.from_mapping({"SPARQL_TIMEOUT_S": "2.5"})
>>> settings.timeout_s, settings.max_rows
(2.5, 10000)
>>> settings.deadline_s("1"), settings.deadline_s("60"), settings.deadline_s(None)
(1.0, 2.5, 2.5)
>>> Settings.from_mapping({"SPARQL_MAX_ROWS": "0"})
Traceback (most recent call last):
    ...
ValueError: FSCAI_SPARQL_MAX_ROWS must be a number >= 1, got '0'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    default: float | int | None
    kind: type
    minimum: float
    doc: str  # zh-Hant / en

    @property
    def key(self) -> str:
        """The app setting: the variable without its ``FSCAI_`` prefix."""
        return self.name.removeprefix("FSCAI_")


def _default_workers() -> int:
    """One more than the CPUs (a long query, demoted, leaves every CPU to the others), 3 to 8."""
    return min(8, max(3, (os.cpu_count() or 2) + 1))


#: Every setting of the endpoint (README "The regulator's SPARQL endpoint" lists them; a test checks it).
SETTINGS = (
    Setting("FSCAI_SPARQL_TIMEOUT_S", 10.0, float, 0.05,
            "每一查詢之時限（秒）；請求可以 timeout 參數縮短，不可延長 / the deadline of every query in seconds; "
            "a request may lower it with the timeout parameter, never raise it"),
    Setting("FSCAI_SPARQL_MAX_ROWS", 10_000, int, 1,
            "回傳列數（CONSTRUCT/DESCRIBE 為三元組數）上限，超過即截斷並標示 / the most rows (triples for "
            "CONSTRUCT/DESCRIBE) returned; more are cut and the response says so"),
    Setting("FSCAI_SPARQL_MAX_QUERY_BYTES", 65_536, int, 16,
            "查詢文字之長度上限（位元組） / the longest query text accepted, in bytes"),
    Setting("FSCAI_SPARQL_WORKERS", None, int, 1,
            "執行查詢之工作行程數（預設 CPU 數加一，介於 3 至 8） / worker processes that run queries "
            "(default: the CPU count plus one, between 3 and 8)"),
)


@dataclass(frozen=True)
class Settings:
    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_query_bytes: int = 65_536
    workers: int = 2

    @classmethod
    def from_mapping(cls, config: Mapping[str, object]) -> Settings:
        """Read each setting from the app's ``config`` (the environment folded in), else its default."""
        values = {}
        for setting in SETTINGS:
            values[setting.name] = _number(setting, config.get(setting.key))
        return cls(
            timeout_s=values["FSCAI_SPARQL_TIMEOUT_S"],
            max_rows=values["FSCAI_SPARQL_MAX_ROWS"],
            max_query_bytes=values["FSCAI_SPARQL_MAX_QUERY_BYTES"],
            workers=values["FSCAI_SPARQL_WORKERS"] or _default_workers(),
        )

    def deadline_s(self, requested: str | None) -> float:
        """The deadline of one request: its ``timeout`` parameter if lower, else the setting.

        Raises ``ValueError`` on a value that is not a positive number of seconds.
        """
        if requested is None or requested == "":
            return self.timeout_s
        try:
            value = float(requested)
        except ValueError:
            raise ValueError(f"timeout must be a number of seconds, got {requested!r}") from None
        if not value > 0 or value != value:
            raise ValueError(f"timeout must be a positive number of seconds, got {requested!r}")
        return min(value, self.timeout_s)


def _number(setting: Setting, raw: object):
    if raw is None or raw == "":
        return setting.default
    try:
        value = setting.kind(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or value < setting.minimum:
        raise ValueError(f"{setting.name} must be a number >= {setting.minimum:g}, got {raw!r}")
    return value
