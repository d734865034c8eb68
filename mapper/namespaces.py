"""The IRIs every module shares: vocabulary, catalogue individuals and named graphs.

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
#: The named graph that holds the catalogue; no submission may write to it.
CATALOGUE_GRAPH = "https://w3id.org/fscai/graph/catalogue"
#: Prefix of the named graphs that hold submissions (one per institution and date).
SUBMISSION_GRAPH_PREFIX = "https://w3id.org/fscai/graph/submission/"

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
    "sh": "http://www.w3.org/ns/shacl#",
}
