"""The checks of a JSON-LD file before pyoxigraph parses it: nothing fetched, nothing dropped.

The JSON is read and walked once, without recursion, every object in the role JSON-LD gives it
(context, node or value, a ``@graph`` item, a language, IRI or index map); nesting deeper than
:data:`~mapper.load.limits.MAX_NESTING` is refused at its bracket, which a one-pass scan of the
text finds (:func:`~mapper.load.scan.check_json_nesting`). Refused, at the key or value at fault:

- anything to fetch: a ``@context`` that is a string (remote, ``file:`` or relative) and any
  ``@import``: a submission must be self-contained and the loader never fetches anything;
- anything JSON-LD would **drop silently** (the statement vanishes, nothing says so):

  - a duplicate key (JSON-LD keeps one of the two);
  - an ``@id``, ``@type``, property key, ``@id``-typed value, IRI-map key, term, prefix,
    ``@vocab`` or ``@base`` that is no valid IRI (a space, a quote, ``%zz``, ``http://[x``), or a
    keyword-like ``@id`` (``"@id": "@me"`` makes the node blank);
  - an unknown keyword (``"@ID"``, ``"@foo"``), an empty key, a blank-node key (``"_:p"``);
  - a key that is no term when there is no ``@vocab``, a term defined as ``null``,
    ``"@vocab": null``, ``"@context": null`` that leaves a key undefined, a relative ``@id``
    under ``"@base": null`` (found by a second parse, :func:`~mapper.load.jsonld_context.dropped_keys`);
  - ``null`` as a value, in an array or a list (``"fsc:purpose": null``, ``{"@value": null}``):
    leave the key out instead;
  - a value that is not one (an object or array as ``@value``, a string in a ``@graph`` or at
    the top, where only nodes are kept), an invalid language tag or language-map key;
  - a literal under ``@reverse`` (or a reverse term), a ``@reverse`` that is not an object or
    holds a keyword;
  - ``@direction`` (the RDF 1.2 base direction, which the loader does not keep).

Relative IRIs are resolved against a sentinel base when parsing and refused by the per-triple
checks. Values of ``@json``-typed terms are JSON, not JSON-LD, and are not walked.
"""

from __future__ import annotations

import json
from typing import Any

from mapper.load.files import File
from mapper.load.jsonld_context import (
    KEYWORDS,
    LANG_TAG,
    JsonObject,
    Terms,
    cut,
    dropped_keys,
    iri_problem,
    json_error,
)
from mapper.load.limits import MAX_NESTING
from mapper.load.scan import check_json_nesting

# The roles of a JSON value in the walk.
_NODE, _VALUE, _ITEM, _REVERSE, _REVERSE_MAP, _LANGUAGE_MAP, _IRI_MAP, _INDEX_MAP = range(8)
#: Keywords that have no place in a node or value object (only in a context, or as a map key).
_CONTEXT_ONLY = ("@base", "@container", "@import", "@json", "@none", "@prefix", "@propagate", "@protected",
                 "@version", "@vocab")


def check_json_ld(f: File) -> None:
    """Refuse too deep or invalid JSON, fetched contexts, and JSON-LD that would drop a statement."""
    try:
        document = json.loads(f.text, object_pairs_hook=JsonObject)
    except json.JSONDecodeError as exc:
        raise f.error_at_char(exc.pos, f"invalid JSON: {exc.msg}") from None
    except RecursionError:  # deeper than Python's recursion limit: the scan finds where
        check_json_nesting(f)
        raise f.error(f"JSON nested deeper than {MAX_NESTING} levels refused") from None
    terms = Terms()
    _walk(f, document, terms)
    if terms.resets or (terms.undefined and not terms.top_vocab):
        dropped_keys(f, document, terms)


