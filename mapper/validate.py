"""Validate a submission with the SHACL shapes in ``shapes/`` and report the findings.

The data graph is the submission's triples and the catalogue's (so that ``sh:class
fsc:Measure`` can see that ``fscg:measure-2.1.3`` is a measure), validated with no inference,
no ``owl:imports`` and no network, and every ``sh:ValidationResult`` becomes a
:class:`Finding` carrying the shape's bilingual message and the guideline section the shape
cites (its ``dct:source`` locator).

Two engines give the same findings (``tests/test_validate_engines.py`` checks every shape test
case and every example): ``fast``, the default (SHACL Core in Rust, SHACL-SPARQL on Oxigraph,
reading an embedded store's graphs in place: :mod:`mapper.validate_fast`), and ``pyshacl``,
the reference, which needs the data copied into one rdflib graph and is 10-100 times slower
(``bench/bench_analysis.py``).

Shapes are data: :func:`load_shapes` reads every ``*.ttl`` under ``shapes/``, so a compliance
architect's new shape file takes effect with no code change. The submission's conformance
follows SHACL severities: only ``sh:Violation`` results make it non-conforming; warnings and
infos are reported beside it.

>>> from rdflib import Graph
>>> from mapper.ontology import catalogue_graph
>>> data = Graph().parse(format="turtle", data='''
... @prefix fsc: <https://w3id.org/fscai/def#> .
... <https://bank.example/> a fsc:Institution ; fsc:unifiedBusinessNumber "1234" .
... ''')
>>> findings = validate_graph(data, catalogue=catalogue_graph())
>>> ubn = [f for f in findings if f.path == str(FSC.unifiedBusinessNumber)][0]
>>> ubn.severity, ubn.value, ubn.section == str(FSCG["section-1.1"])
('Violation', '1234', True)
>>> print(ubn.message_zh)
金融機構須恰有一個統一編號（fsc:unifiedBusinessNumber），為8位數字之字串，例如 "12345675"。
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from mapper.layout import Layout, project_layout
from mapper.namespaces import CATALOGUE_GRAPH, FSC, FSCG, PREFIXES, SUBMISSION_GRAPH_PREFIX
from mapper.validate_oxdata import OxData, copy_graph, oxigraph_of

if TYPE_CHECKING:  # pragma: no cover
    from mapper.store import Store

__all__ = [
    "ENGINES",
    "Finding",
    "Validation",
    "Validator",
    "UnknownInstitution",
    "NoCatalogue",
    "load_shapes",
    "validate",
    "validate_graph",
    "validate_institution",
    "validate_stored",
    "newest_submission_graph",
    "render_text",
    "render_json",
    "render_turtle",
]

SH = Namespace("http://www.w3.org/ns/shacl#")
#: Namespace of the project's shapes.
FSCS = Namespace("https://w3id.org/fscai/shapes#")

#: SHACL severity -> (name used in findings, zh-Hant word), most severe first.
SEVERITIES: dict[URIRef, tuple[str, str]] = {
    SH.Violation: ("Violation", "違規"),
    SH.Warning: ("Warning", "警告"),
    SH.Info: ("Info", "資訊"),
}
_SEVERITY_ORDER = {name: i for i, (name, _) in enumerate(SEVERITIES.values())}
_SEVERITY_ZH = {name: zh for name, zh in SEVERITIES.values()}
_PART_EN = {"主要概念": "main concepts", "落實核心原則之建議作法": "recommended practices"}
_UBN = re.compile(r"^[0-9]{8}$")
#: ``fast``: SHACL Core in Rust and SHACL-SPARQL on Oxigraph (:mod:`mapper.validate_fast`), the
#: default; ``pyshacl``: the reference engine, 10-100 times slower, same findings.
ENGINES = ("fast", "pyshacl")
_DATA = "urn:fscai:validate:data"


class UnknownInstitution(LookupError):
    """No submission graph in the store describes the requested institution."""


class NoCatalogue(LookupError):
    """The store holds no catalogue graph to validate against."""


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in the words a compliance officer reads.

    ``severity`` is ``Violation``, ``Warning`` or ``Info``; ``focus``, ``path``, ``value``
    and ``shape`` are IRIs or literal text (a blank node focus is ``_:id``); ``section`` is
    the IRI of the guideline section (or chapter, where the shape cites no section) the
    shape serves. The ``*_label`` fields are for reports and may be empty.
    """

    severity: str
    focus: str
    path: str | None
    value: str | None
    message_zh: str
    message_en: str
    shape: str
    section: str | None
    focus_label: str = ""
    section_label_zh: str = ""
    section_label_en: str = ""

    @property
    def shown_value(self) -> str | None:
        """The value to show a reader: none when there is none or it is the focus node itself."""
        return self.value if self.value is not None and self.value != self.focus else None

    @property
    def sort_key(self) -> tuple:
        return (_SEVERITY_ORDER.get(self.severity, 9), self.section or "", self.focus, self.shape,
                self.path or "", self.value or "")


