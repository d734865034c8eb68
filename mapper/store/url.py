"""Store URLs: what each one names, read in one place for every command, the viewer and ``/sparql``.

- ``memory:``: embedded Oxigraph in memory;
- ``oxigraph:PATH`` or a plain directory path (``data/store``, ``/var/lib/fscai``, ``./a:b``):
  embedded Oxigraph on disk; a path whose first segment contains ``:`` is written ``oxigraph:PATH``
  or ``./PATH``;
- ``sparql+http://HOST:PORT/BASE[?query=..&update=..&gsp=..&union=..]`` or ``sparql+https://...``
  (the scheme in any case): a remote SPARQL 1.1 server.

>>> parse_store_url("memory:").kind, parse_store_url("data/store").path, parse_store_url("oxigraph:./a:b").path
('memory', PosixPath('data/store'), PosixPath('a:b'))
>>> is_remote("sparql+HTTP://127.0.0.1:7878"), is_remote(DEFAULT_STORE_URL)
(True, False)
>>> parse_store_url("ftp://example.org/data")
Traceback (most recent call last):
    ...
mapper.store.StoreError: unknown store URL scheme 'ftp' in 'ftp://example.org/data': use memory:, oxigraph:PATH, a directory path, sparql+http://... or sparql+https://...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from mapper.store import StoreError

#: The store every command, the viewer and the endpoint use when no URL is given.
DEFAULT_STORE_URL = "oxigraph:.fscai-store"
REMOTE_SCHEMES = ("sparql+http", "sparql+https")
#: A remote server's endpoints, relative to its base, as ``oxigraph serve`` lays them out.
DEFAULT_ENDPOINTS = {"query": "query", "update": "update", "gsp": "store"}
UNION_MODES = ("list", "oxigraph", "server")
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):")


@dataclass(frozen=True)
class RemoteEndpoints:
    """Where a remote store sends queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    gsp: str
    union: str = "list"


@dataclass(frozen=True)
class StoreLocation:
    """What a store URL names: ``kind`` is ``memory``, ``disk`` (``path``) or ``remote`` (``endpoints``)."""

    url: str
    kind: str
    path: Path | None = None
    endpoints: RemoteEndpoints | None = None


def scheme_of(url: str) -> str | None:
    """The URL's scheme in lower case, or None for a plain path."""
    match = _SCHEME.match(url)
    return match.group("scheme").lower() if match else None


def is_remote(url: str) -> bool:
    """Whether ``url`` names a remote SPARQL server (the scheme compared without case)."""
    return scheme_of(url) in REMOTE_SCHEMES


def parse_store_url(url: str) -> StoreLocation:
    """Read a store URL; :class:`~mapper.store.StoreError` names what is wrong with a bad one."""
    scheme = scheme_of(url)
    if scheme is None:
        return _disk(url, url)
    if scheme == "memory":
        if url != "memory:":
            raise StoreError(f"an in-memory store URL is exactly 'memory:', got {url!r}")
        return StoreLocation(url, "memory")
    if scheme == "oxigraph":
        return _disk(url[len("oxigraph:"):], url)
    if scheme in REMOTE_SCHEMES:
        return StoreLocation(url, "remote", endpoints=parse_remote_url(url))
    raise StoreError(
        f"unknown store URL scheme {scheme!r} in {url!r}: use memory:, oxigraph:PATH, "
        "a directory path, sparql+http://... or sparql+https://..."
    )


def _disk(path: str, url: str) -> StoreLocation:
    if not path.strip():
        raise StoreError(f"store URL {url!r} names no directory")
    return StoreLocation(url, "disk", path=Path(path).expanduser())


def parse_remote_url(url: str) -> RemoteEndpoints:
    """Read the endpoints out of a ``sparql+http(s)://`` store URL.

    The URL minus ``sparql+`` and its parameters is the server base. Endpoints default to
    ``BASE/query``, ``BASE/update`` and ``BASE/store`` (``oxigraph serve``); the parameters
    ``query``, ``update`` and ``gsp`` override them with a path relative to ``BASE/``, an absolute
    path or a full ``http(s)`` URL. ``union`` is ``list`` (default: the store lists the graphs and
    names them, portable), ``oxigraph`` (Oxigraph's ``union-default-graph`` parameter) or ``server``
    (the server's default graph is already the union, as on Virtuoso: nothing sent). Any other
    parameter, credentials or a fragment is an error.

    >>> parse_remote_url("sparql+http://127.0.0.1:7878")
    RemoteEndpoints(query='http://127.0.0.1:7878/query', update='http://127.0.0.1:7878/update', gsp='http://127.0.0.1:7878/store', union='list')
    >>> parse_remote_url("sparql+http://localhost:3030?query=/ds/query&update=/ds/update&gsp=/ds/data").gsp
    'http://localhost:3030/ds/data'
    >>> parse_remote_url("sparql+https://example.org/fuseki/ds/?query=sparql&gsp=data").query
    'https://example.org/fuseki/ds/sparql'
    >>> parse_remote_url("sparql+http://localhost:7878?qurey=/q")
    Traceback (most recent call last):
        ...
    mapper.store.StoreError: unknown parameter(s) qurey in store URL 'sparql+http://localhost:7878?qurey=/q': use query, update, gsp, union
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower().removeprefix("sparql+")
    if scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"a remote store URL is sparql+http://HOST[:PORT]/BASE or sparql+https://..., got {url!r}")
    if parts.username is not None or parts.fragment:
        raise StoreError(f"store URL {url!r}: credentials and fragments are not supported")
    params = _url_parameters(url, parts.query)
    base = urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))
    union = params.pop("union", "list")
    if union not in UNION_MODES:
        raise StoreError(f"store URL {url!r}: union must be one of {', '.join(UNION_MODES)}, got {union!r}")
    paths = {name: urljoin(base, params.get(name, default)) for name, default in DEFAULT_ENDPOINTS.items()}
    return RemoteEndpoints(union=union, **paths)


def _url_parameters(url: str, query: str) -> dict[str, str]:
    pairs = parse_qsl(query, keep_blank_values=True)
    names = [name for name, _ in pairs]
    unknown = sorted(set(names) - set(DEFAULT_ENDPOINTS) - {"union"})
    if unknown:
        raise StoreError(f"unknown parameter(s) {', '.join(unknown)} in store URL {url!r}: "
                         "use query, update, gsp, union")
    repeated = sorted({name for name in names if names.count(name) > 1})
    empty = sorted(name for name, value in pairs if not value)
    if repeated or empty:
        raise StoreError(f"store URL {url!r}: parameter(s) {', '.join(repeated + empty)} repeated or empty")
    return dict(pairs)