def _walk(f: File, document: Any, terms: Terms) -> None:
    """Visit every JSON value once, in document order, each object's ``@context`` first, and
    refuse nesting deeper than :data:`~mapper.load.limits.MAX_NESTING` (an object or array at
    depth ``MAX_NESTING + 1``; Python's ``json`` itself stops at its recursion limit, about 1,000).
    Plain values (strings, numbers) of properties are checked where they are met, not stacked."""
    top = {id(v) for item in (document if isinstance(document, list) else [document])
           if type(item) is JsonObject for k, v in item if k == "@context"}
    stack: list[tuple[Any, int, str, int]] = [(document, _ITEM, "@graph", 1)]
    pop, extend = stack.pop, stack.extend
    while stack:
        value, role, key, depth = pop()
        kind = type(value)
        if kind is JsonObject or kind is list:
            if depth > MAX_NESTING:  # the one-pass scan of the text finds the bracket
                check_json_nesting(f)
                raise f.error(f"JSON nested deeper than {MAX_NESTING} levels refused")  # pragma: no cover
            depth += 1
            if kind is list:
                extend((item, role, key, depth) for item in reversed(value))
            else:
                extend(reversed(_object(f, value, role, key, terms, top, depth)))
        else:
            _scalar(f, value, role, key, terms)


def _scalar(f: File, value: Any, role: int, key: str, terms: Terms) -> None:
    if value is None:
        raise json_error(f, key, None, f"JSON-LD 值為 null / null value of {cut(key)}: JSON-LD drops it "
                         "silently; leave the key out")
    if role == _ITEM:
        raise json_error(f, key, value, f"JSON-LD 游離值 / free-floating value {cut(value)} in {key}: "
                         "JSON-LD keeps only nodes there and would drop it")
    if role == _REVERSE and not (isinstance(value, str) and key in terms.coerced):
        raise json_error(f, key, value, f"JSON-LD 反向屬性值須為節點 / literal {cut(value)} under the reverse property "
                         f"{cut(key)}: a literal cannot be a subject; JSON-LD refuses or drops it")
    if isinstance(value, str) and key in terms.coerced:
        _iri_value(f, key, value, terms)


def _object(f: File, obj: JsonObject, role: int, key: str, terms: Terms, top: set[int],
            depth: int) -> list[tuple[Any, int, str, int]]:
    """Check one object (``top``: the ids of the document's top contexts); the values to walk
    next, at ``depth``: its keywords' first, then its properties', each in order."""
    keys = {k for k, _ in obj}
    if len(keys) != len(obj):
        seen: set[str] = set()
        for k, v in obj:
            if k in seen:
                raise json_error(f, k, v, f"duplicate key {k!r} in one JSON object: JSON-LD would keep only one of them")
            seen.add(k)
    if role >= _LANGUAGE_MAP:
        return _map(f, obj, role, key, terms, depth)
    if "@context" in keys:
        contexts: list[Any] = [v for k, v in obj if k == "@context"]
        while contexts:  # scoped contexts in term definitions, too
            context = contexts.pop(0)
            terms.context(f, context, contexts, scoped=id(context) not in top)
    aliases = terms.aliases
    keywords: dict[str, tuple[str, Any]] = {}
    properties: list[tuple[str, Any]] = []
    for k, v in obj:
        word = aliases.get(k, k) if aliases else k
        if word[:1] == "@":
            keywords[word] = (k, v)
        else:
            properties.append((k, v))
    if "@value" in keywords or "@list" in keywords:
        if role == _ITEM:
            raise json_error(f, key, keywords.get("@value", (0, "@list"))[1], f"JSON-LD 游離值 / free-floating value "
                             f"in {key}: JSON-LD keeps only nodes there and would drop it")
        if role == _REVERSE:
            raise json_error(f, key, keywords.get("@value", (0, "@list"))[1], f"JSON-LD 反向屬性值須為節點 / a value "
                             f"or list under the reverse property {cut(key)}: a literal cannot be a subject")
    children: list[tuple[Any, int, str, int]] = []
    for word, (k, v) in keywords.items():
        if word != "@context":
            _keyword(f, k, word, v, keywords, terms, children, depth)
    reverse = role == _REVERSE_MAP
    for k, v in properties:
        _property(f, k, v, terms, reverse, children, depth)
    return children


