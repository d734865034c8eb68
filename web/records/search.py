"""The search page's records: the catalogue and the principal's submissions in two FTS5 indexes.

What is found (:mod:`web.search_index` says how): the guideline's chapters, sections, main
concepts, measures and other statements, its defined and enumerated terms with their definitions,
the editorial notes, and of the submissions the reader may read: institutions, AI systems,
vendors and evidence (labels, and every other text said of them: a system's purpose, a vendor's
services and assessments' conclusions, ...) and the gap records (their kind, why the measure
applies, the specifics of what is missing: a date, an evidence title), each in both languages. A
measure is also found, below what names the words itself, through its section and the terms it
uses: those the guideline states in it or in a main concept whose obligation it carries
(``公平性`` finds the measures of 2.1 落實公平性, first 2.1.6 and 2.1.9, which carry 2.C.1 where
the guideline defines 公平性).

When each index is built: the catalogue's once per app, on the first search; the submissions' once
per principal and set of newest analysed submissions (and reference date), on that principal's
first search, from :func:`web.analyses.latest_analyses` (the store handle reads only the
principal's graphs, so an institution's index holds nothing of another's). Each is an in-memory
SQLite database: nothing to write or clean up on disk, rebuilt when the submissions change
(a new submission is a new key), the least recently used dropped as the trace is
(:func:`web.facts._cached`). The words for the kinds are the vocabulary's (``fsc:Principle``,
``fsc:Measure``, ... and :func:`web.records.common.kind_label`).
"""

from __future__ import annotations

from flask import current_app, url_for

from mapper.analysis import Analysis
from mapper.catalogue.records import Catalogue, Statement
from mapper.labels import KIND_TERMS, Label
from mapper.namespaces import FSC
from mapper.rq import read_rq
from web.analyses import catalogue, latest_analyses
from web.config import as_of
from web.facts import QUERY_DIR, _cached, submission_facts
from web.identity import principal
from web.records.common import institution_ref, kind_label, lab, subject_url
from web.search_index import Doc, Group, Index, build, find, marks
from web.store import get_store

#: Results read per kind; with ``kind=`` (one kind's every result), at most KIND_LIMIT.
LIMIT = 10
KIND_LIMIT = 200
#: Of a group's results on the page of every kind, how many show unfolded: the rest of the
#: group's first :data:`LIMIT` are folded under "more", and all of that kind are a link away (the
#: page of every kind stays under ~3 screens however many subjects match).
SHOWN = 5
#: The order of the groups on the page: the guideline's structure, its terms, then the submissions.
KIND_ORDER = ("principle", "chapter", "section", "MainConcept", "measure", "GeneralProvision",
              "PrefacePoint", "DefinedTerm", "LifecycleStage", "RiskFactor", "HumanOversightMode", "HigherRiskControl",
              "AlternativeConsideration", "CustomerNoticeItem", "note", "institution", "system", "vendor", "evidence",
              "gap")
SUBJECT_KINDS = ("institution", "system", "vendor", "evidence")
#: The catalogue's classes the engine has a name for (mapper.labels.KIND_TERMS); the others keep theirs.
_ENGINE_KIND = {"Principle": "principle", "GeneralChapter": "chapter", "Preface": "chapter", "Section": "section",
                "Measure": "measure"}
_KIND_OF_CLASS = {KIND_TERMS[k]: k for k in SUBJECT_KINDS}
SNIPPET_WIDTH = 120


# --- the catalogue's documents -----------------------------------------------------------------

def _small(notation: str, label: Label, endpoint: str | None = None) -> dict:
    record = {"notation": notation, "label": lab(label)}
    if endpoint:
        record["url"] = url_for(endpoint, notation=notation)
    return record


def statement_url(s: Statement) -> str:
    """A measure's (or assessable main concept's) page, else its chapter's, where it is listed."""
    if s.assessable:
        return url_for("pages.measure", notation=s.notation)
    return url_for("pages.principle", notation=s.chapter.notation)


def _named(notation: str, label: Label) -> tuple[str, str]:
    return f"{notation} {label.zh}", f"{notation} {label.en}"


def _kind(cls: str) -> str:
    return _ENGINE_KIND.get(cls, cls)


