"""Bilingual labels for any IRI, read once per analysis with one generic query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from mapper.catalogue.records import Label
from mapper.queries import query_text
from mapper.store import Store


@dataclass(frozen=True)
class Labels:
    """zh-Hant and English labels by IRI; an IRI without a label shows its local name."""

    by_iri: dict

    def __call__(self, iri: str) -> Label:
        found = self.by_iri.get(str(iri))
        if found:
            return found
        local = str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return Label(local, local)


def read_labels(store: Store, graphs: Sequence[str]) -> Labels:
    by_iri = {}
    for row in store.select_values(query_text("labels"), default_graphs=list(graphs)):
        zh, en = row.get("labelZh"), row.get("labelEn")
        by_iri[str(row["term"])] = Label(str(zh or en or ""), str(en or zh or ""))
    return Labels(by_iri)