def _keyword(f: File, k: str, word: str, v: Any, keywords: dict[str, tuple[str, Any]], terms: Terms,
             children: list[tuple[Any, int, str, int]], depth: int) -> None:
    """Check a keyword and its value; add what is to be walked to ``children``."""
    if word == "@id" and type(v) is str:  # the common case first
        _iri_value(f, k, v, terms, node=True)
        return
    if word not in KEYWORDS:
        raise json_error(f, k, v, f"JSON-LD 未知關鍵字 / unknown JSON-LD keyword {cut(k)}: JSON-LD would drop it and "
                         "its value silently (keywords are lower case)")
    if word in _CONTEXT_ONLY:
        raise json_error(f, k, v, f"JSON-LD 關鍵字位置錯誤 / {k} outside a @context: JSON-LD would ignore it")
    if v is None:
        raise json_error(f, k, None, f"JSON-LD 值為 null / {k}: null drops it silently; leave the key out")
    if word == "@id":
        if not isinstance(v, str):
            raise json_error(f, k, v, f"JSON-LD @id 須為字串 / @id {cut(v)} is not a string")
        _iri_value(f, k, v, terms, node=True)
    elif word == "@type":
        datatype = "@value" in keywords
        for item in v if isinstance(v, list) and not datatype else [v]:
            if not isinstance(item, str):
                raise json_error(f, k, item, f"JSON-LD @type 須為字串 / @type {cut(item)} is not a string")
            if item not in terms.defined and item not in terms.checked and not (datatype and item == "@json"):
                _iri_value(f, k, item, terms)
                terms.checked.add(item)
    elif word == "@value":
        if isinstance(v, (JsonObject, list)) and keywords.get("@type", (0, None))[1] != "@json":
            raise json_error(f, k, v, f"JSON-LD @value 須為純量 / @value {cut(v)} is an object or array: "
                             "not a value (type it \"@json\" for a JSON literal)")
    elif word == "@language":
        if not (type(v) is str and v in terms.tags):
            if not (isinstance(v, str) and LANG_TAG.match(v)):
                raise json_error(f, k, v, f"invalid language tag {cut(v)}: JSON-LD would drop the value silently")
            terms.tags.add(v)
    elif word == "@direction":
        raise json_error(f, k, v, "JSON-LD 文字方向不支援 / JSON-LD @direction refused: the RDF 1.2 base direction "
                         "is not supported and would be dropped")
    elif word in ("@graph", "@included"):
        children.append((v, _ITEM if word == "@graph" else _NODE, word, depth))
    elif word in ("@list", "@set", "@nest"):
        children.append((v, _VALUE if word != "@nest" else _NODE, word, depth))
    elif word == "@reverse":
        if not isinstance(v, JsonObject):
            raise json_error(f, k, v, f"JSON-LD @reverse 須為物件 / @reverse {cut(v)} is not an object of "
                             "reverse properties")
        for rk, rv in v:
            if terms.keyword(rk).startswith("@"):
                raise json_error(f, rk, rv, f"JSON-LD @reverse 內不得有關鍵字 / keyword {cut(rk)} inside @reverse: "
                                 "only properties may be reversed")
        children.append((v, _REVERSE_MAP, k, depth))


