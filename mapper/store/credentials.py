"""Credentials for a remote store: read from the environment or a file, never from the store URL.

A store URL is printed in logs, error messages and ``fscai`` output, so it carries no secret (a
``user:password@`` in it is refused by :mod:`mapper.store.url`). A server that wants a login (as
Virtuoso's digest-authenticated ``/sparql-auth`` and ``/sparql-graph-crud-auth`` do) gets it from:

- ``FSCAI_STORE_USER``: the user name;
- ``FSCAI_STORE_PASSWORD_FILE``: a file holding the password (its first line; the way container
  secrets are mounted), or ``FSCAI_STORE_PASSWORD``: the password itself.

Each store gets its own :class:`urllib.request.OpenerDirector` answering the server's HTTP Basic or
Digest challenge for that server only. Written here rather than with SPARQLWrapper's
``setHTTPAuth(DIGEST)``, which installs a process-wide opener (every later ``urlopen`` would carry it).
Once challenged, the Digest handler signs the next requests before sending them: a server that
answers 401 to a large unsigned upload closes the connection before reading it (a broken pipe).

>>> read_credentials({}) is None
True
>>> read_credentials({"FSCAI_STORE_USER": "fscai", "FSCAI_STORE_PASSWORD": "s3cret"})
Credentials(user='fscai', password='***')
>>> read_credentials({"FSCAI_STORE_USER": "fscai"})
Traceback (most recent call last):
    ...
mapper.store.StoreError: FSCAI_STORE_USER is set but neither FSCAI_STORE_PASSWORD_FILE nor FSCAI_STORE_PASSWORD is
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import (
    HTTPBasicAuthHandler,
    HTTPDigestAuthHandler,
    HTTPPasswordMgrWithDefaultRealm,
    OpenerDirector,
    build_opener,
)

from mapper.store import StoreError

USER_VARIABLE = "FSCAI_STORE_USER"
PASSWORD_VARIABLE = "FSCAI_STORE_PASSWORD"
PASSWORD_FILE_VARIABLE = "FSCAI_STORE_PASSWORD_FILE"


@dataclass(frozen=True)
class Credentials:
    """A user and password for a remote store; the password never shows in a repr."""

    user: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password='***')"


def read_credentials(environ: Mapping[str, str]) -> Credentials | None:
    """The credentials the environment names, or None when it names none."""
    user = environ.get(USER_VARIABLE, "")
    password_file = environ.get(PASSWORD_FILE_VARIABLE, "")
    password = environ.get(PASSWORD_VARIABLE, "")
    if not user:
        if password_file or password:
            raise StoreError(f"{PASSWORD_FILE_VARIABLE if password_file else PASSWORD_VARIABLE} is set "
                             f"but {USER_VARIABLE} is not")
        return None
    if password_file:
        try:
            lines = Path(password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise StoreError(f"{PASSWORD_FILE_VARIABLE}: cannot read {password_file}: "
                             f"{getattr(error, 'strerror', None) or error}") from None
        password = lines[0] if lines else ""
        if not password:
            raise StoreError(f"{PASSWORD_FILE_VARIABLE}: {password_file} holds no password on its first line")
    if not password:
        raise StoreError(f"{USER_VARIABLE} is set but neither {PASSWORD_FILE_VARIABLE} nor {PASSWORD_VARIABLE} is")
    return Credentials(user, password)


class _SigningDigestHandler(HTTPDigestAuthHandler):
    """urllib's Digest handler, which also signs each request with the server's last challenge
    (the nonce counted up); a stale one is answered by the usual 401 and a new challenge."""

    def __init__(self, passwords: HTTPPasswordMgrWithDefaultRealm) -> None:
        super().__init__(passwords)
        self._challenge: dict | None = None

    def get_authorization(self, req, chal):  # noqa: ANN001 (urllib's signature)
        self._challenge = dict(chal)
        return super().get_authorization(req, chal)

    def http_request(self, req):  # noqa: ANN001
        challenge = self._challenge
        if challenge is not None and not req.has_header(self.auth_header):
            authorization = super().get_authorization(req, challenge)
            if authorization:
                req.add_unredirected_header(self.auth_header, f"Digest {authorization}")
        return req

    https_request = http_request


def store_opener(server_url: str, credentials: Credentials | None) -> OpenerDirector:
    """An opener that answers Basic and Digest challenges from ``server_url``'s host with
    ``credentials`` (and from no other host); a plain opener without credentials."""
    if credentials is None:
        return build_opener()
    parts = urlsplit(server_url)
    passwords = HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", credentials.user, credentials.password)
    return build_opener(HTTPBasicAuthHandler(passwords), _SigningDigestHandler(passwords))
