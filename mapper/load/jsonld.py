"""The checks of a JSON-LD file before pyoxigraph parses it.

The JSON is walked first. Any ``@context`` that is a string (an IRI reference: remote,
``file:`` or relative) and any ``@import`` are refused: a submission must be
self-contained and the loader never fetches anything. Duplicate keys, invalid ``@language``
tags and ``@id`` (``@base``, ``@vocab``) values with characters no IRI may hold are refused
too, because the JSON-LD algorithms would otherwise *drop* those statements silently.
Nesting deeper than :data:`~mapper.load.limits.MAX_NESTING` is refused. (Relative IRIs are
resolved against a sentinel base when parsing and refused by the per-triple checks.)

Known limit: a JSON key that expands to no IRI (an undefined term) is dropped by JSON-LD
itself, without a trace; the SHACL stage reports the data that is missing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mapper.load.errors import LoadError
from mapper.load.files import File
from mapper.load.limits import MAX_NESTING

_LANG_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")
_NOT_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|\\^`]')


class _JsonObject(list):
    """A JSON object as its list of (key, value) pairs, duplicates kept."""


def check_json_ld(f: File) -> None:
    """Refuse invalid JSON, fetched contexts, @import, duplicate keys, bad tags and IDs, deep nesting."""
    try:
        document = json.loads(f.text, object_pairs_hook=_JsonObject)
    except json.JSONDecodeError as exc:
        raise f.error(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise f.error(f"JSON nested deeper than {MAX_NESTING} levels refused") from None
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise f.error(f"JSON nested deeper than {MAX_NESTING} levels refused")
        if isinstance(node, _JsonObject):
            seen: set[str] = set()
            for key, value in node:
                if key in seen:
                    raise _json_error(f, key, value, f"duplicate key {key!r} in one JSON object: "
                                      "JSON-LD would keep only one of them")
                seen.add(key)
                if key == "@context":
                    _check_context(f, value)
                elif key == "@import":
                    raise _json_error(f, key, value, f"JSON-LD @import of {value!r} refused: a submission "
                                      "must be self-contained, the loader fetches nothing")
                elif key == "@language" and isinstance(value, str) and not _LANG_TAG.match(value):
                    raise _json_error(f, key, value, f"invalid language tag {value!r}: JSON-LD would drop "
                                      "the value silently")
                elif key in ("@id", "@base", "@vocab") and isinstance(value, str) \
                        and _NOT_IRI_CHARS.search(value):
                    raise _json_error(f, key, value, f"invalid IRI {value!r} in {key}: JSON-LD would drop "
                                      "the node silently")
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


def _check_context(f: File, value: Any) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            kind = "file: " if item.lower().startswith("file:") else (
                "remote " if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", item) else "relative ")
            raise _json_error(f, "@context", item, f"{kind}JSON-LD context {item!r} refused: a submission "
                              "must be self-contained (put the context inline); the loader fetches nothing")


def _json_error(f: File, key: str, value: Any, cause: str) -> LoadError:
    if isinstance(value, str):
        encoded = re.escape(json.dumps(value, ensure_ascii=False))
        for pattern in (re.escape(json.dumps(key)) + r"\s*:\s*\[?\s*" + encoded, encoded):
            match = re.search(pattern, f.text)
            if match:
                return f.error_at_char(match.start(), cause)
    index = f.text.find(json.dumps(key))
    return f.error_at_char(index, cause) if index >= 0 else f.error(cause)
