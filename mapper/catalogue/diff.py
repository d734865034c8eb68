"""What changed between two revisions of the guideline catalogue (``fscai catalogue diff``).

A revision is read from a source of Turtle: a file, a directory of files, or the word
``installed`` (the project's own knowledge, what :mod:`mapper.catalogue.install` puts in a store).
Its measures are read by :func:`read_catalogue`, the reader every other face uses, over the source
together with the project's vocabulary (the ``fsc:`` terms: a source that holds only the catalogue
still has its sections known as sections); its identity (title, version IRI, date) is read from the
source alone.

Measures are matched by notation and by their zh-Hant text, the guideline's own words, never by IRI:
two revisions may mint their IRIs in different namespaces. A measure whose text is unchanged but
whose notation or section changed is *moved*, not removed and added again; one whose notation is
unchanged but whose text changed is *reworded*; stage, modality, modal keyword and translation are
compared on every matched pair, by notation and value, so no namespace shows through either.

>>> cat = read_catalogue(catalogue_graph())
>>> compare(cat, cat).empty
True
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from mapper.catalogue.ontology import catalogue_graph, parse_turtle_files  # noqa: F401 (doctest)
from mapper.catalogue.records import Catalogue, Statement, read_catalogue, sort_key
from mapper.labels import Label, Vocabulary
from mapper.layout import Layout
from mapper.namespaces import FSC

#: The word that names the project's own catalogue (``--root``) as a source.
INSTALLED = "installed"
#: The aspects compared on a matched pair, in the order they are reported.
ASPECTS = ("stage", "modality", "modal_keyword", "translation")


class SourceError(ValueError):
    """A catalogue source that cannot be read; the message names it, in both languages."""


@dataclass(frozen=True)
class Identity:
    """Which revision a source is: its guideline document and its ontology header, where present."""

    source: str
    document: str | None = None
    title: Label | None = None
    ontology: str | None = None
    version_iri: str | None = None
    version_info: str | None = None
    issued: str | None = None


@dataclass(frozen=True)
class Revision:
    identity: Identity
    catalogue: Catalogue


@dataclass(frozen=True)
class Pair:
    """One measure in both revisions: matched by text (moved) or by notation (reworded)."""

    old: Statement
    new: Statement


@dataclass(frozen=True)
class Change:
    """A change of one aspect (:data:`ASPECTS`) of a measure found in both revisions."""

    aspect: str
    pair: Pair
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Changes:
    added: tuple[Statement, ...] = ()
    removed: tuple[Statement, ...] = ()
    reworded: tuple[Pair, ...] = ()
    moved: tuple[Pair, ...] = ()
    changed: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.reworded or self.moved or self.changed)


@dataclass(frozen=True)
class CatalogueDiff:
    """Two revisions' identities, their measure counts and what changed between them."""

    old: Identity
    new: Identity
    old_measures: int
    new_measures: int
    changes: Changes
    #: The words for the vocabulary's terms (the aspects, the modalities), from the new revision.
    vocabulary: Vocabulary = field(default_factory=Vocabulary, compare=False, repr=False)


def _match(olds: list[Statement], news: list[Statement], key: Callable[[Statement], Hashable]):
    """Pair each old measure with the first unpaired new one of the same key; return the pairs and
    what is left of each side, in its order."""
    waiting: dict[Hashable, list[Statement]] = {}
    for new in news:
        waiting.setdefault(key(new), []).append(new)
    pairs, left = [], []
    for old in olds:
        candidates = waiting.get(key(old))
        if candidates:
            pairs.append(Pair(old, candidates.pop(0)))
        else:
            left.append(old)
    paired = {id(p.new) for p in pairs}
    return pairs, left, [n for n in news if id(n) not in paired]


def _section(m: Statement) -> str | None:
    return m.section.notation if m.section else None


def _aspects(pair: Pair, reworded: bool) -> list[Change]:
    """The changes of stage, modality, keyword and (for a measure whose text is the same) translation."""
    old, new = pair.old, pair.new
    values = {
        "stage": (old.stage.notation if old.stage else None, new.stage.notation if new.stage else None),
        "modality": (old.modality, new.modality),
        "modal_keyword": (old.modal_keyword, new.modal_keyword),
        "translation": (None, None) if reworded else (old.label.en, new.label.en),
    }
    return [Change(aspect, pair, *values[aspect]) for aspect in ASPECTS if values[aspect][0] != values[aspect][1]]


def compare(old: Catalogue, new: Catalogue) -> Changes:
    """The changes of the measures from ``old`` to ``new``.

    Matching runs in three rounds, each over what the rounds before left: same notation and same
    text (kept, or moved when the section changed), same text (moved: renumbered or placed in
    another section), same notation (reworded). What no round pairs is removed or added.
    """
    kept, olds, news = _match(list(old.measures), list(new.measures), lambda m: (m.notation, m.label.zh))
    by_text, olds, news = _match(olds, news, lambda m: m.label.zh)
    reworded, removed, added = _match(olds, news, lambda m: m.notation)
    moved = [p for p in kept if _section(p.old) != _section(p.new)] + by_text
    changed = [c for p in kept + by_text for c in _aspects(p, reworded=False)]
    changed += [c for p in reworded for c in _aspects(p, reworded=True)]

    def by_new(pair: Pair) -> tuple:
        return sort_key(pair.new.notation)

    return Changes(
        added=tuple(sorted(added, key=lambda m: sort_key(m.notation))),
        removed=tuple(sorted(removed, key=lambda m: sort_key(m.notation))),
        reworded=tuple(sorted(reworded, key=by_new)),
        moved=tuple(sorted(moved, key=by_new)),
        changed=tuple(sorted(changed, key=lambda c: (by_new(c.pair), ASPECTS.index(c.aspect)))),
    )


