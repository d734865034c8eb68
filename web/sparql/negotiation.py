"""Content negotiation (SPARQL 1.1 Protocol §2.1.6 and §2.2): which serialization answers.

SELECT: SPARQL JSON (default), XML, CSV, TSV. ASK: SPARQL JSON (default), XML (CSV and TSV
define no boolean form). CONSTRUCT and DESCRIBE: Turtle (default, also without ``Accept``),
N-Triples, JSON-LD, RDF/XML. A request whose ``Accept`` matches none of them gets 406.

The chosen format is named by a string (``Format.name``) so that it can cross a process
boundary; :func:`web.sparql.results.serialize` maps it to pyoxigraph's serializer.

>>> choose("SELECT", None).media_type
'application/sparql-results+json'
>>> choose("SELECT", "text/csv;q=0.9, application/sparql-results+xml").name
'xml'
>>> choose("CONSTRUCT", "*/*").media_type
'text/turtle'
>>> choose("ASK", "text/csv") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    name: str  # json | xml | csv | tsv | turtle | ntriples | jsonld | rdfxml
    media_type: str  # what the response's Content-Type says
    charset: bool = True  # add "; charset=utf-8"

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


JSON = Format("json", "application/sparql-results+json")
XML = Format("xml", "application/sparql-results+xml")
CSV = Format("csv", "text/csv")
TSV = Format("tsv", "text/tab-separated-values")
TURTLE = Format("turtle", "text/turtle")
NTRIPLES = Format("ntriples", "application/n-triples")
JSONLD = Format("jsonld", "application/ld+json")
RDFXML = Format("rdfxml", "application/rdf+xml")

#: Offers by query form, the default first; aliases answer with the media type the client named.
_RESULTS = (JSON, XML, Format("json", "application/json"), Format("xml", "application/xml"))
_OFFERS = {
    "SELECT": _RESULTS + (CSV, TSV),
    "ASK": _RESULTS,
    "CONSTRUCT": (TURTLE, NTRIPLES, JSONLD, RDFXML, Format("turtle", "application/x-turtle"),
                  Format("ntriples", "text/plain")),
}
_OFFERS["DESCRIBE"] = _OFFERS["CONSTRUCT"]
#: What the service description (an RDF graph) can be served as.
GRAPH_OFFERS = _OFFERS["CONSTRUCT"]


@lru_cache(maxsize=256)
def choose(form: str, accept: str | None) -> Format | None:
    """The format for a ``form`` query under an ``Accept`` header; None if nothing acceptable."""
    return choose_from(_OFFERS[form], accept)


def choose_from(offers: tuple[Format, ...], accept: str | None) -> Format | None:
    if not accept or not accept.strip():
        return offers[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    best = parsed.best_match([f.media_type for f in offers])
    return next((f for f in offers if f.media_type == best), None)


def offered(form: str) -> str:
    """The media types a ``form`` query can answer in, for a 406 message."""
    return ", ".join(dict.fromkeys(f.media_type for f in _OFFERS[form]))


def prefers_html(accept: str | None) -> bool:
    """Whether a request without a query wants the YASGUI page rather than the service description."""
    if not accept:
        return False
    parsed = parse_accept_header(accept, MIMEAccept)
    best = parsed.best_match(["text/turtle", "text/html"])
    return best == "text/html" and parsed.quality("text/html") > parsed.quality("text/turtle")
