"""The IRIs every module shares: the vocabulary, the catalogue's individuals, SHACL's; and prefixes.

>>> str(FSC.Measure)
'https://w3id.org/fscai/def#Measure'
>>> str(FSCG["measure-2.1.3"])
'https://w3id.org/fscai/guideline/draft/measure-2.1.3'
"""

from rdflib import Namespace

#: Core vocabulary: classes and properties of the guideline and of a submission.
FSC = Namespace("https://w3id.org/fscai/def#")
#: Guideline content (this draft revision): principles, sections, measures, stages, ...
FSCG = Namespace("https://w3id.org/fscai/guideline/draft/")
#: SHACL: the shapes' vocabulary and the validation report's.
SH = Namespace("http://www.w3.org/ns/shacl#")
#: The project's SHACL shapes.
FSCS = Namespace("https://w3id.org/fscai/shapes#")

PREFIXES = {
    "fsc": str(FSC),
    "fscg": str(FSCG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "sh": str(SH),
}
