"""What every OSCAL document fscai writes shares: the version, stable UUIDs, props, both languages.

OSCAL has no language tag, so fscai keeps both languages by a convention stated in each
document's ``metadata.remarks`` (:data:`LANGUAGE_REMARK`): a one-line text (a title) reads
"zh-Hant / English"; a longer one gives the zh-Hant paragraph, then the English one; a guideline
statement is a part of class ``zh-Hant`` holding the text verbatim with a ``translation`` part of
class ``en`` inside it. fscai's own props and parts are in the namespace :data:`NS` (the
vocabulary's), and a prop is named after the vocabulary property it carries (``stage``,
``modality``, ``targetDate``, ...), its value the RDF value (an IRI or a literal) and, for an IRI,
the term's words in the prop's ``remarks``.

Every UUID is a version-5 UUID of an IRI (and, for a document, a digest of its content), so the
same input gives byte-identical files, and a document's UUID changes exactly when its content
does, as OSCAL asks of a new revision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable

from mapper.catalogue.records import sort_key
from mapper.gaps import Gap
from mapper.labels import Label
from mapper.namespaces import FSC

#: The OSCAL version the documents follow: the one compliance-trestle 5.2.0's models read (a test
#: holds the two together).
OSCAL_VERSION = "1.2.1"
#: The namespace of fscai's own props and part names: the vocabulary's.
NS = str(FSC)
#: The prefix of every OSCAL id fscai writes: a notation such as ``2.1.3`` is not an OSCAL token
#: (a token cannot start with a digit), ``fsc-2.1.3`` is.
ID_PREFIX = "fsc-"

LANGUAGE_REMARK = Label(
    "OSCAL 無語言標記，本文件依下列慣例並存兩種語言：單行文字（標題）作「正體中文 / English」；較長文字先列正體中文段落，"
    "再列英文段落；指引條文以 class 為 zh-Hant 之 statement 部分載明原文，其內 class 為 en 之 translation 部分載明英譯。"
    f"fscai 自有之 props 及部分名稱屬命名空間 {NS}，prop 名稱即其所載之本體屬性，值為 RDF 之值（IRI 或字面值），"
    "IRI 所指詞彙之中英文名稱見該 prop 之 remarks。",
    "OSCAL has no language tag, so both languages are kept by this convention: a one-line text (a title) reads "
    "\"zh-Hant / English\"; a longer text gives the zh-Hant paragraph first, then the English one; a guideline "
    "statement is a statement part of class zh-Hant holding the text verbatim, with a translation part of class en "
    f"inside it holding the English. fscai's own props and part names are in the namespace {NS}; a prop is named "
    "after the ontology property it carries, its value is the RDF value (an IRI or a literal), and an IRI's words "
    "in both languages are in the prop's remarks.",
)


def stable_uuid(*parts: str) -> str:
    """A version-5 UUID of the parts (IRIs, dates, digests) joined by spaces: the same parts, the
    same UUID, on any machine.

    >>> stable_uuid("https://w3id.org/fscai/guideline/draft/measure-2.1.3")[14]
    '5'
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, " ".join(parts)))


def in_order(gaps: Iterable[Gap]) -> list[Gap]:
    """Gap records in the analysis's order (institution first, then by subject, measure and kind),
    ties broken by the record itself (its IRI, statement, evidence, date): the store returns tied
    rows in an order of its own, and the files must not depend on which store it was."""
    return sorted(gaps, key=lambda g: (g.subject_kind != "institution", g.subject, sort_key(g.measure.notation),
                                       g.kind.order, g.id, g.statement or "", g.evidence or "", g.date or ""))


def oscal_id(notation: str) -> str:
    """The OSCAL id of a catalogue term by its notation (unique: a gate checks it).

    >>> oscal_id("2.1.3"), oscal_id("G.1.2")
    ('fsc-2.1.3', 'fsc-G.1.2')
    """
    return ID_PREFIX + notation


def statement_id(notation: str) -> str:
    """The id of a measure's statement part: what a finding's target names."""
    return oscal_id(notation) + "_smt"


def one_line(text: str) -> str:
    """Whitespace collapsed to single spaces: OSCAL titles and prop values are one line."""
    return " ".join(text.split())


def title(label: Label, prefix: str = "") -> str:
    """A one-line bilingual title, "zh-Hant / English", each side after ``prefix`` (a notation)."""
    lead = f"{prefix} " if prefix else ""
    return one_line(f"{lead}{label.zh} / {lead}{label.en}")


def paragraphs(label: Label) -> str:
    """A bilingual Markdown text: the zh-Hant paragraph, then the English one."""
    return f"{label.zh}\n\n{label.en}"


def prop(name: str, value: str, *, words: Label | None = None, ns: str | None = NS, cls: str | None = None,
         group: str | None = None) -> dict:
    """An OSCAL prop: fscai's (``ns`` :data:`NS`) unless ``ns`` is None (an OSCAL core prop such
    as ``label``), with the value's words in ``remarks``."""
    out: dict = {"name": name}
    if ns:
        out["ns"] = ns
    out["value"] = one_line(value)
    for key, given in (("class", cls), ("group", group)):
        if given:
            out[key] = given
    if words is not None:
        out["remarks"] = words.both()
    return out


def canonical(iri: str, words: Label | None = None) -> dict:
    """A link to the IRI the OSCAL object stands for (a measure, a gap record, a statement)."""
    link = {"href": iri, "rel": "canonical"}
    if words is not None:
        link["text"] = title(words)
    return link


def timestamp(day: dt.date) -> str:
    """Midnight UTC of ``day`` as an OSCAL date-time: a document is dated by its input's date (the
    catalogue's issue, an analysis's reference date), never by the clock."""
    return f"{day.isoformat()}T00:00:00Z"


def digest(content: object) -> str:
    """The first 16 hex digits of the SHA-256 of ``content`` as canonical JSON: a document's
    version, which changes exactly when its content does."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def metadata(heading: Label, last_modified: str, version: str, remarks: Label, **extra) -> dict:
    """OSCAL metadata: the title, the date, the version, the OSCAL version and the remarks on how
    both languages are kept and what the document leaves out."""
    out = {"title": title(heading), "last-modified": last_modified, "version": version,
           "oscal-version": OSCAL_VERSION}
    out.update(extra)
    out["remarks"] = paragraphs(Label(f"{LANGUAGE_REMARK.zh}\n\n{remarks.zh}", f"{LANGUAGE_REMARK.en}\n\n{remarks.en}"))
    return out


def dump(document: dict) -> str:
    """The document as JSON: UTF-8 text unescaped, two-space indent, keys in the order built."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