@dataclass(frozen=True)
class Validation:
    """The outcome of validating one submission graph."""

    conforms: bool
    findings: tuple[Finding, ...]
    results: Graph = field(compare=False, repr=False)
    graph_iri: str | None = None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


# --- shapes -------------------------------------------------------------------------------


def load_shapes(root: str | Path | Layout | None = None) -> Graph:
    """Every ``*.ttl`` file under the shapes directory, parsed into one graph.

    ``root`` is a project tree (its ``shapes/`` is read), a shapes directory itself, or
    ``None`` for this project's. Files are read in sorted order; subdirectories count, except
    ``rules/``.

    >>> shapes = load_shapes()
    >>> (FSCS["Evidence-owner"], SH.path, FSC.owner) in shapes
    True
    """
    if root is None or isinstance(root, Layout):
        directory = (root or project_layout()).shapes_dir
    else:
        root = Path(root)
        directory = root / "shapes" if (root / "shapes").is_dir() else root
    if not directory.is_dir():
        raise FileNotFoundError(f"no shapes directory at {directory}")
    graph = Graph()
    _bind(graph)
    # shapes/rules/ holds applicability and tier rules (data for mapper.classify), not shapes.
    for path in sorted(p for p in directory.rglob("*.ttl") if (directory / "rules") not in p.parents):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=4)
