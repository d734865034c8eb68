"""Small datasets and a running server for the SPARQL endpoint and query-library tests.

Two datasets, each built once per test process and handed out as N-Quads bytes:

- :func:`examples_nquads`: the catalogue and the three bundled example institutions (bank,
  life insurer, securities firm), each loaded and analysed (tiers, verdicts, gap records, market
  index) as ``fscai load``
  does, plus an earlier submission of the bank (a system it later retired, one statement still
  planned) so that "what changed" has something to show;
- :func:`tiny_nquads`: a hand-made dataset for the access-control tests: a catalogue graph, two
  institutions' submission and derived graphs, and an unrelated graph, every triple tagged with
  the graph it lives in so a leak is easy to spot.

:func:`serving` runs an app behind waitress on a free loopback port in a background thread.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "data" / "examples"

BANK_UBN, INSURER_UBN, SECURITIES_UBN = "83910461", "53728108", "66482035"
BANK_EARLIER_DATE, BANK_LATEST_DATE = "2026-04-30", "2026-10-30"
#: Appended to the bank's earlier submission: a system it retired before the latest one.
RETIRED_SYSTEM = "https://bank.example.tw/fscai/legacy-scorer"
_RETIRED_TTL = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix fsc:  <https://w3id.org/fscai/def#> .
@prefix fscg: <https://w3id.org/fscai/guideline/draft/> .
<{RETIRED_SYSTEM}> a fsc:AISystem ;
    rdfs:label "舊版評分模型"@zh-Hant , "Legacy scoring model"@en ;
    fsc:operatedBy <https://bank.example.tw/fscai/bank> ;
    fsc:stageReached fscg:stage-deployment-monitoring ;
    fsc:oversightMode fscg:oversight-human-in-the-loop ;
    fsc:usesVendor <https://vendors.example.tw/id/legacy-analytics> .
<https://vendors.example.tw/id/legacy-analytics> a fsc:Vendor ;
    rdfs:label "舊分析科技"@zh-Hant , "Legacy Analytics"@en .
"""


def submission_graph(ubn: str, date: str) -> str:
    return f"https://w3id.org/fscai/graph/submission/{ubn}/{date}"


def derived_graph(ubn: str, date: str) -> str:
    return f"https://w3id.org/fscai/graph/derived/{ubn}/{date}"


CATALOGUE = "https://w3id.org/fscai/graph/catalogue"


@lru_cache(maxsize=1)
def examples_nquads() -> bytes:
    """The analysed examples as N-Quads (built once per process, a few seconds)."""
    from mapper.catalogue.install import install_catalogue
    from mapper.analysis import intake
    from mapper.load import catalogue_terms_from, load_submission
    from mapper.store import open_store

    store = open_store("memory:")
    install_catalogue(store)
    terms = catalogue_terms_from(store)
    scratch = Path(tempfile.mkdtemp(prefix="fscai-examples-"))
    try:
        submissions = [sorted((EXAMPLES / name).glob("*.ttl")) for name in ("bank", "life-insurer", "securities")]
        submissions.append(earlier_bank_submission(scratch))
        for paths in submissions:
            loaded = load_submission(store, paths, catalogue_terms=terms)
            intake(store, loaded.graph_iri)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    quads = store._live().quads_for_pattern(None, None, None, None)  # noqa: SLF001 (test data only)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    store.close()
    del store, quads
    import gc

    gc.collect()  # the seam's query results sit in reference cycles: free them in this thread
    return data


