"""Bilingual words for IRIs, read from data: a submission's subjects and the vocabulary's terms.

:class:`Labels` names any IRI of a submission (one generic query per analysis); :class:`Vocabulary`
holds the words reports and the viewer use for the vocabulary's own terms (the kind of a subject,
a verdict), read from the ontology (``fsc:shortLabel`` where a term has one, else ``rdfs:label``),
so no such word is written in Python. The engine's code names for kinds and verdicts map to the
terms in :data:`KIND_TERMS` and :data:`VERDICT_TERMS`.

>>> Label("公平性", "fairness").both()
'公平性 / fairness'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from mapper.namespaces import FSC
from mapper.rq import query_text
from mapper.store import Store

#: The engine's names for the kinds of subject and of trace node, and the vocabulary term each is.
KIND_TERMS = {"institution": str(FSC.Institution), "system": str(FSC.AISystem), "vendor": str(FSC.Vendor),
              "evidence": str(FSC.Evidence), "measure": str(FSC.Measure), "gap": str(FSC.Gap),
              "principle": str(FSC.Principle), "chapter": str(FSC.Chapter), "section": str(FSC.Section),
              "subject": str(FSC.subject)}
#: The engine's names for the three verdicts, and their terms (ontology/rules.ttl).
VERDICT_TERMS = {"applies": str(FSC.Applies), "does-not-apply": str(FSC.DoesNotApply),
                 "undetermined": str(FSC.Undetermined)}


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def both(self) -> str:
        """Traditional Chinese first, English beside."""
        return f"{self.zh} / {self.en}"


def local_name(iri: str) -> str:
    """The last segment of an IRI, a label of last resort.

    >>> local_name("https://w3id.org/fscai/def#Implemented"), local_name("https://bank.example/id/chatbot/")
    ('Implemented', 'chatbot')
    """
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass(frozen=True)
class Labels:
    """zh-Hant and English labels by IRI; an IRI without a label shows its local name."""

    by_iri: Mapping[str, Label]

    def __call__(self, iri: str) -> Label:
        found = self.by_iri.get(str(iri))
        if found:
            return found
        local = local_name(iri)
        return Label(local, local)


def read_labels(store: Store, graphs: Sequence[str]) -> Labels:
    """The labels of every labelled resource in ``graphs`` (``rdfs:label`` or ``dct:title``)."""
    return Labels(_labels(store, "labels", graphs))


@dataclass(frozen=True)
class Vocabulary:
    """The words for the vocabulary's terms; :meth:`kind` and :meth:`verdict` take the engine's names."""

    labels: Labels = field(default_factory=lambda: Labels({}))

    def label(self, iri: str) -> Label:
        return self.labels(iri)

    def kind(self, kind: str) -> Label:
        """What a kind of subject or trace node is called (``institution``, ``system``, ...)."""
        return self.labels(KIND_TERMS[kind])

    def verdict(self, verdict: str) -> Label:
        """What a verdict is called (``applies``, ``does-not-apply``, ``undetermined``)."""
        return self.labels(VERDICT_TERMS[verdict])


def read_vocabulary(store: Store, graphs: Sequence[str]) -> Vocabulary:
    """The vocabulary's words as the knowledge in ``graphs`` (the catalogue graph) says them."""
    return Vocabulary(Labels(_labels(store, "vocabulary", graphs)))


def _labels(store: Store, query: str, graphs: Sequence[str]) -> dict[str, Label]:
    by_iri = {}
    for row in store.select_values(query_text(query), default_graphs=list(graphs)):
        zh, en = row.get("labelZh"), row.get("labelEn")
        by_iri[str(row["term"])] = Label(str(zh or en or ""), str(en or zh or ""))
    return by_iri
