"""The pages: server-rendered HTML over the same service calls as the API. Forms post with
the session's CSRF token; the login form with a double-submit token of its own."""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from ..errors import BroadsheetError, MarketDataError, NotFoundError, QuerySyntaxError
from .errors import WebError, status_for
from .render import article_html, chart_svg, snippet_html
from .security import (
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    Principal,
    check_csrf,
    check_origin,
    new_pre_csrf,
    page_principal,
)

__all__ = ["router"]


async def form_guard(request: Request) -> None:
    """Every form post carries its CSRF token and comes from this site, checked before the
    form's fields are: a cross-site post is 403, whatever else it lacks."""
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


router = APIRouter(
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(form_guard)],
)
Me = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(max_length=200)]


def _svc(request: Request) -> Any:
    return request.app.state.svc


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


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    token = new_pre_csrf()
    response = render(request, "login.html", {"next": _safe_next(next), "pre": token})
    _set_cookie(response, PRE_CSRF_COOKIE, token, max_age=3600)
    return response


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
        status, _, _ = status_for(exc)
        if status not in (401, 429):
            raise
        message = (
            "Too many failed attempts: wait a few minutes."
            if status == 429
            else "Wrong name, password or code."
        )
        token = new_pre_csrf()
        response = render(
            request,
            "login.html",
            {"next": _safe_next(next), "pre": token, "error": message, "name": name},
            status=status,
        )
        _set_cookie(response, PRE_CSRF_COOKIE, token, max_age=3600)
        return response
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(response, SESSION_COOKIE, done.session)
    response.delete_cookie(PRE_CSRF_COOKIE, path="/", secure=True, httponly=True)
    return response


def _set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="lax"
    )


