"""The browser's way in: a login page that exchanges a token for a session cookie, and logout.

``GET /login`` shows a form; ``POST /login`` with a configured token stores the token's SHA-256
digest in Flask's signed session cookie (HttpOnly, SameSite=Lax; Secure when
``SESSION_COOKIE_SECURE`` is set, as behind TLS it should be) and goes back to ``next`` (a path on
this site only). ``POST /logout`` ends the session. Both forms carry a one-time value kept in the
session, so another site cannot log a visitor in or out (login CSRF). The token never goes into
the cookie, a URL or the audit log; :mod:`web.identity` reads the cookie on every request.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from web.access import token_digest
from web.identity import SESSION_KEY, open_access, principal, tokens

bp = Blueprint("session", __name__)
_FORM_KEY = "form_nonce"


@bp.get("/login")
def login_form():
    return _form(status=200)


@bp.post("/login")
def login():
    _check_nonce()
    token = request.form.get("token", "").strip()
    known = tokens(current_app).table().principal(token) if token else None
    if known is None:
        return _form(status=401, failed=True)
    session.clear()
    session[SESSION_KEY] = token_digest(token)
    session[_FORM_KEY] = secrets.token_urlsafe(24)  # for the logout form
    return redirect(_next_path(request.form.get("next")), code=303)


@bp.post("/logout")
def logout():
    _check_nonce()
    session.clear()
    return redirect(url_for("pages.home"), code=303)


@bp.app_context_processor
def signed_in() -> dict:
    """What every page's header shows: who is asking, and the logout form's value if signed in."""
    try:
        who = principal()
    except Exception:  # a refused request's error page: no one
        who = None
    return {"who": who, "logout_nonce": session.get(_FORM_KEY) if session.get(SESSION_KEY) else None,
            "open_access": open_access(current_app)}


def _form(status: int, failed: bool = False):
    nonce = session.get(_FORM_KEY) or secrets.token_urlsafe(24)
    session[_FORM_KEY] = nonce
    body = render_template("login.html", nonce=nonce, failed=failed, next=_next_path(request.values.get("next")))
    return body, status


def _check_nonce() -> None:
    sent, kept = request.form.get("nonce", ""), session.get(_FORM_KEY, "")
    if not kept or not hmac.compare_digest(sent, kept):
        abort(400, description="表單已過期，請重新載入 / the form has expired: reload the page and try again")


def _next_path(value: str | None) -> str:
    """Where to go after logging in: a path of this site, never another site (open redirect).

    >>> from flask import Flask
    >>> app = Flask(__name__); _ = app.add_url_rule("/", "pages.home", lambda: "")
    >>> with app.test_request_context():
    ...     _next_path("/institution/12345675"), _next_path("//evil.example/x"), _next_path("https://evil.example/")
    ('/institution/12345675', '/', '/')
    """
    if value:
        parts = urlsplit(value)
        if not parts.scheme and not parts.netloc and value.startswith("/") and not value.startswith("//") \
                and "\\" not in value:
            return value
    return url_for("pages.home")
