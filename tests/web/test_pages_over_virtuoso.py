"""The viewer and ``/api`` over Virtuoso: the same pages, byte for byte, as over the embedded store.

Both apps load the same examples through the seam (``load_submission``, then the analysis), one into
an in-memory store and one into the session's Virtuoso; each page and JSON answer is then compared.
An order the engine chooses (rows of a query without ORDER BY) would show here as a difference.
"""

from __future__ import annotations

import pytest
from conftest import example_submissions

from web import close_app

SYSTEM = "https://bank.example.tw/fscai/credit-scoring"
PAGES = [
    "/", "/matrix", "/catalogue", "/principle/2", "/section/2.1", "/measure/2.1.3", "/measure/G.5.2",
    "/institution/83910461", "/institution/53728108", "/institution/66482035", f"/system?iri={SYSTEM}",
    "/vendor?iri=https://vendors.example.tw/id/skydome-cloud",
    "/evidence?iri=https://bank.example.tw/fscai/ev-model-inventory", f"/trace?iri={SYSTEM}", "/search?q=公平",
    "/api/institutions", "/api/gaps", "/api/institution/83910461", "/api/institution/53728108",
    "/api/measure/2.1.3", f"/api/system?iri={SYSTEM}", f"/api/trace?iri={SYSTEM}",
]


@pytest.fixture(scope="module")
def clients(virtuoso_server, app_over):
    virtuoso_server.clear()
    apps = [app_over(example_submissions()), app_over(example_submissions(), STORE=virtuoso_server.store_url)]
    yield [app.test_client() for app in apps]
    for app in apps:
        close_app(app)
    virtuoso_server.clear()


@pytest.mark.parametrize("page", PAGES)
def test_the_page_is_the_same_over_virtuoso(clients, page: str) -> None:
    embedded, virtuoso = (client.get(page) for client in clients)
    assert embedded.status_code == 200 and len(embedded.data) > 1000
    assert virtuoso.status_code == 200
    assert virtuoso.data == embedded.data
