"""Side-by-side measurements for bench_analysis.py: the same .rq on rdflib, and other SHACL engines.

Slow contenders run in a forked child with a time limit, so a run that would take minutes is
reported as ``>N s`` instead of stalling the benchmark. Setup (parsing, compiling) is done in
the child before the clock starts; only the query or the validation is timed.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox
from bench_analysis_pipeline import LIMITS, Institution
from rdflib import Graph

from mapper.catalogue.install import install_catalogue
from mapper.classify import classify
from mapper.graphs import CATALOGUE_GRAPH, derived_graph
from mapper.load import load_submission
from mapper.rq import query_text
from mapper.store import open_store
from mapper.store.view import GraphView

SCRATCH = "urn:fscai:bench:scratch"

@dataclass(frozen=True)
class Timing:
    seconds: float | None  # None: over the limit
    limit: float
    count: int | None = None
    note: str = ""

    def text(self) -> str:
        if self.note and self.seconds is None:
            return self.note
        return f">{self.limit:.0f} s" if self.seconds is None else f"{self.seconds:.2f} s"


# --- a child process with a time limit --------------------------------------------------------


def _child(connection, work: Callable) -> None:
    try:
        seconds, count = work(lambda: connection.send(("ready", None)))
        connection.send(("done", (seconds, count)))
    except Exception as error:  # reported, never raised in the parent
        connection.send(("error", f"{type(error).__name__}: {error}"))


def bounded(work: Callable, limit: float, setup_limit: float = 300.0) -> Timing:
    """Run ``work(ready)`` in a forked child; it calls ``ready()`` when set up, then times itself
    and returns ``(seconds, count)``. Past ``limit`` seconds after ``ready`` the child is killed."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, work), daemon=True)
    child.start()
    try:
        for wait in (setup_limit, limit):
            if not receiver.poll(wait):
                return Timing(None, limit, note=f">{limit:.0f} s" if wait == limit else "setup too slow")
            kind, value = receiver.recv()
            if kind == "error":
                return Timing(None, limit, note=f"error: {value}"[:60])
            if kind == "done":
                return Timing(value[0], limit, value[1])
        return Timing(None, limit, note="no answer")
    finally:
        if child.is_alive():
            child.kill()
        child.join()


def timed(action: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = action()
    return time.perf_counter() - start, count


# --- the same .rq on Oxigraph and on rdflib ------------------------------------------------


def query_comparison(institution: Institution, runs: int, limit: float) -> dict[str, tuple[Timing, Timing]]:
    """Applicability CONSTRUCT, gap-records CONSTRUCT (the gap rules intake runs) and gaps SELECT
    (the stored records read back) over the same triples, the submission analysed first: Oxigraph
    (median of ``runs``) and rdflib's in-memory Graph (once, bounded by ``limit``)."""
    store = open_store("memory:")
    try:
        install_catalogue(store)
        submission = load_submission(store, [institution.path], limits=LIMITS)
        classify(store, submission.graph_iri)
        graphs = [submission.graph_iri, derived_graph(submission.graph_iri), CATALOGUE_GRAPH]
        queries = {"applicability CONSTRUCT": (query_text("applicability"), "construct"),
                   "gap-records CONSTRUCT": (query_text("gap-records"), "construct"),
                   "gaps SELECT": (query_text("gaps"), "select")}
        union = store.view(graphs).ntriples()
        out = {}
        for name, (query, kind) in queries.items():
            def on_oxigraph() -> int:
                if kind == "construct":  # materialised in a scratch graph, as classify does
                    made = store.construct_into(SCRATCH, query, default_graphs=graphs)
                    store.drop_graph(SCRATCH)
                    return made
                return len(store.select(query, default_graphs=graphs))

            samples = [timed(on_oxigraph) for _ in range(runs)]
            oxigraph = Timing(statistics.median(s for s, _ in samples), limit, samples[0][1])

            def on_rdflib(ready, query=query, kind=kind):
                graph = Graph().parse(data=union, format="nt")
                ready()
                return timed(lambda: len(graph.query(query).graph) if kind == "construct"
                             else len(list(graph.query(query))))

            out[name] = (oxigraph, bounded(on_rdflib, limit))
        return out
    finally:
        store.close()


# --- SHACL engines on the same data and shapes ---------------------------------------------


def engine_comparison(institution: Institution, shapes: Graph, limit: float, *, with_pyshacl: bool) -> dict[str, Timing]:
    """Validation only (the data already parsed, the shapes compiled), one run each, bounded."""
    import pyshacl
    import shacl

    from mapper.catalogue.ontology import catalogue_graph

    store = ox.Store()
    store.bulk_load(institution.path.read_bytes(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:data"))
    store.bulk_load(catalogue_graph().serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode("urn:catalogue"))
    text = GraphView(store, (ox.NamedNode("urn:data"), ox.NamedNode("urn:catalogue"))).ntriples()
    out: dict[str, Timing] = {}
    for suffix, variant in {"": shapes}.items():
        def rust(ready, variant=variant):
            compiled = shacl.Shapes.from_turtle(variant.serialize(format="turtle"))
            data = text.decode("utf-8")
            ready()
            return timed(lambda: len(compiled.validate_text(data, format="ntriples", allow_warnings=True).results))

        out[f"shacl {shacl.__version__} (Rust, all shapes){suffix}"] = bounded(rust, limit)
        if with_pyshacl:
            def reference(ready, variant=variant):
                from mapper.validate import Validator

                validator = Validator(catalogue=catalogue_graph(), shapes=variant, engine="pyshacl")
                data = Graph().parse(institution.path, format="nt")
                ready()
                return timed(lambda: len(validator.validate(data).findings))

            out[f"pySHACL {pyshacl.__version__}{suffix}"] = \
                bounded(reference, limit)
    return out
