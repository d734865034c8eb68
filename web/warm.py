"""Read what the pages read before a reader asks: ``fscai serve`` warms its caches in the background.

Reading one stored analysis back is bounded by the store: the 48,185 gap records of a 500-system
institution take seconds to select, whatever the page shows of them (bench/README.md, "The viewer
at real size"). So the server reads every institution's newest analysis once, right after it starts
listening (a page asked before then reads what it needs itself, as it always did), then the
regulator's search indexes, the regulator's trace (what a vendor page reads across institutions), the
dashboard's answers, and last the older submissions of every institution and what changed between
each one's two newest (the history pages). Each
step goes through the same cached readers the pages use, as the regulator (who may read every
graph), so a page after the warm-up only filters and renders.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask

from mapper.graphs import institution_of
from web.access import REGULATOR, Principal
from web.identity import acting_as

#: The regulator's named queries the dashboard reads (web/records/market.py).
DASHBOARD_QUERIES = ("institutions", "gaps-by-principle", "most-missing-measures", "vendor-concentration",
                     "systems-by-tier-oversight")


@dataclass(frozen=True)
class Warmed:
    """What the warm-up read, and how long it took."""

    analyses: int
    older: int
    seconds: float


def warm(app: Flask, say: Callable[[str], None] = lambda _: None) -> Warmed:
    """Read every newest analysis, the regulator's search indexes, trace and dashboard answers, then
    every older submission's analysis, into the app's caches; ``say`` hears each step's figure."""
    from web.analyses import latest_analyses, market_answers
    from web.facts import current_trace
    from web.records.history import analysis as history_analysis
    from web.records.history import changes, submissions
    from web.records.search import prepare

    started = time.perf_counter()
    with app.test_request_context("/"), acting_as(app, Principal(REGULATOR)):
        newest = latest_analyses()
        say(f"{len(newest)} analyses read ({time.perf_counter() - started:.1f} s)")
        prepare(app)
        say(f"search indexes built ({time.perf_counter() - started:.1f} s)")
        current_trace(newest)
        for name in DASHBOARD_QUERIES:
            market_answers(name)
        say(f"trace and dashboard read ({time.perf_counter() - started:.1f} s)")
        older = 0
        for ubn in sorted({institution_of(a.submission_graph) for a in newest}):
            found = submissions(ubn)
            for submission in found[:-1]:  # the newest is read above
                older += history_analysis(submission) is not None
            if len(found) > 1:
                changes(ubn)  # the two newest compared: what the history page links to first
    return Warmed(len(newest), older, time.perf_counter() - started)
