"""The endpoint's limits, as data: name, default, meaning.

Each is the environment variable ``FSCAI_SPARQL_*`` and the app setting without the ``FSCAI_``
prefix (:mod:`web.config` reads the environment into the app's settings).

>>> settings = Settings.from_mapping({"SPARQL_TIMEOUT_S": "2.5"})
>>> settings.timeout_s, settings.max_rows
(2.5, 10000)
>>> settings.deadline_s("1"), settings.deadline_s("60"), settings.deadline_s(None)
(1.0, 2.5, 2.5)
>>> settings.deadline_s(None, public=True), settings.deadline_s("0.5", public=True)
(2.5, 0.5)
>>> Settings.from_mapping({}).deadline_s(None, public=True)
3.0
>>> Settings.from_mapping({"SPARQL_MAX_ROWS": "0"})
Traceback (most recent call last):
    ...
ValueError: FSCAI_SPARQL_MAX_ROWS must be a number >= 1, got '0'
>>> Settings.from_mapping({"SPARQL_WORKER_MEMORY_MB": "100"})
Traceback (most recent call last):
    ...
ValueError: FSCAI_SPARQL_WORKER_MEMORY_MB must be 0 (no limit) or a number >= 256, got '100'
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


#: The smallest memory budget a worker can open a store with (measured: ~130 MiB of data after
#: opening a store and answering a query; less would kill every worker as it starts).
MIN_WORKER_MEMORY_MB = 256

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
            "執行有權杖查詢之工作行程數（預設 CPU 數加一，介於 3 至 8）；未授權查詢另有其工作行程 / worker "
            "processes that run the queries of callers with a token (default: the CPU count plus one, between 3 "
            "and 8); the public's have workers of their own"),
    Setting("FSCAI_SPARQL_PUBLIC_TIMEOUT_S", 3.0, float, 0.05,
            "未授權（無權杖）查詢之時限（秒），不超過 FSCAI_SPARQL_TIMEOUT_S / the deadline of a query "
            "without a token (the public), in seconds; never more than FSCAI_SPARQL_TIMEOUT_S"),
    Setting("FSCAI_SPARQL_PUBLIC_QUERIES", 1, int, 1,
            "所有未授權請求合計可同時執行之查詢數，各於其專屬、僅用閒置 CPU 之工作行程；其餘排隊，於時限內未輪到者得 503 / "
            "queries without a token that may run at once, all such callers together, each on a worker of its "
            "own that uses only idle CPU (SCHED_IDLE); the others wait their turn, 503 if it does not come "
            "within their deadline"),
    Setting("FSCAI_SPARQL_QUERIES_PER_CALLER", 4, int, 1,
            "每一機構權杖（或全體未授權請求）可同時執行或排隊之請求數，超過者立即得 503；監理機關不受此限 / "
            "requests one institution's token (or the public, all together) may have running or waiting at "
            "once; more get 503 at once; the regulator is not limited"),
    Setting("FSCAI_SPARQL_RESERVED_WORKERS", 1, int, 0,
            "保留予監理機關之工作行程數：機構查詢合計至多使用其餘者（至少一個） / workers kept for the "
            "regulator: institutions' queries together use at most the others (at least one)"),
    Setting("FSCAI_SPARQL_WORKER_MEMORY_MB", 2048, int, 0,
            "每一工作行程之記憶體上限（MiB，RLIMIT_DATA：堆積與匿名映射），超過之查詢即中止並回報 503；"
            "0 為不限 / the memory of each worker process in MiB (RLIMIT_DATA: heap and anonymous "
            "mappings); a query going over it is stopped and answered 503; 0: no limit"),
)


@dataclass(frozen=True)
class Settings:
    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_query_bytes: int = 65_536
    workers: int = 2
    public_timeout_s: float = 3.0
    public_queries: int = 1
    queries_per_caller: int = 4
    reserved_workers: int = 1
    worker_memory_mb: int = 2048

    @classmethod
    def from_mapping(cls, config: Mapping[str, object]) -> Settings:
        """Read each setting from the app's ``config`` (the environment folded in), else its default."""
        values = {}
        for setting in SETTINGS:
            values[setting.name] = _number(setting, config.get(setting.key))
        memory = values["FSCAI_SPARQL_WORKER_MEMORY_MB"]
        if 0 < memory < MIN_WORKER_MEMORY_MB:
            raw = config.get("SPARQL_WORKER_MEMORY_MB")
            raise ValueError(f"FSCAI_SPARQL_WORKER_MEMORY_MB must be 0 (no limit) or a number >= "
                             f"{MIN_WORKER_MEMORY_MB}, got {raw!r}")
        return cls(
            timeout_s=values["FSCAI_SPARQL_TIMEOUT_S"],
            max_rows=values["FSCAI_SPARQL_MAX_ROWS"],
            max_query_bytes=values["FSCAI_SPARQL_MAX_QUERY_BYTES"],
            workers=values["FSCAI_SPARQL_WORKERS"] or _default_workers(),
            public_timeout_s=values["FSCAI_SPARQL_PUBLIC_TIMEOUT_S"],
            public_queries=values["FSCAI_SPARQL_PUBLIC_QUERIES"],
            queries_per_caller=values["FSCAI_SPARQL_QUERIES_PER_CALLER"],
            reserved_workers=values["FSCAI_SPARQL_RESERVED_WORKERS"],
            worker_memory_mb=memory,
        )

    def deadline_s(self, requested: str | None, public: bool = False) -> float:
        """The deadline of one request: its ``timeout`` parameter if lower, else the setting (for a
        caller without a token, the lower of the setting and the public's).

        Raises ``ValueError`` on a value that is not a positive number of seconds.
        """
        limit = min(self.timeout_s, self.public_timeout_s) if public else self.timeout_s
        if requested is None or requested == "":
            return limit
        try:
            value = float(requested)
        except ValueError:
            raise ValueError(f"timeout must be a number of seconds, got {requested!r}") from None
        if not value > 0 or value != value:
            raise ValueError(f"timeout must be a positive number of seconds, got {requested!r}")
        return min(value, limit)


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