def earlier_bank_submission(directory: Path, date: str = BANK_EARLIER_DATE, planned: int = 1) -> list[Path]:
    """The bank's example as of an earlier ``date``, written into ``directory``: its first
    ``planned`` implemented statements still planned, and one more system (:data:`RETIRED_SYSTEM`,
    retired before the latest submission)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for source in sorted((EXAMPLES / "bank").glob("*.ttl")):
        text = source.read_text(encoding="utf-8")
        if source.name == "institution.ttl":
            text = text.replace(f'dct:issued "{BANK_LATEST_DATE}"^^xsd:date .', f'dct:issued "{date}"^^xsd:date .', 1)
        if source.name == "statements.ttl":
            text = text.replace("fsc:status fsc:Implemented", "fsc:status fsc:Planned ; fsc:targetDate \"2026-09-30\"^^<http://www.w3.org/2001/XMLSchema#date>", planned)
        target = directory / source.name
        target.write_text(text, encoding="utf-8")
        paths.append(target)
    retired = directory / "retired.ttl"
    retired.write_text(_RETIRED_TTL, encoding="utf-8")
    return paths + [retired]


# --- the access-control dataset ------------------------------------------------------------

UBN_A, UBN_B = "11111111", "22222222"
DATE_A1, DATE_A2, DATE_B = "2025-01-31", "2025-06-30", "2025-06-30"
OTHER_GRAPH = "https://example.org/graph/other"
TAG = "https://example.org/tag"

#: Graph IRI -> who may read it (besides the regulator, who reads everything).
TINY_GRAPHS = {
    CATALOGUE: "everyone",
    submission_graph(UBN_A, DATE_A1): UBN_A,
    submission_graph(UBN_A, DATE_A2): UBN_A,
    derived_graph(UBN_A, DATE_A2): UBN_A,
    submission_graph(UBN_B, DATE_B): UBN_B,
    derived_graph(UBN_B, DATE_B): UBN_B,
    OTHER_GRAPH: "regulator",
}


@lru_cache(maxsize=1)
def tiny_nquads() -> bytes:
    """Each graph holds a few triples whose object names the graph (``<s> <tag> "GRAPH"``)."""
    quads = []
    for graph in TINY_GRAPHS:
        g = ox.NamedNode(graph)
        subject = ox.NamedNode(graph + "#thing")
        quads.append(ox.Quad(subject, ox.NamedNode(TAG), ox.Literal(graph), g))
        quads.append(ox.Quad(subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                             ox.NamedNode("https://example.org/Thing"), g))
        # A shared subject in every graph: a union across graphs would merge it.
        quads.append(ox.Quad(ox.NamedNode("https://vendors.example.tw/id/shared"), ox.NamedNode(TAG),
                             ox.Literal(graph), g))
    # The store's own default graph: the seam never writes it, so nobody should ever see this.
    quads.append(ox.Quad(ox.NamedNode("https://example.org/default"), ox.NamedNode(TAG),
                         ox.Literal("DEFAULT-GRAPH"), ox.DefaultGraph()))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def make_store(path: Path, nquads: bytes) -> Path:
    """An on-disk Oxigraph store at ``path`` holding ``nquads``; closed before returning."""
    store = ox.Store(str(path))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    import gc

    gc.collect()
    return path


def load_remote(store_url: str, nquads: bytes) -> None:
    """Put ``nquads`` into the remote store at ``store_url`` through the seam, graph by graph (as
    fscai writes: Graph Store Protocol PUT), on any server. Quads of the default graph are left
    out: the seam never writes it, and some servers (Virtuoso) have none of their own."""
    from collections import defaultdict

    from mapper.store import open_store

    by_graph: dict[str, list] = defaultdict(list)
    for quad in ox.parse(nquads, ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            by_graph[quad.graph_name.value].append(quad.triple)
    with open_store(store_url, timeout_s=120) as store:
        for graph, triples in sorted(by_graph.items()):
            store.replace_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


# --- a real WSGI server --------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    url: str  # http://127.0.0.1:PORT
    app: object

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"


@contextmanager
def serving(app, threads: int = 8) -> Iterator[Served]:
    """Serve ``app`` with waitress on a free loopback port in a background thread."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="fscai-test")
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{port}", app)
    finally:
        server.close()
        thread.join(timeout=10)


# --- apps with tokens ----------------------------------------------------------------------

#: The tokens every SPARQL test app is configured with (a TOML file, as in production).
TOKENS = {
    "regulator": "regulator-token-for-tests-only-0001",
    UBN_A: "institution-a-token-for-tests-0002",
    UBN_B: "institution-b-token-for-tests-0003",
    BANK_UBN: "bank-token-for-tests-only-000004",
}


def write_tokens(path: Path, tokens: dict[str, str] | None = None) -> Path:
    """A TOML token file of ``tokens`` (role -> token; default :data:`TOKENS`): the regulator's
    token in clear, the institutions' as SHA-256 digests."""
    import hashlib

    lines = ["# fscai tokens (tests)", "[tokens]"]
    for role, token in (TOKENS if tokens is None else tokens).items():
        key = token if role == "regulator" else "sha256:" + hashlib.sha256(token.encode()).hexdigest()
        lines.append(f'"{key}" = "{role}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bearer(role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}


def sparql_app(store_url: str, tokens: Path, **config):
    """An app (create_app, the real factory) over ``store_url`` with the test tokens."""
    from web import create_app

    return create_app({"TESTING": True, "STORE": store_url, "ROOT": str(REPO), "TOKENS": str(tokens), **config})


@contextmanager
def served_sparql(store_url: str, tokens: Path, **config) -> Iterator[Served]:
    """:func:`sparql_app` over ``store_url``, served by :func:`serving`, closed afterwards."""
    app = sparql_app(store_url, tokens, **config)
    try:
        with serving(app) as served:
            yield served
    finally:
        close_app(app)


def close_app(app) -> None:
    """Close the app (its SPARQL workers, snapshots and store), and collect what held the store."""
    import gc

    from web import close_app as close

    close(app)
    gc.collect()
