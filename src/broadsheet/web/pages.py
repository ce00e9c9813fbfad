"""The pages: server-rendered HTML over the same service calls as the API. Forms post with
the session's CSRF token; the login form with a double-submit token of its own.

Who asks is found inside each page's own (threadpool) call, ``signed_in(request)``, not by
a dependency of its own: FastAPI runs a plain-function dependency in a worker thread of its
own, and one hand-over per request instead of two is CPU saved on every page. A form post's
user was found, and its CSRF token and Origin checked, by ``form_guard`` before the page
runs, once for every post on this router.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from ..errors import BroadsheetError, MarketDataError, NotFoundError, QuerySyntaxError
from .common import require_admin, service
from .errors import WebError, status_for
from .render import article_html, chart_svg, snippet_html
from .security import (
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    LoginRequired,
    Principal,
    check_csrf,
    check_origin,
    new_pre_csrf,
    page_principal,
)

__all__ = ["router"]


async def form_guard(request: Request) -> None:
    """Every form post carries its CSRF token and comes from this site, checked before the
    form's fields are: a cross-site post is 403, whatever else it lacks. Without a session
    cookie at all, any page but the login form is the login page, before its parameters
    are looked at (no store lookup here: ``signed_in`` does that in the page's own call)."""
    if request.url.path != "/login" and not request.cookies.get(SESSION_COOKIE):
        raise LoginRequired()
    if request.method != "POST":
        return
    form = await request.form()
    offered = str(form.get("csrf") or "")
    if request.url.path == "/login":
        check_origin(request)
        cookie = request.cookies.get(PRE_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie.encode(), offered.encode()):
            raise WebError(403, "forbidden", "the login form expired: load it again")
        return
    principal = await run_in_threadpool(page_principal, request)
    check_csrf(request, principal, offered)


def signed_in(request: Request) -> Principal:
    """The user a page is for: the one ``form_guard`` found for a form post (its CSRF token
    checked), else the session cookie's; without a session, the login page."""
    found: Principal | None = getattr(request.state, "principal", None)
    return found if found is not None else page_principal(request)


router = APIRouter(
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(form_guard)],
)
Csrf = Annotated[str, Form(max_length=200)]  # the login form's (form_guard checks it)
_svc = service


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    principal = getattr(request.state, "principal", None)
    data = {"me": principal, "csrf": principal.csrf if principal else ""}
    data.update(context)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, data, status_code=status)


def _back(path: str, **flash: str) -> RedirectResponse:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in flash.items())
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ------------------------------------------------------------------------------ login


def _login_form(
    request: Request, next: str, *, status: int = 200, error: str = "", name: str = ""
) -> Response:
    """The login form with a fresh double-submit token (in a field and a cookie)."""
    token = new_pre_csrf()
    context = {"next": _safe_next(next), "pre": token, "error": error, "name": name}
    response = render(request, "login.html", context, status=status)
    _set_cookie(response, PRE_CSRF_COOKIE, token, max_age=3600)
    return response


def _refused(exc: BroadsheetError) -> int:
    """The status of a refused login (401 wrong, 429 throttled); other errors go on up."""
    status, _, _ = status_for(exc)
    if status not in (401, 429):
        raise exc
    return status


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return _login_form(request, next)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    code: Annotated[str, Form(max_length=100)],
    csrf: Csrf,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    client = (request.headers.get("user-agent") or "")[:200]
    try:
        done = _svc(request).login(name, password, code, client=client)
    except BroadsheetError as exc:
        status = _refused(exc)
        message = (
            "Too many failed attempts: wait a few minutes."
            if status == 429
            else "Wrong name, password or code."
        )
        return _login_form(request, next, status=status, error=message, name=name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(response, SESSION_COOKIE, done.session)
    response.delete_cookie(PRE_CSRF_COOKIE, path="/", secure=True, httponly=True)
    return response


def _set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="lax"
    )


@router.post("/logout")
def logout(request: Request) -> Response:
    _svc(request).logout(signed_in(request).session_cookie or "")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


# ------------------------------------------------------------------------------ news


@router.get("/")
def top(request: Request) -> Response:
    rows = _svc(request).top(limit=30, owner=signed_in(request).owner)
    return render(request, "top.html", {"rows": rows, "live": True})


