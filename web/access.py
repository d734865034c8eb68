"""Who sees what: principals, their tokens, and the graphs each may read, for every route.

Tokens are configured, never written in code: ``FSCAI_TOKENS`` (app config or environment) names
a TOML (``.toml``) or JSON file whose ``tokens`` table maps a token to a role::

    [tokens]
    "K3ZrQ2w...random, 20+ characters" = "regulator"          # reads every graph
    "sha256:6b1c...64 hex digits"       = "83910461"          # an institution, by its UBN

A key is either the token itself or ``sha256:`` and the hex SHA-256 of the token (so the file
need not hold the secret). The role is ``regulator`` or an institution's 8-digit unified business
number. The file is read again when it changes, so tokens can be rotated without a restart.

A request presents its token as ``Authorization: Bearer TOKEN`` (RFC 6750), or as an
``access_token`` parameter for clients that cannot set headers, or (browsers) holds the session
cookie the login page gave for it (:mod:`web.identity` resolves the principal once per request).
No token: the public, who read the catalogue only. A token that is not configured: 401, never a
silent downgrade. With no token file at all, the one local user of a loopback server is the
regulator (:data:`LOCAL`).

Access is enforced on the *dataset* every read runs against, never by reading the query text:
:meth:`Principal.may_read` is the one rule, applied to ``/sparql`` (:func:`effective_dataset`) and
to every page and ``/api`` route (:mod:`web.store`). An institution's dataset holds only its own
submission, derived and market graphs and the catalogue, whatever ``FROM``, ``FROM NAMED``,
``default-graph-uri``, ``named-graph-uri`` or ``GRAPH ?g`` ask for; graphs outside it are dropped
(they read as empty, exactly like graphs that do not exist, so nothing is learnt about them).

>>> bank = Principal("institution", "83910461")
>>> bank.may_read("https://w3id.org/fscai/graph/derived/83910461/2026-10-30")
True
>>> bank.may_read("https://w3id.org/fscai/graph/submission/53728108/2026-09-30")
False
>>> effective_dataset(PUBLIC, None, ["https://w3id.org/fscai/graph/catalogue", "https://example.org/x"])
Dataset(default=('https://w3id.org/fscai/graph/catalogue',), named=('https://w3id.org/fscai/graph/catalogue',))
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from mapper.graphs import CATALOGUE_GRAPH, DERIVED_GRAPH_PREFIX, SUBMISSION_GRAPH_PREFIX, market_graph

REGULATOR = "regulator"
MIN_TOKEN_CHARS = 20
_UBN = re.compile(r"^[0-9]{8}$")
_SHA256 = re.compile(r"^sha256:([0-9a-f]{64})$")


class AccessError(Exception):
    """A request the endpoint refuses for who it is: ``status`` 400 or 401."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Principal:
    """Who asks: the regulator, one institution (by UBN), or the public (no token)."""

    role: str  # "regulator" | "institution" | "public"
    ubn: str | None = None
    local: bool = field(default=False, repr=False)  # the one user of a loopback server with no token file (the regulator's view)

    def may_read(self, graph: str) -> bool:
        if self.role == REGULATOR:
            return True
        if graph == CATALOGUE_GRAPH:
            return True
        if self.role == "institution":
            own = (f"{SUBMISSION_GRAPH_PREFIX}{self.ubn}/", f"{DERIVED_GRAPH_PREFIX}{self.ubn}/")
            return graph.startswith(own) or graph == market_graph(self.ubn)
        return False

    @property
    def label(self) -> str:
        if self.local:
            return "本機使用者（監理機關檢視） / local user (the regulator's view)"
        return {"regulator": "監理機關 / regulator", "public": "未授權 / public"}.get(
            self.role, f"金融機構 / institution {self.ubn}")

    @property
    def name(self) -> str:
        """A short ASCII name for logs: ``regulator``, ``local``, ``public`` or ``institution:UBN``."""
        if self.local:
            return "local"
        return f"institution:{self.ubn}" if self.role == "institution" else self.role


PUBLIC = Principal("public")
LOCAL = Principal(REGULATOR, local=True)


