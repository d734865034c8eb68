"""The market index: each institution's newest submission and its summary records, written at intake.

A regulator's market-wide questions (``queries/*.rq``) would otherwise read every verdict and gap of
every institution. At intake, once a submission is derived, the ``mapper/queries/market-*.rq``
CONSTRUCTs compute its summary records at the grain of those questions (per chapter and date, per
measure, per measure and gap kind, per tier and oversight mode, per vendor) and mark it as its
institution's newest submission (``fsc:NewestSubmission``). They go to one graph per institution,
replaced whole in one write, so the older submission's entry and records leave in the same
transaction.
"""

from __future__ import annotations

import hashlib

from mapper.graphs import CATALOGUE_GRAPH, derived_graph, institution_of, latest_graphs
from mapper.rq import engine_query, query_text
from mapper.store import Store

#: The CONSTRUCT queries that write an institution's market graph, beside its chapter counts.
MARKET_QUERIES = ("market-entry", "market-adoption", "market-tiers", "market-vendors", "market-gaps")
#: A date's slot in a chapter count's step string: 12 months of 31 days a year, so that a query
#: finds it with YEAR, MONTH and DAY alone (no date arithmetic, which engines differ on).
SLOTS_PER_YEAR = 372
#: Digits per slot.
SLOT_WIDTH = 6
_FSC = "https://w3id.org/fscai/def#"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def is_newest(store: Store, submission_graph: str) -> bool:
    """Whether no submission of the same institution in the store is dated later (the submission
    itself may not be in the store yet: in a workspace, about to be written with its analysis)."""
    ubn = institution_of(submission_graph)
    graphs = [*store.graphs(), submission_graph]
    return [g for g in latest_graphs(graphs) if institution_of(g) == ubn] == [submission_graph]


def indexed_submissions(store: Store) -> set[str]:
    """The submissions the market graphs mark as their institution's newest (a newest submission
    missing here: a crash between its analysis and its market records; ``fscai analyse`` writes them)."""
    rows = store.select(f"SELECT ?s WHERE {{ GRAPH ?m {{ ?s a <{_FSC}NewestSubmission> }} }}")
    return {str(row["s"]) for row in rows}


def market_ntriples(store: Store, submission_graph: str) -> bytes:
    """The institution's market graph for this (derived) submission, as N-Triples."""
    graphs = [submission_graph, derived_graph(submission_graph), CATALOGUE_GRAPH]
    lines: list[str] = []
    for name in MARKET_QUERIES:
        query = engine_query(name).bind({"submission": submission_graph})
        lines += (f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in store.construct(query, default_graphs=graphs))
    lines += chapter_counts(store.select_values(query_text("market-chapters"), default_graphs=graphs), submission_graph)
    return "".join(lines).encode("utf-8")


def chapter_counts(rows, submission_graph: str) -> list[str]:
    """One ``fsc:ChapterGapCount`` per chapter, as N-Triples lines: applicable and undetermined
    pairs, the pairs with a gap whatever the date, and for the pairs whose first gap holds only
    after a date (evidence past review, plans past target), a step string: for every date of the
    years it spans, how many of them hold on it, one slot of :data:`SLOT_WIDTH` digits per day of a
    :data:`SLOTS_PER_YEAR`-day year. Any reference date is then one lookup per chapter, exact.

    >>> rows = [{"chapter": "https://x/c", "applicable": "4", "undetermined": "1"},
    ...         {"chapter": "https://x/c", "undated": "1", "first": "9999-12-31"},
    ...         {"chapter": "https://x/c", "undated": "0", "first": "2026-01-02"}]
    >>> lines = chapter_counts(rows, "https://w3id.org/fscai/graph/submission/1/2026-01-01")
    >>> steps = next(line for line in lines if "datedSteps>" in line).split('"')[1]
    >>> len(steps) == SLOTS_PER_YEAR * SLOT_WIDTH, steps[:3 * SLOT_WIDTH]  # 2026-01-01, -02, -03
    (True, '000000000000000001')
    """
    chapters: dict[str, dict] = {}
    for row in rows:
        chapter = chapters.setdefault(str(row["chapter"]), {"applicable": 0, "undetermined": 0, "undated": 0,
                                                            "dated": []})
        if row.get("applicable") is not None:
            chapter["applicable"] += int(str(row["applicable"]))
            chapter["undetermined"] += int(str(row["undetermined"]))
        elif int(str(row["undated"])) > 0:
            chapter["undated"] += 1
        else:
            chapter["dated"].append(tuple(int(part) for part in str(row["first"]).split("-")))
    lines = []
    for iri, c in sorted(chapters.items()):
        node = f"<urn:fscai:chapter-count:{hashlib.md5(f'{submission_graph} {iri}'.encode()).hexdigest()}>"
        facts = [("a", f"<{_FSC}ChapterGapCount>"), (f"<{_FSC}summaryOf>", f"<{submission_graph}>"),
                 (f"<{_FSC}ofChapter>", f"<{iri}>")]
        facts += [(f"<{_FSC}{name}>", f'"{value}"^^<{_XSD_INTEGER}>') for name, value in (
            ("applicableCount", c["applicable"]), ("undeterminedCount", c["undetermined"]),
            ("gapPairCount", c["undated"]), ("datedGapPairCount", len(c["dated"])))]
        if c["dated"]:
            dated = sorted(c["dated"])
            first, last = dated[0][0], dated[-1][0]
            facts += [(f"<{_FSC}datedStepsFromYear>", f'"{first}"^^<{_XSD_INTEGER}>'),
                      (f"<{_FSC}datedStepsToYear>", f'"{last}"^^<{_XSD_INTEGER}>'),
                      (f"<{_FSC}datedSteps>", f'"{_steps(dated, first, last)}"')]
        lines += [f"{node} {p if p != 'a' else '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>'} {o} .\n"
                  for p, o in facts]
    return lines


def _steps(dated: list[tuple[int, int, int]], first: int, last: int) -> str:
    """For each slot (year, month 1-12, day 1-31) of the years ``first``..``last``: how many of the
    sorted ``dated`` dates are before it, zero-padded to :data:`SLOT_WIDTH` digits."""
    out, before = [], 0
    for year in range(first, last + 1):
        for month in range(1, 13):
            for day in range(1, 32):
                while before < len(dated) and dated[before] < (year, month, day):
                    before += 1
                out.append(f"{before:0{SLOT_WIDTH}d}")
    return "".join(out)
