"""What a JSON-LD file's contexts define, and the keys JSON-LD would expand to nothing.

:class:`Terms` gathers every term definition of the file's ``@context`` objects (wherever they
are: the file's, a node's, a term's scoped context) as the walk of :mod:`~mapper.load.jsonld`
meets them, and refuses a definition that would drop data: a term, prefix, ``@vocab``,
``@reverse`` or datatype that is no valid IRI (a space, ``%zz``), a term or ``@vocab`` naming a
blank node (a blank-node predicate is dropped), a base direction (``@direction``: the RDF 1.2
direction would be dropped). It does not model scopes: a term defined anywhere counts as
defined, an approximation that can only miss, never invent, a refusal.

Which keys expand to nothing (an undefined term with no ``@vocab``, a term defined as ``null``,
``"@vocab": null``, ``"@context": null``, a relative ``@id`` under ``"@base": null``) depends on
JSON-LD's scoping rules, so pyoxigraph answers it (:func:`dropped_keys`): the document is parsed a
second time, with a sentinel ``@vocab`` at its top, ``null`` contexts, vocabularies, bases and
terms replaced by sentinel IRIs. A sentinel IRI in the result is a statement the real parse
drops; the error names the key. Only files that could drop a key are parsed twice.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox

from mapper.load.errors import LoadError
from mapper.load.files import File
from mapper.load.limits import RELATIVE_BASE

KEYWORDS = frozenset({"@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included",
                      "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate",
                      "@protected", "@reverse", "@set", "@type", "@value", "@version", "@vocab"})
LANG_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")
NOT_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_PLAIN_LOCAL = re.compile(r"(?!//)[A-Za-z0-9._~/-]*\Z")
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?"
                         r"(?:\?[A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?(?:#[A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?\Z")
#: URI schemes an IRI of a submission may use without a context defining them as a prefix; any
#: other ``x:y`` is a compact IRI whose prefix is undefined (``fcs:purpose`` for ``fsc:purpose``),
#: which JSON-LD would keep as the IRI ``<fcs:purpose>``.
KNOWN_SCHEMES = frozenset({"http", "https", "urn", "mailto", "tag", "ftp", "did", "doi", "info", "data", "tel",
                           "geo", "uuid", "ark", "file", "isbn", "ni"})

_SENTINEL = "https://dropped.invalid/"
_S_VOCAB, _S_NULL, _S_BASE = _SENTINEL + "vocab/", _SENTINEL + "null/", _SENTINEL + "base/"


class JsonObject(tuple):
    """A JSON object as its (key, value) pairs, duplicates kept (a tuple: a JSON array is a list)."""

    __slots__ = ()


def cut(value: Any) -> str:
    """A JSON value as a message shows it: its repr, cut at 80 characters (an object or array
    as ``{...}`` or ``[...]``)."""
    if isinstance(value, (JsonObject, list)):
        return "{...}" if isinstance(value, JsonObject) else "[...]"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def json_error(f: File, key: str, value: Any, cause: str, *, last: bool = False) -> LoadError:
    """An error at the first ``"key": value`` in the file, else the first ``"key"`` (with ``last``,
    the last ``"key":``), else 1:1."""
    if last:
        found = None
        for found in re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", f.text):
            pass
        if found is not None:
            return f.error_at_char(found.start(), cause)
    if isinstance(value, (str, int, float, bool)) or value is None:
        encoded = re.escape(json.dumps(value, ensure_ascii=False))
        patterns = [re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:\s*\[?\s*" + encoded]
        if isinstance(value, str):
            patterns.append(encoded)
        for pattern in patterns:
            match = re.search(pattern, f.text)
            if match:
                return f.error_at_char(match.start(), cause)
    index = f.text.find(json.dumps(key, ensure_ascii=False))
    return f.error_at_char(index, cause) if index >= 0 else f.error(cause)


def iri_problem(value: str, prefixes: dict[str, str], namespaces: dict[str, bool] | None = None) -> str | None:
    """Why JSON-LD would drop (or mangle) ``value`` as an IRI (compact IRIs expanded with
    ``prefixes``), or None. Plain IRIs (``http(s)://host/path`` of unreserved characters, a
    namespace already judged valid, in ``namespaces``, with a plain local name) are passed without
    asking pyoxigraph: they are most of a submission's IRIs.

    >>> iri_problem("ex:a b", {}), iri_problem("ex:a%zz", {"ex": "http://e/"}), iri_problem("ex:a", {"ex": "http://e/"})
    ("holds ' ' (U+0020), which no IRI may hold", "is no valid IRI (Invalid IRI percent encoding '%zz')", None)
    >>> iri_problem("@me", {}), iri_problem("fcs:purpose", {})
    ('looks like a keyword, which JSON-LD ignores', "uses the prefix 'fcs:', which no context defines")
    """
    colon = value.find(":")
    if colon > 0 and namespaces:  # fast: a compact IRI of a namespace judged valid, a plain local name
        namespace = prefixes.get(value[:colon])
        if namespace is not None and namespaces.get(namespace) and _PLAIN_LOCAL.match(value, colon + 1):
            return None
    if _PLAIN_HTTP.match(value):  # fast: a plain absolute http(s) IRI
        return None
    if value.startswith("@"):
        return "looks like a keyword, which JSON-LD ignores"
    bad = NOT_IRI_CHARS.search(value)
    if bad:
        return f"holds {bad.group()!r} (U+{ord(bad.group()):04X}), which no IRI may hold"
    scheme = _SCHEME.match(value)
    if scheme is None or value.startswith("_:"):
        return None  # a term, a relative IRI (refused later), or a blank node
    if scheme.group(1) not in prefixes and scheme.group(1).lower() not in KNOWN_SCHEMES:
        return f"uses the prefix {scheme.group(1) + ':'!r}, which no context defines"
    namespace = prefixes.get(scheme.group(1))
    expanded = namespace + value[scheme.end():] if namespace and not value.startswith("//", scheme.end()) else value
    if not _SCHEME.match(expanded):
        return None
    if _PLAIN_HTTP.match(expanded):
        return None
    if namespace is not None and namespaces is not None and _PLAIN_LOCAL.match(value, scheme.end()):
        if namespace not in namespaces:
            namespaces[namespace] = iri_problem(namespace + "x", {}) is None
        if namespaces[namespace]:
            return None
    try:
        ox.NamedNode(expanded)
    except ValueError as exc:
        return f"is no valid IRI ({exc})"
    return None


class Terms:
    """The terms, prefixes and keyword aliases the file's contexts define, and what would need
    the second parse (:func:`dropped_keys`)."""

    def __init__(self) -> None:
        self.defined: set[str] = set()
        self.prefixes: dict[str, str] = {}
        self.aliases: dict[str, str] = {}  # term -> keyword
        self.coerced: set[str] = set()  # "@type": "@id" or "@vocab": string values are IRIs
        self.json: set[str] = set()  # "@type": "@json": values are JSON, not JSON-LD
        self.reverse: set[str] = set()
        self.containers: dict[str, frozenset[str]] = {}
        self.nulls: list[str] = []  # terms defined as null, in order met
        #: a null context, vocabulary, base or term, or @propagate: a key may expand to nothing
        self.resets = False
        self.undefined = False  # a key no context defines (or only a scoped one)
        self.top_vocab = False  # the top context has a @vocab: an undefined key expands to it
        self.scoped = False  # a context other than the top one defines terms (in scope only there)
        self.namespaces: dict[str, bool] = {}  # prefix IRIs judged (valid or not)
        self.checked: set[str] = set()  # keys and types whose IRI passed (they repeat on every node)
        self.tags: set[str] = set()  # language tags that passed

    def keyword(self, key: str) -> str:
        return self.aliases.get(key, key)

    def context(self, f: File, value: Any, contexts: list[Any], *, scoped: bool = True) -> None:
        """Check one ``@context`` value (``scoped``: not the document's top one); its nested
        (scoped) contexts go to ``contexts``."""
        items = value if isinstance(value, list) else [value]
        for item in items:
            if scoped and isinstance(item, JsonObject) and any(not key.startswith("@") for key, _ in item):
                self.scoped = True
            if item is None:
                self.resets = True  # the keys after it may expand to nothing
            elif isinstance(item, str):
                kind = "file: " if item.lower().startswith("file:") else (
                    "remote " if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", item) else "relative ")
                raise json_error(f, "@context", item, f"{kind}JSON-LD context {item!r} refused: a submission "
                                 "must be self-contained (put the context inline); the loader fetches nothing")
            elif isinstance(item, JsonObject):
                if not scoped and any(key == "@vocab" and isinstance(v, str) for key, v in item):
                    self.top_vocab = True
                if any(key == "@propagate" for key, _ in item):
                    self.resets = True  # nested nodes may fall back to a context without the terms
                for key, definition in item:  # prefixes first: a context's order does not matter
                    iri = next((v for k, v in definition if k == "@id"), None) \
                        if isinstance(definition, JsonObject) else definition
                    if not key.startswith("@") and isinstance(iri, str) and not iri.startswith("@"):
                        self.prefixes.setdefault(key, iri)
                for key, definition in item:
                    self._entry(f, key, definition, contexts)

    def _entry(self, f: File, key: str, value: Any, contexts: list[Any]) -> None:
        if key in ("@base", "@vocab"):
            if value is None:
                self.resets = True
            elif isinstance(value, str):
                if NOT_IRI_CHARS.search(value):
                    raise json_error(f, key, value, f"JSON-LD {key} 非有效IRI / invalid IRI {cut(value)} in {key}: "
                                     "JSON-LD would drop the nodes and keys it makes silently")
                if key == "@vocab" and value.startswith("_:"):
                    raise json_error(f, key, value, f"JSON-LD @vocab 為空白節點 / @vocab {cut(value)} is a blank node: "
                                     "every key would be a blank-node predicate, which JSON-LD drops")
        elif key == "@import":
            raise json_error(f, key, value, f"JSON-LD @import of {cut(value)} refused: a submission "
                             "must be self-contained, the loader fetches nothing")
        elif key == "@language":
            if value is not None and not (isinstance(value, str) and LANG_TAG.match(value)):
                raise json_error(f, key, value, f"invalid language tag {cut(value)}: JSON-LD would drop the "
                                 "value silently")
        elif key == "@direction":
            if value is not None:
                raise json_error(f, key, value, "JSON-LD 文字方向不支援 / JSON-LD @direction refused: the RDF 1.2 base "
                                 "direction it gives strings is not supported and would be dropped")
        elif key.startswith("@"):
            if key not in KEYWORDS:
                raise json_error(f, key, value, f"JSON-LD 未知關鍵字 / unknown JSON-LD keyword {cut(key)} in a context: "
                                 "JSON-LD would ignore it")
        else:
            self._term(f, key, value, contexts)

    def _term(self, f: File, term: str, value: Any, contexts: list[Any]) -> None:
        self.defined.add(term)
        if value is None:
            self.nulls.append(term)
            self.resets = True
            return
        if isinstance(value, str):
            self._iri(f, term, term, value)
            if value.startswith("@"):
                self.aliases[term] = value
            else:
                self.prefixes.setdefault(term, value)
            return
        if not isinstance(value, JsonObject):
            return  # pyoxigraph refuses it, loudly
        for key, item in value:
            if key == "@id":
                if item is None:
                    self.nulls.append(term)
                    self.resets = True
                elif isinstance(item, str):
                    self._iri(f, term, key, item)
                    if item.startswith("@"):
                        self.aliases[term] = item
                    else:
                        self.prefixes.setdefault(term, item)
            elif key == "@reverse" and isinstance(item, str):
                self._iri(f, term, key, item)
                self.reverse.add(term)
            elif key == "@type" and isinstance(item, str):
                if item in ("@id", "@vocab"):
                    self.coerced.add(term)
                elif item == "@json":
                    self.json.add(term)
                elif not item.startswith("@"):
                    self._iri(f, term, key, item)
            elif key == "@container":
                self.containers[term] = frozenset(item if isinstance(item, list) else [item])
            elif key == "@context":
                contexts.append(item)
            elif key in ("@language", "@direction"):
                self._entry(f, key, item, contexts)

    def _iri(self, f: File, term: str, key: str, value: str) -> None:
        if value.startswith("@"):
            return  # a keyword alias
        problem = iri_problem(value, self.prefixes, self.namespaces)
        if problem:
            raise json_error(f, key, value, f"JSON-LD 用語定義非有效IRI / term {cut(term)} is defined as {cut(value)}, "
                             f"which {problem}: JSON-LD would drop every statement that uses it")
        if value.startswith("_:"):
            raise json_error(f, key, value, f"JSON-LD 用語為空白節點 / term {cut(term)} is defined as the blank node "
                             f"{cut(value)}: JSON-LD drops blank-node predicates")


def dropped_keys(f: File, document: Any, terms: Terms) -> None:
    """Parse ``document`` with sentinels (see the module's doc) and refuse the first key, term or
    relative IRI JSON-LD would drop."""
    rewritten = _with_sentinels(document, terms)
    try:
        nquads = ox.serialize(ox.parse(json.dumps(rewritten, ensure_ascii=False).encode("utf-8"), ox.RdfFormat.JSON_LD,
                                       base_iri=RELATIVE_BASE), format=ox.RdfFormat.N_QUADS) or b""
    except SyntaxError:
        return  # the real parse, next, reports it at its place
    hit = nquads.find(_SENTINEL.encode())
    if hit < 0:
        return
    lines = nquads[nquads.rfind(b"\n", 0, hit) + 1:]  # from the first line with a sentinel on
    for quad in ox.parse(lines, ox.RdfFormat.N_QUADS):
        for position, term in (("predicate", quad.predicate), ("subject", quad.subject), ("object", quad.object)):
            value = getattr(term, "value", "")
            if not isinstance(term, ox.NamedNode) or not value.startswith(_SENTINEL):
                continue
            if value.startswith(_S_VOCAB) and position == "predicate":
                key = value[len(_S_VOCAB):]
                raise json_error(f, key, [], f"JSON-LD 鍵未定義 / key {cut(key)} is no term of the context and there is "
                                 "no @vocab: JSON-LD would drop its values silently; define it in @context or "
                                 "write a full or compact IRI", last=True)  # a use, not a definition
            if value.startswith(_S_NULL):
                term_name = terms.nulls[int(value[len(_S_NULL):])]
                raise json_error(f, term_name, None, f"JSON-LD 用語定義為 null / term {cut(term_name)} is defined as "
                                 "null: JSON-LD would drop every value given with it")
            if value.startswith(_S_BASE):
                relative = value[len(_S_BASE):]
                raise json_error(f, "@id", relative, f"JSON-LD 相對IRI將遭丟棄 / relative IRI {cut(relative)} under "
                                 "\"@base\": null: JSON-LD would drop the node silently; use absolute IRIs")


def _with_sentinels(document: Any, terms: Terms) -> Any:
    """``document`` as plain JSON, a sentinel ``@vocab`` first in each top-level context, and
    each null context, vocabulary, base and term replaced by a sentinel."""
    nulls = {term: i for i, term in reversed(list(enumerate(terms.nulls)))}

    def context(value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        out: list[Any] = []
        for item in items:
            if item is None:
                out += [None, {"@vocab": _S_VOCAB}]
            elif isinstance(item, JsonObject):
                out.append({key: definition(key, v) for key, v in item})
            else:
                out.append(item)
        return out

    def definition(key: str, value: Any) -> Any:
        if key == "@vocab" and value is None:
            return _S_VOCAB
        if key == "@base" and value is None:
            return _S_BASE
        if key.startswith("@"):
            return plain(value)
        null = _S_NULL + str(nulls[key]) if key in nulls else None  # (not in a @json value the walk skipped)
        if value is None:
            return null
        if isinstance(value, JsonObject):
            return {k: (null if k == "@id" and v is None else
                        context(v) if k == "@context" else plain(v)) for k, v in value}
        return value

    def plain(value: Any) -> Any:  # nesting is bounded by MAX_NESTING (checked before)
        if isinstance(value, JsonObject):
            return {key: context(v) if terms.keyword(key) == "@context" else plain(v) for key, v in value}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    def top(value: Any) -> Any:
        if not isinstance(value, JsonObject):
            return plain(value)
        out: dict[str, Any] = {"@context": [{"@vocab": _S_VOCAB}]}
        for key, v in value:
            if key == "@context":
                out["@context"] += context(v)
            else:
                out[key] = plain(v)
        return out

    return [top(item) for item in document] if isinstance(document, list) else top(document)