@router.get("/search")
def search(request: Request, q: str = "", cursor: str | None = None) -> Response:
    signed_in(request)
    page, error = None, None
    if q.strip():
        try:
            page = _svc(request).search(q, limit=20, cursor=cursor)
        except QuerySyntaxError as exc:
            error = exc
    return render(
        request,
        "search.html",
        {"q": q, "page": page, "error": error, "snippet": snippet_html},
        status=422 if error else 200,
    )


@router.get("/articles/{article_id}")
def article(request: Request, article_id: int) -> Response:
    signed_in(request)
    view = _svc(request).read(article_id)
    body, marks = article_html(view)
    return render(request, "article.html", {"view": view, "body": body, "marks": marks})


@router.get("/people/{name}")
def person(request: Request, name: str) -> Response:
    signed_in(request)
    return render(request, "person.html", {"view": _svc(request).person(name)})


@router.get("/companies/{ticker}")
def company(request: Request, ticker: str) -> Response:
    signed_in(request)
    view = _svc(request).company(ticker)
    chart, chart_error = None, None
    try:
        chart = _svc(request).chart(view.ticker)
    except (MarketDataError, NotFoundError) as exc:
        chart_error = str(exc)
    svg = chart_svg(chart) if chart is not None else None
    return render(
        request,
        "company.html",
        {"view": view, "chart": chart, "svg": svg, "chart_error": chart_error},
    )


# ------------------------------------------------------------------------------ alerts


@router.get("/alerts")
def alerts(request: Request, preview: str = "", name: str = "", msg: str = "") -> Response:
    principal = signed_in(request)
    svc = _svc(request)
    shown, error = None, None
    if preview.strip():
        try:
            shown = svc.preview_alert(preview)
        except QuerySyntaxError as exc:
            error = exc
    return render(
        request,
        "alerts.html",
        {
            "alerts": svc.alerts(owner=principal.owner),
            "preview": shown,
            "preview_q": preview,
            "preview_name": name,
            "error": error,
            "msg": msg,
        },
    )


@router.post("/alerts")
def add_alert(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    query: Annotated[str, Form(max_length=2000)],
    webhook: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    owner = signed_in(request).owner
    try:
        view = _svc(request).add_alert(name, query, owner=owner, webhook=webhook.strip() or None)
    except BroadsheetError as exc:
        return _back("/alerts", msg=f"Not saved: {exc}")
    note = f"Saved “{view.search.name}”."
    if view.secret:
        note += f" Webhook secret (shown once): {view.secret}"
    return _back("/alerts", msg=note)


@router.post("/alerts/{alert_id}/{action}")
def change_alert(request: Request, alert_id: int, action: str) -> Response:
    owner = signed_in(request).owner
    svc = _svc(request)
    methods = {"pause": svc.pause_alert, "resume": svc.resume_alert, "remove": svc.remove_alert}
    if action not in methods:
        raise WebError(404, "not_found", "no such action")
    view = methods[action](alert_id, owner=owner)
    done = {"pause": "Paused", "resume": "Resumed", "remove": "Removed"}[action]
    return _back("/alerts", msg=f"{done} “{view.search.name}”.")


@router.get("/inbox")
def inbox(request: Request, unread: bool = False, cursor: str | None = None) -> Response:
    owner = signed_in(request).owner
    page = _svc(request).inbox(owner=owner, unread=unread, cursor=cursor, limit=50)
    return render(request, "inbox.html", {"page": page, "unread": unread, "live": True})


@router.post("/inbox/read")
def inbox_read(
    request: Request,
    ids: Annotated[list[int], Form()],
    read: Annotated[bool, Form()] = True,
) -> Response:
    _svc(request).mark_read(ids, owner=signed_in(request).owner, read=read)
    return _back("/inbox")


# ------------------------------------------------------------------------------ sources


@router.get("/sources")
def sources(request: Request, msg: str = "") -> Response:
    signed_in(request)
    return render(request, "sources.html", {"sources": _svc(request).sources(), "msg": msg})


@router.post("/sources")
def add_source(request: Request, url: Annotated[str, Form(max_length=2000)]) -> Response:
    require_admin(signed_in(request))
    try:
        added = _svc(request).subscribe(url.strip())
    except BroadsheetError as exc:
        return _back("/sources", msg=f"Not added: {exc}")
    return _back("/sources", msg=f"Added {len(added)} source(s).")


@router.post("/sources/{source_id}/remove")
def remove_source(request: Request, source_id: int) -> Response:
    require_admin(signed_in(request))
    view = _svc(request).remove_source(source_id)
    return _back("/sources", msg=f"Removed {view.source.title or view.source.url}.")


# ------------------------------------------------------------------------------ account


@router.get("/account")
def account(request: Request, msg: str = "") -> Response:
    principal = signed_in(request)
    svc = _svc(request)
    current = principal.session.id if principal.session is not None else None
    return render(
        request,
        "account.html",
        {
            "sessions": svc.sessions(principal.owner, current=current),
            "tokens": svc.tokens(principal.owner),
            "recovery_left": svc.recovery_codes_left(principal.owner),
            "current": current,
            "msg": msg,
        },
    )


@router.post("/account/sessions/{session_id}/end")
def end_session(request: Request, session_id: str) -> Response:
    _svc(request).end_session(signed_in(request).owner, session_id)
    return _back("/account", msg="Session ended.")


@router.post("/account/tokens")
def add_token(request: Request, label: Annotated[str, Form(max_length=100)] = "") -> Response:
    made = _svc(request).add_token(signed_in(request).owner, label)
    return render(request, "token.html", {"token": made.token, "view": made.view})


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int) -> Response:
    _svc(request).revoke_token(signed_in(request).owner, token_id)
    return _back("/account", msg="Token revoked.")


