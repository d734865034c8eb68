"""Validate what the store holds: an institution's newest submission, or one submission graph."""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib.namespace import OWL

from mapper.graphs import CATALOGUE_GRAPH, SUBMISSION_GRAPH_PREFIX
from mapper.namespaces import FSC
from mapper.store import Store
from mapper.validate.engines import Validator, run_fast
from mapper.validate.findings import Validation
from mapper.validate.shapes import project_shapes

_UBN = re.compile(r"^[0-9]{8}$")


class UnknownInstitution(LookupError):
    """No submission graph in the store describes the requested institution."""


class NoCatalogue(LookupError):
    """The store holds no catalogue graph to validate against."""


def newest_submission_graph(store: Store, institution: str) -> str | None:
    """The named graph of the newest submission about ``institution``.

    ``institution`` is the institution's IRI or its 8-digit unified business number.
    Submission graphs are those under ``SUBMISSION_GRAPH_PREFIX`` that hold the
    institution (with its ``fsc:unifiedBusinessNumber``) and a ``fsc:Submission`` with a
    ``dct:issued`` date; the newest date wins.
    """
    if _UBN.match(institution):
        who = f'?i fsc:unifiedBusinessNumber "{institution}" .'
    else:
        if any(c in institution for c in '<>"{}|\\^` \n\t'):
            return None
        who = f"BIND(<{institution}> AS ?i) ?i fsc:unifiedBusinessNumber ?u ."
    query = f"""PREFIX fsc: <{FSC}>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?g ?date WHERE {{
  GRAPH ?g {{ {who} ?s a fsc:Submission ; dct:issued ?date . }}
  FILTER (STRSTARTS(STR(?g), "{SUBMISSION_GRAPH_PREFIX}"))
}}"""
    rows = store.select(query)
    candidates = [(str(row["date"]), str(row["g"])) for row in rows if "g" in row and "date" in row]
    return max(candidates)[1] if candidates else None


def validate_institution(store: Store, institution: str, *, shapes: Graph | None = None,
                         catalogue: Graph | None = None, engine: str = "fast") -> Validation:
    """Validate the newest submission of ``institution`` (IRI or unified business number).

    See :func:`validate_stored`. Raises :class:`UnknownInstitution` when no submission
    describes it and :class:`NoCatalogue` when the store holds no catalogue.
    """
    graph_iri = newest_submission_graph(store, institution)
    if graph_iri is None:
        raise UnknownInstitution(f"no submission in {getattr(store, 'url', 'the store')} "
                                 f"describes the institution {institution}")
    return validate_stored(store, graph_iri, shapes=shapes, catalogue=catalogue, engine=engine)


def validate_stored(store: Store, graph_iri: str, *, shapes: Graph | None = None,
                    catalogue: Graph | None = None, engine: str = "fast") -> Validation:
    """Validate the submission graph ``graph_iri`` of ``store`` with the catalogue (default: the
    store's catalogue graph); the :class:`Validation` names the graph.

    With the fast engine and the store's own catalogue, the engine reads the store's view of the
    two graphs (``Store.view``: the embedded store's graphs where they are, a server's copied into
    memory); otherwise they are copied out into rdflib (``store.graph_triples``, which is slow for
    large submissions). Raises :class:`NoCatalogue` when the store holds no catalogue.
    """
    if catalogue is None and engine == "fast":
        if store.ask(f"ASK {{ <{FSC.Evidence}> a <{OWL.Class}> }}", default_graphs=[CATALOGUE_GRAPH]):
            from mapper.validate.fast import FastEngine

            shapes, compiled = project_shapes() if shapes is None else (shapes, FastEngine(shapes))
            return run_fast(compiled, store.view([graph_iri, CATALOGUE_GRAPH]), shapes, graph_iri)
    if catalogue is None:
        catalogue = store.graph_triples(CATALOGUE_GRAPH)
        if len(catalogue) == 0:
            raise NoCatalogue(f"the store holds no catalogue (graph <{CATALOGUE_GRAPH}> is empty)")
    return Validator(catalogue=catalogue, shapes=shapes, engine=engine).validate(
        store.graph_triples(graph_iri), graph_iri=graph_iri)