def diff_revisions(old: Revision, new: Revision) -> CatalogueDiff:
    """What changed from ``old`` to ``new``, with both identities: a pure function of the two."""
    return CatalogueDiff(old.identity, new.identity, len(old.catalogue.measures), len(new.catalogue.measures),
                         compare(old.catalogue, new.catalogue), new.catalogue.vocabulary)


# Reading a source ---------------------------------------------------------------------------------


def source_files(source: str, layout: Layout) -> tuple[Path, ...]:
    """The Turtle files of ``source``: the project's knowledge for ``installed``, the file itself,
    or every ``*.ttl`` under a directory."""
    if source == INSTALLED:
        return tuple(layout.knowledge_files())
    path = Path(source)
    if path.is_dir():
        files = tuple(sorted(path.rglob("*.ttl")))
        if not files:
            raise SourceError(f"目錄來源中沒有 Turtle 檔案 / no Turtle file (*.ttl) in the catalogue source {source}")
        return files
    if path.is_file():
        return (path,)
    raise SourceError(f"找不到目錄來源 / catalogue source not found: {source}")


def _parse(files: Sequence[Path]) -> Graph:
    graph = parse_turtle_files(())
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except SyntaxError as error:  # rdflib's BadSyntax: a line, and why
            line = getattr(error, "lines", None)
            where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
            why = getattr(error, "_why", None) or error
            raise SourceError(f"{where}: 不是有效的 Turtle / not valid Turtle: {why}") from None
        except (ValueError, OSError) as error:
            raise SourceError(f"{path}: 無法讀取 / cannot be read: {error}") from None
    return graph


def vocabulary_graph(layout: Layout) -> Graph:
    """The project's vocabulary: every triple of its ontology about an ``fsc:`` term (classes,
    properties, modalities), so a source that holds only the catalogue is read as a whole one."""
    vocabulary = Graph()
    for triple in parse_turtle_files(layout.ontology_files()):
        if isinstance(triple[0], URIRef) and str(triple[0]).startswith(str(FSC)):
            vocabulary.add(triple)
    return vocabulary


def _text(graph: Graph, subject, predicate, language: str | None = None) -> str | None:
    values = sorted(str(v) for v in graph.objects(subject, predicate)
                    if language is None or isinstance(v, Literal) and (v.language or "").lower() == language)
    return values[0] if values else None


def read_identity(graph: Graph, source: str) -> Identity:
    """The source's guideline document (``fsc:GuidelineDocument``, its ``dct:title``) and ontology
    header (``owl:Ontology``: ``owl:versionIRI``, ``owl:versionInfo``, ``dct:issued``), where present;
    of several, the first by IRI (an ontology with a version IRI first)."""
    documents = sorted(str(d) for d in graph.subjects(RDF.type, FSC.GuidelineDocument) if isinstance(d, URIRef))
    ontologies = sorted((graph.value(o, OWL.versionIRI) is None, str(o))
                        for o in graph.subjects(RDF.type, OWL.Ontology) if isinstance(o, URIRef))
    document = URIRef(documents[0]) if documents else None
    ontology = URIRef(ontologies[0][1]) if ontologies else None
    title = None
    for subject in (s for s in (document, ontology) if s is not None):
        zh, en = _text(graph, subject, DCTERMS.title, "zh-hant"), _text(graph, subject, DCTERMS.title, "en")
        if zh or en:
            title = Label(zh or en, en or zh)
            break
    return Identity(source, str(document) if document else None, title, str(ontology) if ontology else None,
                    _text(graph, ontology, OWL.versionIRI) if ontology else None,
                    _text(graph, ontology, OWL.versionInfo) if ontology else None,
                    _text(graph, ontology, DCTERMS.issued) if ontology else None)


def read_revision(source: str, layout: Layout, vocabulary: Graph | None = None) -> Revision:
    """One revision: its identity and its catalogue, read with the project's vocabulary.

    A source with no measure at all is refused: it is not a guideline catalogue (a wrong file).
    """
    graph = _parse(source_files(source, layout))
    identity = read_identity(graph, source)
    try:
        catalogue = read_catalogue(graph + (vocabulary if vocabulary is not None else vocabulary_graph(layout)))
    except (KeyError, ValueError) as error:
        raise SourceError(f"不是可讀的指引目錄 / not a readable guideline catalogue: {source} ({error})") from None
    if not catalogue.measures:
        raise SourceError(f"目錄來源中沒有建議措施 / no fsc:Measure in the catalogue source {source}")
    return Revision(identity, catalogue)


def diff_sources(old: str, new: str, layout: Layout) -> CatalogueDiff:
    """What changed from the source ``old`` to the source ``new`` (files, directories or ``installed``)."""
    vocabulary = vocabulary_graph(layout)
    return diff_revisions(read_revision(old, layout, vocabulary), read_revision(new, layout, vocabulary))
