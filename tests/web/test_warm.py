"""The warm-up ``fscai serve`` runs in the background (``web.warm``): after it, pages that read the
analyses, the search indexes and the dashboard's answers only list which submissions are analysed;
without it, the same requests read the store (so the test can fail)."""

from __future__ import annotations

import pytest
from conftest import example_submissions, make_app

from web import close_app
from web.store import EXTENSION
from web.warm import warm

BANK = "83910461"
#: Pages answered from what the warm-up read (their own reads are all cached records).
PAGES = (f"/institution/{BANK}/history", "/search?q=%E5%85%AC%E5%B9%B3", "/search?q=fairness", "/market",
         "/catalogue", f"/gaps?institution={BANK}")
READS = ("select", "select_values", "ask", "construct")


def reads_during(app, urls) -> dict[str, int]:
    """How many queries the app's store answered for each URL."""
    store = app.extensions[EXTENSION]
    counted = {"n": 0}
    originals = {name: getattr(store, name) for name in READS}

    def counting(read):
        def run(*args, **kwargs):
            counted["n"] += 1
            return read(*args, **kwargs)
        return run

    for name, read in originals.items():
        setattr(store, name, counting(read))
    try:
        found = {}
        client = app.test_client()
        for url in urls:
            before = counted["n"]
            assert client.get(url).status_code == 200, url
            found[url] = counted["n"] - before
        return found
    finally:
        for name in READS:
            delattr(store, name)  # the class's own methods again


@pytest.fixture(scope="module")
def cold():
    app = make_app(example_submissions())
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def warmed():
    app = make_app(example_submissions())
    said = []
    found = warm(app, said.append)
    yield app, found, said
    close_app(app)


def test_the_warm_up_reads_every_newest_analysis_and_says_what_it_did(warmed):
    _, found, said = warmed
    assert found.analyses == 4 and found.older == 0 and found.seconds > 0
    assert len(said) == 3 and said[0].startswith("4 analyses read")


def test_after_the_warm_up_these_pages_read_nothing_from_the_store(warmed, cold):
    app, _, _ = warmed
    after = reads_during(app, PAGES)
    # what is left is listing which submissions are analysed (one small query; two for a history)
    assert all(n <= 2 for n in after.values()), after
    first = reads_during(cold, PAGES)  # without it, the first search and the dashboard read the store
    assert first[PAGES[1]] > 10 and first["/market"] > after["/market"] == 0, first