@router.post("/account/password")
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
) -> Response:
    """The current password first (throttled like logins); the other sessions end."""
    principal = signed_in(request)
    try:
        _svc(request).change_password(
            principal.owner, current, new, keep_session=principal.session_cookie
        )
    except BroadsheetError as exc:
        status, _, _ = status_for(exc)
        reason = "wrong password" if status == 401 else str(exc)
        return _back("/account", msg=f"Not changed: {reason}.")
    return _back("/account", msg="Password changed; your other sessions have ended.")


@router.post("/account/second-factor")
def new_second_factor(
    request: Request,
    current: Annotated[str, Form(max_length=1000)],
    code: Annotated[str, Form(max_length=100)],
) -> Response:
    """A new TOTP key and ten new recovery codes for the user, shown once. The password and
    a code of the current second factor prove it is them: a login (throttled like any
    other) whose session is ended at once."""
    owner = signed_in(request).owner
    svc = _svc(request)
    try:
        proof = svc.login(owner, current, code, client="second factor renewal")
    except BroadsheetError as exc:
        _refused(exc)
        return _back("/account", msg="Not renewed: wrong password or code.")
    svc.logout(proof.session)
    made = svc.reset_second_factor(owner)
    return render(request, "second_factor.html", {"made": made})


# ------------------------------------------------------------------------------ admin


def _admin_page(request: Request, *, made: Any = None, msg: str = "") -> Response:
    users = _svc(request).users()
    return render(request, "admin.html", {"users": users, "made": made, "msg": msg})


@router.get("/admin")
def admin(request: Request, msg: str = "") -> Response:
    require_admin(signed_in(request))
    return _admin_page(request, msg=msg)


@router.post("/admin/users")
def admin_add_user(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    admin: Annotated[bool, Form()] = False,
) -> Response:
    require_admin(signed_in(request))
    try:
        made = _svc(request).add_user(name, password, admin=admin)
    except BroadsheetError as exc:
        return _back("/admin", msg=f"Not added: {exc}")
    return _admin_page(request, made=made)


@router.post("/admin/users/{name}/{action}")
def admin_change_user(request: Request, name: str, action: str) -> Response:
    principal = signed_in(request)
    require_admin(principal)
    if name == principal.owner:
        raise WebError(422, "invalid_request", "use the command line to change your own account")
    if action == "remove":
        _svc(request).remove_user(name)
        return _back("/admin", msg=f"Removed {name}.")
    if action == "reset-2fa":
        return _admin_page(request, made=_svc(request).reset_second_factor(name))
    raise WebError(404, "not_found", "no such action")
