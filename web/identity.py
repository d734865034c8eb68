"""Who asks: the request's principal, resolved once, before any route runs, for every route.

In this order:

1. a token the request presents, as ``Authorization: Bearer TOKEN`` or an ``access_token``
   parameter (a token that is not configured: 401, never a silent downgrade);
2. the session cookie the login page (:mod:`web.login`) set: signed, HttpOnly, SameSite=Lax, it
   holds the token's SHA-256 digest, never the token, and ends when the token leaves the file;
3. a trusted reverse proxy's header (single sign-on), only when ``TRUSTED_PRINCIPAL_HEADER`` is
   configured and only from the addresses of ``TRUSTED_PROXIES``; its value is a role as the
   token file writes it (``regulator`` or a UBN);
4. else the public, who read the catalogue only.

With no token file and no proxy header, there is one user, the local one, with the regulator's
view (:data:`web.access.LOCAL`); ``fscai serve`` then listens on loopback only. The principal is
``g.principal``; :func:`principal` hands it to a route (and raises the refusal, for ``/sparql``,
which words it in its own formats).
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Iterator

from flask import Flask, abort, current_app, g, has_request_context, request, session

from web.access import LOCAL, PUBLIC, AccessError, Principal, TokenSource, authenticate, principal_for_role

TOKENS = "fscai.tokens"
#: The session key that holds the digest of the token a browser logged in with.
SESSION_KEY = "token_sha256"
MIN_SECRET_BYTES = 16


def init_app(app: Flask) -> None:
    """Read the token file (a bad one stops the app with its message), set up the session cookie
    and resolve every request's principal before its route."""
    app.extensions[TOKENS] = TokenSource(app.config.get("TOKENS"))
    secret = app.config.get("SECRET_KEY")
    if not secret:  # sessions then last as long as the process
        app.config["SECRET_KEY"] = secrets.token_bytes(32)
    elif len(secret if isinstance(secret, bytes) else str(secret).encode("utf-8")) < MIN_SECRET_BYTES:
        raise ValueError(f"FSCAI_SECRET_KEY: the session key must have at least {MIN_SECRET_BYTES} bytes")
    if app.config.get("SESSION_COOKIE_NAME") in (None, "session"):  # Flask's default: another app's on this host
        app.config["SESSION_COOKIE_NAME"] = "fscai_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.before_request(_resolve)


def tokens(app: Flask) -> TokenSource:
    return app.extensions[TOKENS]


def open_access(app: Flask) -> bool:
    """No token file and no proxy header: the one local user of a loopback server."""
    return not tokens(app).configured and not app.config.get("TRUSTED_PRINCIPAL_HEADER")


def principal() -> Principal:
    """This request's principal; :class:`AccessError` if what it presented is refused. Outside a
    request (set-up code), the one :func:`acting_as` names (with open access, the local user)."""
    if "principal" not in g and "access_error" not in g:
        if not has_request_context():
            if open_access(current_app):
                return LOCAL
            raise RuntimeError("no principal outside a request: use web.identity.acting_as(app, principal)")
        _resolve()
    refused = g.get("access_error")
    if refused is not None:
        raise refused
    return g.principal


@contextlib.contextmanager
def acting_as(app: Flask, who: Principal) -> Iterator[None]:
    """An application context whose reads are ``who``'s: for set-up code that reads through the
    viewer's handle before any request (``fscai serve`` reading the home page's answers once)."""
    with app.app_context():
        g.principal = who
        yield


def _resolve() -> None:
    try:
        g.principal = resolve()
    except AccessError as refused:
        g.access_error = refused
    except ValueError as broken:  # the token file was changed into something unreadable
        g.access_error = AccessError(500, f"權杖設定錯誤 / the token configuration is broken: {broken}")
    refused = g.get("access_error")
    if refused is not None and request.blueprint != "sparql":  # /sparql words its own refusals
        abort(refused.status, description=str(refused))


def resolve() -> Principal:
    """The principal of the current request (see the module's order)."""
    app = current_app
    if open_access(app):
        return LOCAL
    table = tokens(app).table()
    authorization = request.headers.get("Authorization")
    presented = request.args.getlist("access_token")
    if request.mimetype == "application/x-www-form-urlencoded":
        presented += request.form.getlist("access_token")
    if authorization or presented:
        return authenticate(authorization, presented, table)
    digest = session.get(SESSION_KEY)
    if digest:
        known = table.by_digest.get(digest)
        if known is not None:
            return known
        session.pop(SESSION_KEY, None)  # the token was taken out of the file: the session ends
    header = app.config.get("TRUSTED_PRINCIPAL_HEADER")
    if header and request.remote_addr in trusted_proxies(app):
        role = request.headers.get(header, "").strip()
        if role:
            try:
                return principal_for_role(role, header)
            except ValueError as bad:
                raise AccessError(401, f"代理伺服器之身分無效 / the proxy's principal is invalid: {bad}") from None
    return PUBLIC


def trusted_proxies(app: Flask) -> frozenset[str]:
    """The addresses whose principal header is believed (loopback unless configured)."""
    configured = app.config.get("TRUSTED_PROXIES") or ("127.0.0.1", "::1")
    if isinstance(configured, str):
        configured = [part.strip() for part in configured.split(",")]
    return frozenset(configured)
