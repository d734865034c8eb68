"""A row's ID and its IRI: the one rule the reader and the template share.

An ID is an absolute IRI, or a name resolved against the submission's IRI base; the template writes
the shorter form whenever it reads back as the same IRI.

>>> resolve("st-1.1.1", "https://bank.example.tw/fscai/")
'https://bank.example.tw/fscai/st-1.1.1'
>>> resolve("https://vendors.example.tw/id/acme", "https://bank.example.tw/fscai/")
'https://vendors.example.tw/id/acme'
>>> shorten("https://bank.example.tw/fscai/st-1.1.1", "https://bank.example.tw/fscai/")
'st-1.1.1'
>>> shorten("https://vendors.example.tw/id/acme", "https://bank.example.tw/fscai/")
'https://vendors.example.tw/id/acme'
"""

from __future__ import annotations

import re

from mapper.rq import is_iri

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: What a relative ID may hold: no space, nothing that ends an IRI, no "/" or "#" (a path would
#: leave the base), not a scheme.
_NAME = re.compile(r"^[^\s<>\"{}|\\^`/#:?]+$")


class IdError(ValueError):
    """An ID that names no IRI; its message is bilingual."""


def is_absolute(text: str) -> bool:
    return bool(_SCHEME.match(text))


def resolve(text: str, base: str | None) -> str:
    """The IRI an ID names, or :class:`IdError`."""
    if is_absolute(text):
        if not is_iri(text):
            raise IdError(f"識別碼 {text!r} 不是有效之IRI / the ID {text!r} is not a valid IRI")
        return text
    if not _NAME.match(text):
        raise IdError(f"識別碼 {text!r} 含空白或 / # : ? 等字元：請用字母、數字、- _ . / the ID {text!r} holds a space or "
                      "one of / # : ?; use letters, digits, - _ .")
    if not base:
        raise IdError(f"識別碼 {text!r} 為相對名稱，但「申報」工作表未填識別碼基底 / the ID {text!r} is relative but the "
                      "Submission sheet gives no IRI base")
    return base + text


def shorten(iri: str, base: str | None) -> str:
    """The ID the template writes for ``iri``: relative to ``base`` when that reads back the same."""
    if base and iri.startswith(base) and _NAME.match(iri[len(base):]):
        return iri[len(base):]
    return iri


def check_base(text: str) -> str:
    """An IRI base: absolute, ending in ``/`` or ``#``; or :class:`IdError`."""
    if not (is_absolute(text) and is_iri(text) and text.endswith(("/", "#"))):
        raise IdError(f"識別碼基底 {text!r} 須為以 / 或 # 結尾之絕對IRI / the IRI base {text!r} must be an absolute IRI "
                      "ending in / or #")
    return text
