"""OWL 2 DL consistency of the ontology, checked by HermiT through owlready2.

owlready2 reads N-Triples but not Turtle, and follows ``owl:imports`` over HTTP when it
loads: so the graph is written as N-Triples with every ``owl:imports`` removed first.
HermiT runs on Java; a missing ``java`` gives :class:`JavaMissing`, not a stack trace.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDFS, XSD, Graph

#: Datatypes outside the OWL 2 datatype map, which HermiT refuses in axioms (rdfs:range,
#: restrictions). The ontology keeps them for validation (SHACL checks the values); for the
#: DL check they are read as rdfs:Literal, which can only make the ontology more satisfiable
#: as far as those data values go.
OUTSIDE_OWL2_DATATYPE_MAP = frozenset({XSD.date, XSD.time, XSD.gYear, XSD.gYearMonth, XSD.gMonth,
                                       XSD.gMonthDay, XSD.gDay, XSD.duration})


class JavaMissing(RuntimeError):
    """HermiT needs a Java runtime on PATH."""


@dataclass(frozen=True)
class ReasonerResult:
    consistent: bool
    unsatisfiable: tuple[str, ...]
    explanation: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.consistent and not self.unsatisfiable


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise JavaMissing(
            "找不到 Java 執行環境：HermiT 推理機需要 Java（例如 apt-get install default-jre-headless）。 / "
            "No Java runtime on PATH: the HermiT reasoner needs Java (e.g. apt-get install default-jre-headless)."
        )
    return java


def hermit_check(graph: Graph) -> ReasonerResult:
    """Run HermiT over ``graph``; report consistency and unsatisfiable classes."""
    import owlready2  # imported here: it builds its quadstore machinery on import

    owlready2.JAVA_EXE = _java()
    clean = Graph()
    for s, p, o in graph:
        if p == OWL.imports:
            continue
        clean.add((s, p, RDFS.Literal if o in OUTSIDE_OWL2_DATATYPE_MAP else o))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fscai-hermit-") as tmp:
        path = Path(tmp) / "ontology.nt"
        clean.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            with world.get_ontology("http://fscai.invalid/inferences/"):
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyJavaError as error:
            first = next((line for line in str(error).splitlines() if "Exception" in line), str(error)[:300])
            return ReasonerResult(False, (), f"HermiT could not reason over the ontology: {first.strip()}",
                                  time.perf_counter() - started)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            detail = str(error).strip() or "HermiT gives no explanation; look for an individual in two disjoint classes"
            return ReasonerResult(False, (), f"HermiT: the ontology is inconsistent ({detail})",
                                  time.perf_counter() - started)
        unsatisfiable = tuple(sorted(
            cls.iri for cls in world.inconsistent_classes() if cls is not owlready2.Nothing
        ))
        world.close()
    explanation = ("HermiT: consistent, every class satisfiable" if not unsatisfiable
                   else "HermiT: unsatisfiable classes: " + ", ".join(unsatisfiable))
    return ReasonerResult(True, unsatisfiable, explanation, time.perf_counter() - started)