def catalogue_docs(cat: Catalogue) -> list[Doc]:
    """Chapters, sections, statements, editorial notes and terms, in the guideline's order."""
    docs = []
    for chapter in cat.chapters:
        docs.append(Doc(_kind(chapter.kind), chapter.notation, chapter.label.zh, chapter.label.en,
                        url_for("pages.principle", notation=chapter.notation)))
        principle = (_small(chapter.notation, chapter.label, "pages.principle"),)
        docs += [Doc("section", s.notation, s.label.zh, s.label.en, url_for("pages.section", notation=s.notation),
                     meta=principle) for s in chapter.sections]
    by_iri = {s.iri: s for s in cat.statements}
    # the terms a measure uses: those stated in it, or in a main concept whose obligation it carries
    used: dict[str, list] = {}
    for t in cat.terms:
        stated = by_iri.get(t.stated_in or "")
        for iri in (stated.iri, *stated.carried_by) if stated else ():
            used.setdefault(iri, []).append(t)
    for s in cat.statements:
        principle = (_small(s.chapter.notation, s.chapter.label, "pages.principle"),)
        context = [*_named(s.section.notation, s.section.label)] if s.section and s.kind == "Measure" else []
        for t in used.get(s.iri, ()):
            context += [t.label.zh, t.label.en]
        docs.append(Doc(_kind(s.kind), s.notation, s.label.zh, s.label.en, statement_url(s), context=tuple(context),
                        meta=principle))
        docs += [Doc("note", s.notation, s.label.zh, s.label.en, statement_url(s), body=(note,), meta=principle,
                     label_indexed=False) for note in s.notes]
    for t in cat.terms:
        stated = by_iri.get(t.stated_in or "")
        body = (t.definition.zh, t.definition.en) if t.definition else ()
        meta = (_small(stated.notation, stated.label) | {"url": statement_url(stated)},) if stated else ()
        docs.append(Doc(t.kind, t.notation, t.label.zh, t.label.en, statement_url(stated) if stated else None,
                        body=body, meta=meta))
    return docs


def catalogue_index() -> Index:
    """The catalogue's index, built once per app (the catalogue is read once per app)."""
    return _cached("fscai.search.catalogue", "catalogue", lambda: build(catalogue_docs(catalogue())))


# --- the submissions' documents ----------------------------------------------------------------

SUBJECT_TEXTS = QUERY_DIR / "search" / "subject-texts.rq"


def subject_texts(analysis: Analysis) -> dict[str, tuple[str, list[str]]]:
    """Subject IRI → (its kind, the texts its submission says of it beside its label)."""
    found: dict[str, tuple[str, list[str]]] = {}
    store = get_store()
    work = store.workspace([analysis.submission_graph])  # in memory: faster, copy included (bench/README)
    try:
        rows = work.select(read_rq(SUBJECT_TEXTS).text, default_graphs=[analysis.submission_graph])
    finally:
        if work is not store:
            work.close()
    for row in rows:
        kind = _KIND_OF_CLASS[str(row["class"])]
        found.setdefault(str(row["s"]), (kind, []))[1].append(str(row["text"]))
    return found


def _specifics(gap) -> tuple[str, ...]:
    """What a gap's "what is missing" adds to its kind's definition (a date, an evidence title):
    the definition, the same for every gap of the kind, is not indexed with each of thousands."""
    return tuple(full[len(common):].strip() for full, common in ((gap.missing.zh, gap.kind.missing.zh),
                                                                   (gap.missing.en, gap.kind.missing.en))
                 if full.startswith(common) and len(full) > len(common))