@router.post("/logout")
def logout(request: Request, principal: Me, csrf: Csrf) -> Response:
    check_csrf(request, principal, csrf)
    _svc(request).logout(principal.session_cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


# ------------------------------------------------------------------------------ news


@router.get("/")
def top(request: Request, principal: Me) -> Response:
    rows = _svc(request).top(limit=30, owner=principal.owner)
    return render(request, "top.html", {"rows": rows, "live": True})


@router.get("/search")
def search(request: Request, principal: Me, q: str = "", cursor: str | None = None) -> Response:
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
def article(request: Request, principal: Me, article_id: int) -> Response:
    view = _svc(request).read(article_id)
    body, marks = article_html(view)
    return render(request, "article.html", {"view": view, "body": body, "marks": marks})


@router.get("/people/{name}")
def person(request: Request, principal: Me, name: str) -> Response:
    view = _svc(request).person(name)
    return render(request, "person.html", {"view": view})


@router.get("/companies/{ticker}")
def company(request: Request, principal: Me, ticker: str) -> Response:
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
def alerts(
    request: Request, principal: Me, preview: str = "", name: str = "", msg: str = ""
) -> Response:
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
    principal: Me,
    csrf: Csrf,
    name: Annotated[str, Form(max_length=200)],
    query: Annotated[str, Form(max_length=2000)],
    webhook: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(request, principal, csrf)
    try:
        view = _svc(request).add_alert(
            name, query, owner=principal.owner, webhook=webhook.strip() or None
        )
    except BroadsheetError as exc:
        return _back("/alerts", msg=f"Not saved: {exc}")
    note = f"Saved “{view.search.name}”."
    if view.secret:
        note += f" Webhook secret (shown once): {view.secret}"
    return _back("/alerts", msg=note)


@router.post("/alerts/{alert_id}/{action}")
def change_alert(
    request: Request, principal: Me, alert_id: int, action: str, csrf: Csrf
) -> Response:
    check_csrf(request, principal, csrf)
    svc = _svc(request)
    methods = {"pause": svc.pause_alert, "resume": svc.resume_alert, "remove": svc.remove_alert}
    if action not in methods:
        raise WebError(404, "not_found", "no such action")
    view = methods[action](alert_id, owner=principal.owner)
    done = {"pause": "Paused", "resume": "Resumed", "remove": "Removed"}[action]
    return _back("/alerts", msg=f"{done} “{view.search.name}”.")


@router.get("/inbox")
def inbox(
    request: Request, principal: Me, unread: bool = False, cursor: str | None = None
) -> Response:
    page = _svc(request).inbox(owner=principal.owner, unread=unread, cursor=cursor, limit=50)
    return render(request, "inbox.html", {"page": page, "unread": unread, "live": True})


@router.post("/inbox/read")
def inbox_read(
    request: Request,
    principal: Me,
    csrf: Csrf,
    ids: Annotated[list[int], Form()],
    read: Annotated[bool, Form()] = True,
) -> Response:
    check_csrf(request, principal, csrf)
    _svc(request).mark_read(ids, owner=principal.owner, read=read)
    return _back("/inbox")


# ------------------------------------------------------------------------------ sources


@router.get("/sources")
def sources(request: Request, principal: Me, msg: str = "") -> Response:
    return render(request, "sources.html", {"sources": _svc(request).sources(), "msg": msg})


@router.post("/sources")
def add_source(
    request: Request, principal: Me, csrf: Csrf, url: Annotated[str, Form(max_length=2000)]
) -> Response:
    check_csrf(request, principal, csrf)
    _admin(principal)
    try:
        added = _svc(request).subscribe(url.strip())
    except BroadsheetError as exc:
        return _back("/sources", msg=f"Not added: {exc}")
    return _back("/sources", msg=f"Added {len(added)} source(s).")


@router.post("/sources/{source_id}/remove")
def remove_source(request: Request, principal: Me, source_id: int, csrf: Csrf) -> Response:
    check_csrf(request, principal, csrf)
    _admin(principal)
    view = _svc(request).remove_source(source_id)
    return _back("/sources", msg=f"Removed {view.source.title or view.source.url}.")


def _admin(principal: Principal) -> None:
    if not principal.user.admin:
        raise WebError(403, "forbidden", "only an admin may do that")


# ------------------------------------------------------------------------------ account


@router.get("/account")
def account(request: Request, principal: Me, msg: str = "") -> Response:
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
def end_session(request: Request, principal: Me, session_id: str, csrf: Csrf) -> Response:
    check_csrf(request, principal, csrf)
    _svc(request).end_session(principal.owner, session_id)
    return _back("/account", msg="Session ended.")


@router.post("/account/tokens")
def add_token(
    request: Request, principal: Me, csrf: Csrf, label: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(request, principal, csrf)
    made = _svc(request).add_token(principal.owner, label)
    return render(request, "token.html", {"token": made.token, "view": made.view})


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, principal: Me, token_id: int, csrf: Csrf) -> Response:
    check_csrf(request, principal, csrf)
    _svc(request).revoke_token(principal.owner, token_id)
    return _back("/account", msg="Token revoked.")


@router.post("/account/password")
def change_password(
    request: Request,
    principal: Me,
    csrf: Csrf,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
) -> Response:
    """The current password first (throttled like logins); the other sessions end."""
    check_csrf(request, principal, csrf)
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
    principal: Me,
    csrf: Csrf,
    current: Annotated[str, Form(max_length=1000)],
    code: Annotated[str, Form(max_length=100)],
) -> Response:
    """A new TOTP key and ten new recovery codes for the user, shown once. The password and
    a code of the current second factor prove it is them: a login (throttled like any
    other) whose session is ended at once."""
    check_csrf(request, principal, csrf)
    svc = _svc(request)
    try:
        proof = svc.login(principal.owner, current, code, client="second factor renewal")
    except BroadsheetError as exc:
        status, _, _ = status_for(exc)
        if status not in (401, 429):
            raise
        return _back("/account", msg="Not renewed: wrong password or code.")
    svc.logout(proof.session)
    made = svc.reset_second_factor(principal.owner)
    return render(request, "second_factor.html", {"made": made})


# ------------------------------------------------------------------------------ admin


@router.get("/admin")
def admin(request: Request, principal: Me, msg: str = "") -> Response:
    _admin(principal)
    svc = _svc(request)
    return render(request, "admin.html", {"users": svc.users(), "made": None, "msg": msg})


@router.post("/admin/users")
def admin_add_user(
    request: Request,
    principal: Me,
    csrf: Csrf,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    admin: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(request, principal, csrf)
    _admin(principal)
    svc = _svc(request)
    try:
        made = svc.add_user(name, password, admin=admin)
    except BroadsheetError as exc:
        return _back("/admin", msg=f"Not added: {exc}")
    return render(request, "admin.html", {"users": svc.users(), "made": made, "msg": ""})


@router.post("/admin/users/{name}/{action}")
def admin_change_user(
    request: Request, principal: Me, name: str, action: str, csrf: Csrf
) -> Response:
    check_csrf(request, principal, csrf)
    _admin(principal)
    svc = _svc(request)
    if name == principal.owner:
        raise WebError(422, "invalid_request", "use the command line to change your own account")
    if action == "remove":
        svc.remove_user(name)
        return _back("/admin", msg=f"Removed {name}.")
    if action == "reset-2fa":
        made = svc.reset_second_factor(name)
        return render(request, "admin.html", {"users": svc.users(), "made": made, "msg": ""})
    raise WebError(404, "not_found", "no such action")