def _vocabulary(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _with_vocabulary(catalogue: Graph) -> Iterable[Graph]:
    """The catalogue, plus the submission vocabulary if the catalogue lacks it.

    The shapes rely on its class hierarchy (``fsc:RiskManagementPolicy`` is a
    ``fsc:Evidence``) and its individuals (``fsc:Bank`` is a ``fsc:InstitutionType``).
    """
    yield catalogue
    if (FSC.Evidence, RDF.type, OWL.Class) not in catalogue:
        path = project_layout().ontology_dir / "submission.ttl"
        if path.is_file():
            yield _vocabulary(path)


# --- validation ---------------------------------------------------------------------------


class Validator:
    """The catalogue and shapes prepared once, to validate many submissions in turn.

    Copying the catalogue (about 5,000 triples) into a graph costs more than validating a
    small submission, so the copy is made once: each :meth:`validate` adds the
    submission's triples beside it and removes them again. ``engine`` is one of
    :data:`ENGINES`: ``fast`` (the default) compiles the shapes once for the Rust engine;
    ``pyshacl`` runs pySHACL (``inference="none"``, which never writes to the data graph).
    Both give the same findings. A lock serialises calls; for parallel work, give each
    worker its own Validator.

    >>> from mapper.ontology import catalogue_graph
    >>> validator = Validator(catalogue=catalogue_graph())
    >>> validator.validate(Graph()).conforms
    True
    """

    def __init__(self, *, catalogue: Graph, shapes: Graph | None = None, engine: str = "fast") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")
        self.shapes = load_shapes() if shapes is None else shapes
        self.engine = engine
        self._base = Graph()
        _bind(self._base)
        for source in _with_vocabulary(catalogue):
            self._base += source
        self._lock = threading.Lock()
        self._fast = self._ox = None
        if engine == "fast":
            from mapper.validate_fast import FastEngine

            self._fast = FastEngine(self.shapes)
            self._ox = OxData.from_graphs([self._base])  # the catalogue, once, as graph 0


    def validate(self, data: Graph, *, graph_iri: str | None = None) -> Validation:
        """Validate one submission's triples; ``data`` is not modified."""
        if self._fast is not None:
            with self._lock:
                copy_graph(data, self._ox.store, _named(_DATA))
                try:
                    return run_fast(self._fast, OxData(self._ox.store, (_named(_DATA),) + self._ox.graphs),
                                    self.shapes, graph_iri)
                finally:
                    self._ox.store.remove_graph(_named(_DATA))
        with self._lock:
            base = self._base
            added = [t for t in data if t not in base]
            base.addN((s, p, o, base) for s, p, o in added)
            try:
                _, results, _ = pyshacl.validate(
                    base, shacl_graph=self.shapes, inference="none", abort_on_first=False,
                    allow_warnings=True, allow_infos=True, meta_shacl=False, advanced=False,
                    do_owl_imports=False, js=False, inplace=True,
                )
                _bind(results)
                findings = tuple(sorted(
                    (_finding(results, r, self.shapes, base)
                     for r in results.subjects(RDF.type, SH.ValidationResult)),
                    key=lambda f: f.sort_key))
            finally:
                for triple in added:
                    base.remove(triple)
        conforms = not any(f.severity == "Violation" for f in findings)
        return Validation(conforms=conforms, findings=findings, results=results, graph_iri=graph_iri)


def _project_engine():
    """The project's shapes and their compiled engine, kept while the shape files are unchanged."""
    files = project_layout().shape_files()
    return _compiled_shapes(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@lru_cache(maxsize=2)
def _compiled_shapes(files: tuple) -> tuple[Graph, object]:
    from mapper.validate_fast import FastEngine

    shapes = load_shapes()
    return shapes, FastEngine(shapes)


def _named(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def run_fast(engine, data: OxData, shapes: Graph, graph_iri: str | None) -> Validation:
    """Validate ``data`` with a :class:`~mapper.validate_fast.FastEngine`; findings as pySHACL's."""
    results = engine.validate(data)
    _bind(results)
    view = data.view()
    findings = tuple(sorted((_finding(results, r, shapes, view) for r in results.subjects(RDF.type, SH.ValidationResult)),
                            key=lambda f: f.sort_key))
    conforms = not any(f.severity == "Violation" for f in findings)
    return Validation(conforms=conforms, findings=findings, results=results, graph_iri=graph_iri)


def validate(data: Graph, *, catalogue: Graph, shapes: Graph | None = None,
             graph_iri: str | None = None, engine: str = "fast") -> Validation:
    """Validate ``data`` (one submission) with ``shapes`` (default :func:`load_shapes`).

    The data and the catalogue are validated together; neither argument is modified. No
    inference, no ``owl:imports``, no meta-validation of the shapes. To validate many
    submissions against one catalogue, use a :class:`Validator`.
    """
    return Validator(catalogue=catalogue, shapes=shapes, engine=engine).validate(data, graph_iri=graph_iri)


def validate_graph(data: Graph, *, catalogue: Graph, shapes: Graph | None = None,
                   engine: str = "fast") -> list[Finding]:
    """The findings of :func:`validate`, most severe first."""
    return list(validate(data, catalogue=catalogue, shapes=shapes, engine=engine).findings)


def newest_submission_graph(store: "Store", institution: str) -> str | None:
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


def validate_institution(store: "Store", institution: str, *, shapes: Graph | None = None,
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


def validate_stored(store: "Store", graph_iri: str, *, shapes: Graph | None = None,
                    catalogue: Graph | None = None, engine: str = "fast") -> Validation:
    """Validate the submission graph ``graph_iri`` of ``store`` with the catalogue (default: the
    store's catalogue graph); the :class:`Validation` names the graph.

    With the fast engine, an embedded Oxigraph store and the store's own catalogue, the graphs
    are read where they are; otherwise they are copied out (``store.graph_triples``, rdflib:
    ~13,000 triples a second). Raises :class:`NoCatalogue` when the store holds no catalogue.
    """
    embedded = oxigraph_of(store)
    if catalogue is None and embedded is not None and engine == "fast":
        if store.ask(f"ASK {{ <{FSC.Evidence}> a <{OWL.Class}> }}", default_graphs=[CATALOGUE_GRAPH]):
            from mapper.validate_fast import FastEngine

            shapes, engine_ = _project_engine() if shapes is None else (shapes, FastEngine(shapes))
            data = OxData(embedded, (_named(graph_iri), _named(CATALOGUE_GRAPH)))
            return run_fast(engine_, data, shapes, graph_iri)
    if catalogue is None:
        catalogue = store.graph_triples(CATALOGUE_GRAPH)
        if len(catalogue) == 0:
            raise NoCatalogue(f"the store holds no catalogue (graph <{CATALOGUE_GRAPH}> is empty)")
    return Validator(catalogue=catalogue, shapes=shapes, engine=engine).validate(
        store.graph_triples(graph_iri), graph_iri=graph_iri)


# --- from a pySHACL result to a Finding --------------------------------------------------------


def _finding(results: Graph, result: Node, shapes: Graph, data: Graph) -> Finding:
    shape = results.value(result, SH.sourceShape)
    owner = _owner_shape(shapes, shape)
    severity = SEVERITIES.get(results.value(result, SH.resultSeverity), ("Violation", ""))[0]
    messages = _by_language(results.objects(result, SH.resultMessage))
    if "zh-Hant" not in messages or "en" not in messages:
        for candidate in (shape, owner):
            for lang, text in _by_language(shapes.objects(candidate, SH.message)).items():
                messages.setdefault(lang, text)
    message_en = messages.get("en") or messages.get(None) or ""
    message_zh = messages.get("zh-Hant") or message_en
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    section, label_zh, label_en = _section(shapes, data, owner)
    return Finding(
        severity=severity,
        focus=_text(focus),
        path=_text(path) if path is not None and not isinstance(path, BNode) else None,
        value=_text(value) if value is not None else None,
        message_zh=message_zh,
        message_en=message_en,
        shape=_text(owner),
        section=section,
        focus_label=_label_of(data, focus),
        section_label_zh=label_zh,
        section_label_en=label_en,
    )


def _owner_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named shape that a result belongs to: the source shape itself, or, for a blank
    property shape nested with ``sh:property``, the shape that holds it."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(None, SH.property, shape) or shapes.value(None, SH.node, shape)
        if parent is None:
            break
        shape = parent
    return shape


def _section(shapes: Graph, data: Graph, shape: Node | None) -> tuple[str | None, str, str]:
    """The guideline section a shape cites (else its chapter) and its labels."""
    for locator in sorted(shapes.objects(shape, DCTERMS.source), key=str) if shape is not None else ():
        target = shapes.value(locator, FSC.section) or shapes.value(locator, FSC.chapter)
        if target is None:
            continue
        zh, en = _labels(data, target)
        notation = data.value(target, SKOS.notation)
        if notation is not None and shapes.value(locator, FSC.section) is not None:
            zh, en = f"{notation} {zh}", f"{notation} {en}"
        part = shapes.value(locator, FSC.part)
        if shapes.value(locator, FSC.section) is None and part is not None:
            zh, en = f"{zh}（{part}）", f"{en} ({_PART_EN.get(str(part), str(part))})"
        if shapes.value(locator, FSC.chapter) is not None and shapes.value(locator, FSC.section) is not None:
            chapter = shapes.value(locator, FSC.chapter)
            czh, cen = _labels(data, chapter)
            if czh:
                zh, en = f"{czh} › {zh}", f"{cen} › {en}"
        return str(target), zh, en
    return None, "", ""


def _labels(graph: Graph, node: Node) -> tuple[str, str]:
    found = _by_language(graph.objects(node, RDFS.label))
    en = found.get("en") or found.get(None) or _compact(node)
    return found.get("zh-Hant") or en, en


def _by_language(literals: Iterable[Node]) -> dict[str | None, str]:
    """Literals by language tag, keyed ``"zh-Hant"``, ``"en"``, ... as written in this module.

    Language tags are case-insensitive (BCP 47) and pyoxigraph lower-cases them
    (``zh-hant``), so they are compared without case.
    """
    canonical = {"zh-hant": "zh-Hant", "en": "en"}
    out: dict[str | None, str] = {}
    for literal in sorted(literals, key=str):
        if isinstance(literal, Literal):
            lang = literal.language.lower() if literal.language else None
            out.setdefault(canonical.get(lang, lang), str(literal))
    return out


def _label_of(graph: Graph, node: Node | None) -> str:
    """A name for a focus node: its rdfs:label (zh-Hant first) or dct:title; for an unnamed
    blank node, its class and the named node that points at it."""
    if node is None or isinstance(node, Literal):
        return ""
    for prop in (RDFS.label, DCTERMS.title):
        found = _by_language(graph.objects(node, prop))
        if found:
            return found.get("zh-Hant") or found.get("en") or next(iter(found.values()))
    measure, subject = graph.value(node, FSC.measure), graph.value(node, FSC.subject)
    if measure is not None and subject is not None:
        notation = graph.value(measure, SKOS.notation) or _compact(measure)
        return f"{_label_of(graph, subject) or _compact(subject)}：{notation} 之落實情形聲明"
    if isinstance(node, BNode):
        kind = graph.value(node, RDF.type)
        kind_name = _labels(graph, kind)[0] if kind is not None else ""
        referrer = next(iter(graph.subjects(None, node)), None)
        owner = _label_of(graph, referrer) if referrer is not None and referrer != node else ""
        return "".join(x for x in (owner, "之" if owner and kind_name else "", kind_name))
    return ""


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


_PREFIXES = dict(PREFIXES, fscs=str(FSCS), schema="https://schema.org/", dcat="http://www.w3.org/ns/dcat#")


def _bind(graph: Graph) -> None:
    for prefix, iri in _PREFIXES.items():
        graph.bind(prefix, iri)


def _compact(node: Node | str | None) -> str:
    """``fsc:measure`` for a known namespace, ``<iri>`` otherwise."""
    if node is None:
        return ""
    text = str(node)
    if isinstance(node, Literal):
        return text
    for prefix, iri in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri) and re.fullmatch(r"[A-Za-z0-9_.\-]*", text[len(iri):]):
            return f"{prefix}:{text[len(iri):]}"
    return text if text.startswith("_:") else f"<{text}>"


# --- reports --------------------------------------------------------------------------------


def render_text(validation: Validation) -> str:
    """A report for a compliance officer: Traditional Chinese first, then English.

    >>> print(render_text(Validation(True, (), Graph(), "https://w3id.org/fscai/graph/submission/12345675/2025-06-30")))
    驗證結果：符合（0 項違規、0 項警告、0 項資訊）
    Result: conforms (0 violations, 0 warnings, 0 infos)
    申報圖 / Submission graph: <https://w3id.org/fscai/graph/submission/12345675/2025-06-30>
    <BLANKLINE>
    """
    v, w, i = (validation.count(s) for s in ("Violation", "Warning", "Info"))
    verdict_zh = "符合" if validation.conforms else "不符合"
    verdict_en = "conforms" if validation.conforms else "does not conform"
    lines = [f"驗證結果：{verdict_zh}（{v} 項違規、{w} 項警告、{i} 項資訊）",
             f"Result: {verdict_en} ({v} violation{'s' * (v != 1)}, {w} warning{'s' * (w != 1)}, "
             f"{i} info{'s' * (i != 1)})"]
    if validation.graph_iri:
        lines.append(f"申報圖 / Submission graph: <{validation.graph_iri}>")
    lines.append("")
    for n, f in enumerate(validation.findings, 1):
        focus = _compact(f.focus)
        name = f"「{f.focus_label}」 {focus}" if f.focus_label else focus
        lines.append(f"{n}. [{_SEVERITY_ZH.get(f.severity, f.severity)} {f.severity}] {name}")
        if f.path:
            lines.append(f"   屬性 / Property: {_compact(f.path)}")
        if f.shown_value is not None:
            lines.append(f"   值 / Value: {_compact(URIRef(f.value)) if _is_iri(f.value) else f.value}")
        lines.append(f"   {f.message_zh}")
        if f.message_en != f.message_zh:
            lines.append(f"   {f.message_en}")
        if f.section:
            lines.append(f"   依據 / Guideline: {f.section_label_zh} / {f.section_label_en}")
        lines.append(f"   規則 / Shape: {_compact(f.shape)}")
        lines.append("")
    return "\n".join(lines)


def _is_iri(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$", text)) and not text.startswith("_:")


def render_json(validation: Validation) -> str:
    """The findings as JSON (UTF-8 text, not ASCII-escaped).

    >>> json.loads(render_json(Validation(True, (), Graph())))["counts"]
    {'Violation': 0, 'Warning': 0, 'Info': 0}
    """
    document = {
        "conforms": validation.conforms,
        "graph": validation.graph_iri,
        "counts": {s: validation.count(s) for s in ("Violation", "Warning", "Info")},
        "findings": [asdict(f) for f in validation.findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_turtle(validation: Validation) -> str:
    """The pySHACL validation report graph (``sh:ValidationReport``) as Turtle."""
    return validation.results.serialize(format="turtle")