@dataclass(frozen=True)
class Requested:
    """The dataset a request asks for (protocol parameters, else the query's FROM clauses)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """What a query runs against. ``None``: every graph of the store (the regulator only)."""

    default: tuple[str, ...] | None
    named: tuple[str, ...] | None


def effective_dataset(principal: Principal, requested: Requested | None, existing: Sequence[str]) -> Dataset:
    """The dataset a query of ``principal`` runs against.

    Without a requested dataset, the default graph is the union of the graphs the principal may
    read and those are also the named graphs; with one, the requested graphs the principal may
    read (the rest are dropped: never a wider dataset than allowed).

    >>> effective_dataset(Principal("regulator"), None, ["https://example.org/x"])
    Dataset(default=None, named=None)
    >>> bank = Principal("institution", "83910461")
    >>> effective_dataset(bank, Requested(("https://w3id.org/fscai/graph/submission/53728108/2026-09-30",), ()), [])
    Dataset(default=(), named=())
    """
    if requested is None:
        if principal.role == REGULATOR:
            return Dataset(None, None)
        readable = tuple(g for g in existing if principal.may_read(g))
        return Dataset(readable, readable)
    return Dataset(tuple(g for g in requested.default if principal.may_read(g)),
                   tuple(g for g in requested.named if principal.may_read(g)))


# --- tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenTable:
    """SHA-256 digest of each configured token -> its principal."""

    by_digest: Mapping[str, Principal]

    def principal(self, token: str) -> Principal | None:
        return self.by_digest.get(token_digest(token))


def token_digest(token: str) -> str:
    """The hex SHA-256 of a token: what the table and a session cookie hold, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_tokens(mapping: Mapping[str, object], source: str = "FSCAI_TOKENS") -> TokenTable:
    """Check and hash a ``token -> role`` mapping.

    >>> table = parse_tokens({"a-long-enough-token-0001": "regulator"})
    >>> table.principal("a-long-enough-token-0001")
    Principal(role='regulator', ubn=None)
    >>> parse_tokens({"short": "regulator"})
    Traceback (most recent call last):
        ...
    ValueError: FSCAI_TOKENS: a token must have at least 20 characters (or be written sha256:HEX)
    """
    table: dict[str, Principal] = {}
    for key, role in mapping.items():
        if not isinstance(key, str) or not isinstance(role, str):
            raise ValueError(f"{source}: tokens and roles are strings, got {key!r} = {role!r}")
        if match := _SHA256.match(key):
            digest = match.group(1)
        elif len(key) >= MIN_TOKEN_CHARS and key.isprintable() and not key.isspace():
            digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        else:
            raise ValueError(f"{source}: a token must have at least {MIN_TOKEN_CHARS} characters "
                             "(or be written sha256:HEX)")
        table[digest] = principal_for_role(role, source)
    return TokenTable(table)


def principal_for_role(role: str, source: str) -> Principal:
    """The principal a configured role names: ``regulator`` or an institution's 8-digit UBN.

    >>> principal_for_role("83910461", "X-Fscai-Principal")
    Principal(role='institution', ubn='83910461')
    """
    if role == REGULATOR:
        return Principal(REGULATOR)
    if _UBN.match(role):
        return Principal("institution", role)
    raise ValueError(f"{source}: role must be 'regulator' or an 8-digit UBN, got {role!r}")


class TokenSource:
    """The token table from app config: a mapping, or a file path re-read when it changes
    (looked at, at most, every :data:`RECHECK_S` seconds)."""

    RECHECK_S = 1.0

    def __init__(self, configured: object) -> None:
        self._configured = configured
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._checked = 0.0
        self._table = TokenTable({})
        if isinstance(configured, Mapping):
            self._table = parse_tokens(configured)
        elif configured:
            self._reload()

    @property
    def configured(self) -> bool:
        """Whether any token file or table is configured (none: the local user of :data:`LOCAL`)."""
        return self._configured not in (None, "")

    def table(self) -> TokenTable:
        if isinstance(self._configured, (str, os.PathLike)) and self._configured:
            now = time.monotonic()
            if now - self._checked >= self.RECHECK_S:
                self._reload()
                self._checked = now
        return self._table

    def _reload(self) -> None:
        path = Path(self._configured)
        try:
            stat = path.stat()
        except OSError as error:
            raise ValueError(f"FSCAI_TOKENS: cannot read {path}: {error}") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._table = parse_tokens(_read_token_file(path), str(path))
                self._stamp = stamp


def _read_token_file(path: Path) -> Mapping[str, object]:
    raw = path.read_bytes()
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"FSCAI_TOKENS: {path} is not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {error}") from None
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(tokens, dict):
        raise ValueError(f"FSCAI_TOKENS: {path} must have a 'tokens' table mapping each token to a role")
    return tokens


def authenticate(authorization: str | None, parameter_tokens: Sequence[str], table: TokenTable) -> Principal:
    """The principal of a request, from its ``Authorization`` header or ``access_token`` parameter."""
    presented = []
    if authorization:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise AccessError(401, "只接受 Bearer 權杖 / only Bearer tokens are accepted (Authorization: Bearer TOKEN)")
        presented.append(credentials.strip())
    presented.extend(parameter_tokens)
    if not presented:
        return PUBLIC
    if len(presented) > 1:
        raise AccessError(400, "權杖只能以一種方式提供一次 / give the token once, in one way (RFC 6750 §2)")
    principal = table.principal(presented[0])
    if principal is None:
        raise AccessError(401, "權杖無效 / invalid token")
    return principal