def _property(f: File, k: str, v: Any, terms: Terms, reverse: bool, children: list[tuple[Any, int, str, int]],
              depth: int) -> None:
    """Check a property key and, if plain, its value; else add the value to ``children`` with the
    role the key's definition gives it."""
    if k not in terms.checked and k not in terms.defined:
        if not k:
            raise json_error(f, k, v, "JSON-LD 空鍵 / empty key: JSON-LD would drop its values silently")
        if k.startswith("_:"):
            raise json_error(f, k, v, f"JSON-LD 空白節點屬性 / key {cut(k)} is a blank node: JSON-LD drops blank-node "
                             "predicates silently")
        if ":" in k:
            problem = iri_problem(k, terms.prefixes, terms.namespaces)
            if problem:
                raise json_error(f, k, v, f"JSON-LD 屬性非有效IRI / key {cut(k)} {problem}: JSON-LD would drop its "
                                 "values silently")
        else:
            problem = iri_problem(k, {})
            if problem:
                raise json_error(f, k, v, f"JSON-LD 屬性非有效IRI / key {cut(k)} is no term and {problem}: JSON-LD "
                                 "would drop its values silently")
            terms.undefined = True  # without @vocab, dropped: the second parse tells
        terms.checked.add(k)
    elif terms.scoped and ":" not in k:
        terms.undefined = True  # defined in a scoped context: in scope here? the second parse tells
    if k in terms.json:
        return
    kind = type(v)
    if kind is JsonObject:
        containers = terms.containers.get(k)
        if not containers and not reverse and depth <= MAX_NESTING and _plain_value(f, v, terms):
            return
        if containers:
            if "@language" in containers:
                children.append((v, _LANGUAGE_MAP, k, depth))
                return
            if "@id" in containers or "@type" in containers:
                children.append((v, _IRI_MAP, k, depth))
                return
            if "@index" in containers:
                children.append((v, _INDEX_MAP, k, depth))
                return
    elif kind is not list and v is not None and not reverse and k not in terms.reverse:
        if kind is str and k in terms.coerced:
            _iri_value(f, k, v, terms)
        return
    children.append((v, _REVERSE if reverse or k in terms.reverse else _VALUE, k, depth))


_PLAIN_KEYS = frozenset({"@id", "@value", "@language", "@type"})


def _plain_value(f: File, obj: JsonObject, terms: Terms) -> bool:
    """Check a small value object or node reference (``{"@value": "x", "@language": "en"}``,
    ``{"@id": "ex:a"}``) in place, sparing the walk; False if it is not one."""
    if len(obj) > 3 or terms.aliases or terms.reverse:
        return False
    keys = {k for k, _ in obj}
    if len(keys) != len(obj) or not keys <= _PLAIN_KEYS or ("@id" in keys) == ("@value" in keys):
        return False
    for k, v in obj:
        if type(v) is not str and (k != "@value" or v is None or type(v) in (list, JsonObject)):
            return False  # the walk says what is wrong
        if k == "@id":
            if len(keys) > 1:
                return False
            _iri_value(f, k, v, terms, node=True)
        elif k == "@language":
            if v not in terms.tags:
                if not LANG_TAG.match(v):
                    return False
                terms.tags.add(v)
        elif k == "@type":
            if v == "@json":
                return False
            if v not in terms.defined and v not in terms.checked:
                _iri_value(f, k, v, terms)
                terms.checked.add(v)
    return True


def _map(f: File, obj: JsonObject, role: int, key: str, terms: Terms, depth: int) -> list[tuple[Any, int, str, int]]:
    """A language, IRI or index map: check its keys; its values to walk."""
    children: list[tuple[Any, int, str, int]] = []
    for k, v in obj:
        none = terms.keyword(k) == "@none"
        if role == _LANGUAGE_MAP and not none and not LANG_TAG.match(k):
            raise json_error(f, k, v, f"JSON-LD 語言標籤無效 / invalid language tag {cut(k)} in a language map: JSON-LD "
                             "would drop the value silently")
        if role == _IRI_MAP and not none and k not in terms.defined:
            _iri_value(f, k, k, terms, where="an @id or @type map")
        children.append((v, _NODE if role == _IRI_MAP else _VALUE, key, depth))
    return children


def _iri_value(f: File, key: str, value: str, terms: Terms, *, node: bool = False, where: str = "") -> None:
    """Refuse an IRI (an ``@id``, ``@type`` or IRI-typed value) JSON-LD would drop."""
    if node and value.startswith("@"):
        raise json_error(f, key, value, f"JSON-LD @id 形如關鍵字 / @id {cut(value)} looks like a keyword: JSON-LD "
                         "would ignore it and make the node blank")
    problem = iri_problem(value, terms.prefixes, terms.namespaces)
    if problem:
        raise json_error(f, key, value, f"JSON-LD IRI 無效 / invalid IRI {cut(value)} in {where or cut(key)}: it "
                         f"{problem}; JSON-LD would drop the statement silently")

