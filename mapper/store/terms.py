"""RDF terms and data between pyoxigraph and rdflib: the one place that converts them.

The store answers with pyoxigraph terms; the seam hands rdflib terms to its callers (pySHACL and
the reports need rdflib), and the validation's fast path reads rdflib terms back into pyoxigraph.
Both directions, the row and graph conversions built on them, and the canonical N-Quads dump that
makes two stores comparable live here, so every backend and every reader converts alike.

>>> to_rdflib(ox.Literal("chat", language="fr"))
rdflib.term.Literal('chat', lang='fr')
>>> to_ox(to_rdflib(ox.Literal("0.50", datatype=ox.NamedNode(XSD + "decimal")))).value
'0.50'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from mapper.store import Row, StoreError

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"

def to_rdflib(term: Any) -> Identifier:
    """The rdflib term equal to a pyoxigraph term.

    A literal keeps its lexical form byte for byte (``normalize=False``), an ``xsd:string``
    literal comes back as a plain ``Literal(value)`` (the same RDF term).

    >>> to_rdflib(ox.Literal("0.50", datatype=ox.NamedNode(XSD + "decimal")))
    rdflib.term.Literal('0.50', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    >>> to_rdflib(ox.Literal("plain"))
    rdflib.term.Literal('plain')
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.direction is not None:
            raise StoreError(f"unsupported RDF 1.2 directional literal {term}")
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise StoreError(f"unsupported RDF term {term!r}: only IRIs, blank nodes and literals are supported")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term equal to an rdflib term (blank-node labels kept).

    >>> to_ox(Literal("chat", lang="fr"))
    <Literal value=chat language=fr>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise TypeError(f"not an RDF term: {term!r}")


def plain_value(term: Any) -> str:
    """A pyoxigraph term as the string ``str()`` gives of its rdflib twin: an IRI, a literal's
    lexical form, a blank node's label."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def rows_from_solutions(solutions: ox.QuerySolutions, convert: Callable[[Any], Any] = to_rdflib) -> list[Row]:
    """SELECT solutions as rows of rdflib terms (or of ``convert(term)``); unbound variables left out."""
    names = [variable.value for variable in solutions.variables]
    return [{name: convert(term) for name, term in zip(names, solution) if term is not None}
            for solution in solutions]


def values_from_solutions(solutions: ox.QuerySolutions) -> list[dict[str, str]]:
    """SELECT solutions as rows of plain strings (:func:`plain_value`); unbound variables left out."""
    return rows_from_solutions(solutions, plain_value)


def graph_from_triples(triples: Iterable[Any]) -> Graph:
    """Copy pyoxigraph triples (or quads, graph name ignored) into a new rdflib Graph."""
    graph = Graph()
    for triple in triples:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph


def rdf_format_for(media_type: str) -> ox.RdfFormat:
    """The pyoxigraph RDF format of a media type, or :class:`StoreError`."""
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise StoreError(f"unsupported RDF media type {media_type!r}")
    return rdf_format


def parse_rdf(data: bytes, media_type: str, *, base_iri: str) -> list[ox.Quad]:
    """Parse graph data (no named graphs allowed) into default-graph quads.

    Blank nodes get fresh random labels so that two loads never share a blank node.
    Relative IRIs are resolved against ``base_iri``.

    >>> [str(q.object) for q in parse_rdf(b'<s> <p> "x"@en .', "text/turtle", base_iri="https://example.org/")]
    ['"x"@en']
    >>> parse_rdf(b"<s> <p> .", "text/turtle", base_iri="https://example.org/")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: invalid text/turtle data: Parser error at line 1 column 9: ...
    """
    rdf_format = rdf_format_for(media_type)
    with parsing(media_type):
        return list(ox.parse(data, rdf_format, base_iri=base_iri, without_named_graphs=True, rename_blank_nodes=True))


@contextmanager
def parsing(media_type: str) -> Iterator[None]:
    """Oxigraph's parse errors inside as :class:`~mapper.store.StoreError` naming the format: a
    syntax error, and a single term over the parser's 16 MiB buffer (a ``MemoryError`` there)."""
    try:
        yield
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"invalid {media_type} data: {error}") from error
    except MemoryError as error:
        if "buffer maximal size" not in str(error):
            raise
        raise StoreError(f"invalid {media_type} data: a term is longer than the parser takes ({error})") from error


def canonical_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """Serialize quads as sorted N-Quads with canonical blank node labels (RDFC-1.0).

    Isomorphic datasets give identical bytes, whatever the insertion order.

    >>> q = ox.Quad(ox.BlankNode(), ox.NamedNode("https://example.org/p"), ox.Literal("x"), ox.NamedNode("https://example.org/g"))
    >>> canonical_nquads([q])
    b'_:c14n0 <https://example.org/p> "x" <https://example.org/g> .\\n'
    """
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    serialized = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS)
    return b"".join(sorted(line + b"\n" for line in serialized.splitlines()))


def named_node(iri: str) -> ox.NamedNode:
    """A pyoxigraph IRI, or :class:`StoreError` if ``iri`` is not an absolute IRI."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise StoreError(f"invalid graph IRI {iri!r}: {error}") from error
