"""Security for every response and request: strict headers (a Content-Security-Policy with
no inline script, on every response, error pages included), who is asking (a ``__Host-``
session cookie or ``Authorization: Bearer TOKEN``), CSRF tokens on every state change made
with the cookie, and Origin checks.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import WebError, error_body

log = logging.getLogger(__name__)

__all__ = [
    "CSP",
    "CSRF_HEADER",
    "PRE_CSRF_COOKIE",
    "SESSION_COOKIE",
    "Principal",
    "SecurityHeaders",
    "api_principal",
    "check_csrf",
    "check_origin",
    "page_principal",
]

SESSION_COOKIE = "__Host-session"
PRE_CSRF_COOKIE = "__Host-login-csrf"  # the login form's double-submit token (no session yet)
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
]
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HEADER_NAMES = frozenset(name for name, _ in _HEADERS)


class SecurityHeaders:
    """Adds the strict headers to every response (pure ASGI: streams pass untouched).
    Responses other than static files are never cached; HSTS when served over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in _HEADER_NAMES
                ]
                headers.extend(_HEADERS)
                if not path.startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("request failed: %s", path)
            if started:
                raise
            await _crash_response(path, send_with_headers)


async def _crash_response(path: str, send: Send) -> None:
    """A 500 in the one error shape (JSON for the APIs, a page otherwise)."""
    if path.startswith(("/api/", "/reader/", "/accounts/")):
        body = json.dumps(error_body("server_error", "the server failed; see its log")).encode()
        kind = b"application/json"
    else:
        body = _CRASH_PAGE.encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


_CRASH_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error · '
    'Broadsheet</title><link rel="stylesheet" href="/static/app.css"></head><body><main>'
    "<h1>Server error</h1><p>The server failed; see its log.</p></main></body></html>"
)


# ---------------------------------------------------------------------------- who asks


@dataclass(frozen=True)
class Principal:
    """The user a request acts for, and how it proved it: a session (``session`` set, with
    its CSRF token) or an API token (``session`` None)."""

    user: Any  # broadsheet.service's UserView: id, name, admin
    session: Any | None = None  # SessionInfo: user, csrf, id
    session_cookie: str | None = None

    @property
    def owner(self) -> str:
        """The owner of this user's saved searches, alerts and inbox."""
        return str(self.user.name)

    @property
    def csrf(self) -> str:
        return str(self.session.csrf) if self.session is not None else ""


bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API token (`broadsheet token add --user NAME`, or the API tokens page).",
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="cookie",
    description="The session cookie set at login; state changes also need the "
    "X-CSRF-Token header with the session's CSRF token.",
)


def own_origin(request: Request) -> str:
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}"


def check_origin(request: Request) -> None:
    """403 when the request names an Origin (or, lacking one, a Referer) other than this
    server's own. Requests without either (non-browser clients) pass."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if not referer:
            return
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin == "null" or not _same_origin(origin, request):
        raise WebError(403, "forbidden", "cross-origin request refused")


def _same_origin(origin: str, request: Request) -> bool:
    allowed = {own_origin(request)}
    forwarded = request.headers.get("x-forwarded-host")
    if forwarded and request.app.state.trust_proxy:
        proto = request.headers.get("x-forwarded-proto", request.url.scheme)
        allowed.add(f"{proto}://{forwarded}")
    allowed.update(request.app.state.allowed_origins)
    return origin.rstrip("/") in allowed


def check_csrf(request: Request, principal: Principal, submitted: str | None) -> None:
    """A state change made with the session cookie carries the session's CSRF token (in the
    X-CSRF-Token header or a form's ``csrf`` field) and no foreign Origin."""
    if principal.session is None:  # a bearer token is not sent by browsers on their own
        return
    check_origin(request)
    offered = submitted or request.headers.get(CSRF_HEADER) or ""
    if not offered or not hmac.compare_digest(offered.encode(), principal.csrf.encode()):
        raise WebError(403, "forbidden", "missing or wrong CSRF token")


def _from_cookie(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    info = request.app.state.svc.session_user(token)
    if info is None:
        return None
    return Principal(info.user, info, token)


def _from_bearer(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise WebError(401, "unauthorized", "an Authorization: Bearer token is needed")
    user = request.app.state.svc.token_user(credentials.credentials)
    if user is None:
        raise WebError(401, "unauthorized", "the token is unknown or revoked")
    return Principal(user)


def api_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """Who calls the API: a bearer token, else the session cookie (whose state changes must
    carry the CSRF header). 401 otherwise."""
    if request.headers.get("authorization"):
        principal = _from_bearer(request, credentials)
    else:
        found = _from_cookie(request) if cookie else None
        if found is None:
            raise WebError(401, "unauthorized", "log in or send Authorization: Bearer TOKEN")
        principal = found
        if request.method in _UNSAFE:
            check_csrf(request, principal, None)
    request.state.principal = principal
    return principal


class LoginRequired(Exception):
    """A page asked for without a session: the login page, then back."""


def page_principal(request: Request) -> Principal:
    found = _from_cookie(request)
    if found is None:
        raise LoginRequired()
    request.state.principal = found
    return found


def new_pre_csrf() -> str:
    return secrets.token_urlsafe(24)