def submission_docs(analyses: list[Analysis]) -> list[Doc]:
    """The subjects and gap records of ``analyses``; a vendor or evidence several submissions name
    is one result, with the texts of each."""
    subjects: dict[str, dict] = {}
    gaps = []
    for analysis in analyses:
        inst = institution_ref(analysis)
        texts = subject_texts(analysis)
        kinds = {iri: kind for iri, (kind, _) in texts.items()}
        kinds.update({t.system: "system" for t in analysis.classification.tiers})
        kinds.update({v: "vendor" for v in submission_facts(analysis).vendors})
        kinds[analysis.institution] = "institution"
        for iri, kind in kinds.items():
            label = analysis.institution_label if kind == "institution" else analysis.classification.labels(iri)
            entry = subjects.setdefault(iri, {"kind": kind, "label": label, "texts": [], "institutions": [],
                                              "url": subject_url(kind, iri, analysis)})
            entry["texts"] += [t for t in texts.get(iri, ("", []))[1] if t not in entry["texts"]]
            if kind != "institution" and inst not in entry["institutions"]:
                entry["institutions"].append(inst)
            if kind == "institution":
                entry["notation"] = inst["ubn"]
        for gap in analysis.gaps:
            subject = {"label": lab(gap.subject_label), "kind_label": kind_label(gap.subject_kind),
                       "url": subject_url(gap.subject_kind, gap.subject, analysis)}
            measure = _small(gap.measure.notation, gap.measure.label, "pages.measure")
            gaps.append(Doc("gap", gap.measure.notation, gap.kind.label.zh, gap.kind.label.en,
                            url_for("pages.trace", iri=gap.id),
                            body=(gap.why.zh, gap.why.en, *_specifics(gap)),
                            context=(gap.subject_label.zh, gap.subject_label.en),
                            meta=(measure, subject, inst)))
    order = {kind: n for n, kind in enumerate(SUBJECT_KINDS)}
    docs = [Doc(e["kind"], e.get("notation", ""), e["label"].zh, e["label"].en, e["url"], body=tuple(e["texts"]),
                meta=tuple(e["institutions"]))
            for _, e in sorted(subjects.items(), key=lambda kv: (order[kv[1]["kind"]], kv[1]["label"].zh, kv[0]))]
    return docs + gaps


def submission_index() -> Index | None:
    """The index of the principal's newest analysed submissions (None if it may read none)."""
    analyses = latest_analyses()
    if not analyses:
        return None
    who = principal()
    key = (who.role, who.ubn, tuple(a.submission_graph for a in analyses), as_of(current_app))
    return _cached("fscai.search.submissions", key, lambda: build(submission_docs(analyses)))


def prepare(app) -> None:
    """Build the catalogue's index and the regulator's, before the first request (what ``fscai
    serve`` may call once it has read the analyses): a principal's first search then only queries."""
    from web.access import REGULATOR, Principal
    from web.identity import acting_as

    with app.test_request_context("/search"), acting_as(app, Principal(REGULATOR)):
        catalogue_index()
        submission_index()


# --- the page ----------------------------------------------------------------------------------

def group_label(kind: str) -> dict | None:
    """What the vocabulary calls a kind of result (None for editorial notes: the page words them)."""
    if kind in KIND_TERMS:
        return kind_label(kind)
    if kind == "note":
        return None
    return lab(catalogue().vocabulary.label(str(FSC[kind])))


def _segments(text: str, q: str, width: int | None = None) -> list[list]:
    return [[piece, hit] for piece, hit in marks(text, q, width)]


def hit_record(doc: Doc, exact: bool, q: str) -> dict:
    label = {"zh": _segments(doc.zh, q), "en": _segments(doc.en, q)} if doc.label_indexed else {}
    snippet = []
    if not (label.get("zh") or label.get("en")):
        snippet = next((s for s in (_segments(t, q, SNIPPET_WIDTH) for t in (*doc.body, *doc.context)) if s), [])
    return {"kind": doc.kind, "notation": doc.notation, "label": {"zh": doc.zh, "en": doc.en}, "url": doc.url,
            "exact": exact, "marked": label, "snippet": snippet, "meta": list(doc.meta)}


def _group(group: Group, q: str, kind: str | None) -> dict:
    return {"kind": group.kind, "label": group_label(group.kind), "total": group.total,
            "hits": [hit_record(h.doc, h.exact, q) for h in group.hits],
            "all_url": (None if kind or group.total <= len(group.hits)
                        else url_for("pages.search", q=q, kind=group.kind))}


def search(q: str, kind: str | None = None) -> dict:
    """Everything the reader may read that matches ``q``, grouped by kind with each group's count;
    with ``kind``, that kind's results only (up to :data:`KIND_LIMIT`)."""
    q = (q or "").strip()
    found = {"q": q, "kind": kind, "groups": [], "total": 0, "limit": KIND_LIMIT if kind else LIMIT,
             "shown": None if kind else SHOWN}
    if not q:
        return found
    kinds = [kind] if kind else None
    groups: list[Group] = []
    for index in (catalogue_index(), submission_index()):
        if index is not None:
            groups += find(index, q, found["limit"], kinds)
    rank = {k: n for n, k in enumerate(KIND_ORDER)}
    groups.sort(key=lambda g: rank.get(g.kind, len(rank)))
    found["groups"] = [_group(g, q, kind) for g in groups]
    found["total"] = sum(g.total for g in groups)
    return found
