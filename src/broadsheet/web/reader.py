"""The Google Reader API, as Miniflux and FreshRSS serve it, so existing news-reader apps
(Reeder, NetNewsWire, FeedMe, ReadYou…) can list and read a user's stories.

Logging in: ``POST /accounts/ClientLogin`` with ``Email`` = the user's name and ``Passwd``
= one of their API tokens — never their password: a reader app cannot type a second
factor, so taking the password alone would let it skip one. The ``Auth`` value it gets
back is the token, sent as ``Authorization: GoogleLogin auth=TOKEN``; revoking the token
logs the app out.

Streams: ``user/-/state/com.google/reading-list`` (every story, newest first),
``feed/ID`` (one source's stories), ``user/-/label/NAME`` (what the user's alert NAME
fired), ``user/-/state/com.google/read`` and ``…/starred`` (read marks live on the
user's inbox items; there are no stars). ``edit-tag`` with ``a=…/read`` (or ``r=``) marks
the inbox items of those stories read (or unread).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from ..errors import QuerySyntaxError
from .common import service
from .errors import WebError
from .render import safe_url, sanitise
from .security import Principal

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL = "user/-/label/"
_ITEM_PREFIX = "tag:google.com,2005:reader/item/"
_MAX_ITEMS = 1000


_svc = service


def reader_principal(request: Request) -> Principal:
    """The user of ``Authorization: GoogleLogin auth=TOKEN`` (or ``Bearer TOKEN``)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    token = ""
    if scheme.lower() == "googlelogin" and value.startswith("auth="):
        token = value[5:].strip()
    elif scheme.lower() == "bearer":
        token = value.strip()
    user = _svc(request).token_user(token) if token else None
    if user is None:
        raise WebError(401, "unauthorized", "log in with /accounts/ClientLogin")
    principal = Principal(user)
    request.state.principal = principal
    request.state.reader_token = token
    return principal


Me = Annotated[Principal, Depends(reader_principal)]


def _edit_token(request: Request) -> str:
    key: bytes = request.app.state.reader_key
    return hmac.new(key, request.state.reader_token.encode(), hashlib.sha256).hexdigest()[:57]


@router.post("/accounts/ClientLogin")
async def client_login(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("Email") or request.query_params.get("Email") or "")
    token = str(form.get("Passwd") or request.query_params.get("Passwd") or "")
    user = _svc(request).token_user(token) if token else None
    if user is None or user.name != name:
        raise WebError(401, "unauthorized", "Email is your user name, Passwd an API token")
    if form.get("output") == "json" or request.query_params.get("output") == "json":
        return JSONResponse({"SID": token, "LSID": token, "Auth": token})
    return PlainTextResponse(f"SID={token}\nLSID={token}\nAuth={token}\n")


@router.get("/reader/api/0/token")
def edit_token(request: Request, principal: Me) -> Response:
    return PlainTextResponse(_edit_token(request))


@router.get("/reader/api/0/user-info")
def user_info(request: Request, principal: Me) -> dict[str, Any]:
    u = principal.user
    return {
        "userId": str(u.id),
        "userName": u.name,
        "userProfileId": str(u.id),
        "userEmail": "",
        "isBloggerUser": False,
        "signupTimeSec": int(u.created_at.timestamp()),
        "isMultiLoginEnabled": False,
    }


@router.get("/reader/api/0/subscription/list")
def subscriptions(request: Request, principal: Me) -> dict[str, Any]:
    subs = []
    for view in _svc(request).sources():
        s = view.source
        subs.append(
            {
                "id": f"feed/{s.id}",
                "title": s.title or s.url,
                "categories": [],
                "url": s.url,
                "htmlUrl": safe_url(s.url),
                "iconUrl": "",
            }
        )
    return {"subscriptions": subs}


@router.get("/reader/api/0/tag/list")
def tags(request: Request, principal: Me) -> dict[str, Any]:
    found = [{"id": STARRED}, {"id": READ}]
    for alert in _svc(request).alerts(owner=principal.owner):
        found.append({"id": LABEL + alert.search.name, "type": "tag"})
    return {"tags": found}


@router.get("/reader/api/0/unread-count")
def unread_count(request: Request, principal: Me) -> dict[str, Any]:
    page = _svc(request).inbox(owner=principal.owner, unread=True, limit=500)
    return {"max": 500, "unreadcounts": [{"id": READING_LIST, "count": len(page.items)}]}


# ------------------------------------------------------------------------------ streams


def _item_id(value: str) -> int:
    """An item id in any of the forms clients send: decimal, the long form with 16 hex
    digits, or a bare hex id."""
    value = value.strip()
    if value.startswith(_ITEM_PREFIX):
        hex_part = value[len(_ITEM_PREFIX) :]
        if not hex_part or len(hex_part) > 16:
            raise WebError(400, "bad_request", f"not an item id: {value[:60]}")
        try:
            return int(hex_part, 16)
        except ValueError as exc:
            raise WebError(400, "bad_request", f"not an item id: {value[:60]}") from exc
    if value.isdigit() and len(value) < 20:
        return int(value)
    raise WebError(400, "bad_request", f"not an item id: {value[:60]}")


def _stream_ids(
    request: Request, principal: Principal, stream: str, n: int, cursor: str | None, xt: str
) -> tuple[list[int], str | None]:
    """Article ids of a stream, newest first, and the continuation."""
    svc = _svc(request)
    n = max(1, min(n, _MAX_ITEMS))
    if (
        stream.startswith(LABEL)
        or stream in (READ, STARRED)
        or (stream == READING_LIST and xt == READ)
    ):
        if stream == STARRED:
            return [], None
        alert = stream[len(LABEL) :] if stream.startswith(LABEL) else None
        page = svc.inbox(
            owner=principal.owner,
            unread=stream == READING_LIST,
            alert=alert,
            cursor=cursor,
            limit=n,
        )
        items = [i for i in page.items if stream != READ or i.read]
        seen: list[int] = []
        for i in items:
            if i.entry.article_id not in seen:
                seen.append(i.entry.article_id)
        return seen, page.next_cursor
    if stream == READING_LIST:
        query = "*"
    elif stream.startswith("feed/"):
        source = svc.source(_source_id(stream))
        title = source.source.title or source.source.url
        query = 'source:"' + title.replace('"', " ") + '"'
    else:
        raise WebError(404, "not_found", "no such stream")
    try:
        found = svc.search(query, limit=n, cursor=cursor, sort="newest")
    except QuerySyntaxError as exc:
        raise WebError(404, "not_found", "no such stream") from exc
    return [h.id for h in found.hits], found.next_cursor


def _source_id(stream: str) -> int:
    rest = stream[len("feed/") :]
    if not rest.isdigit() or len(rest) > 18:
        raise WebError(404, "not_found", "no such feed")
    return int(rest)


def _items(request: Request, principal: Principal, ids: list[int]) -> list[dict[str, Any]]:
    svc = _svc(request)
    read = _read_marks(request, principal, ids)
    out = []
    for article_id in ids[:_MAX_ITEMS]:
        try:
            view = svc.read(article_id)
        except Exception:
            continue
        a = view.article
        when = a.published_at or a.first_seen_at
        paragraphs = "".join(f"<p>{_escape(p)}</p>" for p in a.body.split("\n") if p.strip())
        categories = [READING_LIST]
        if read.get(article_id):
            categories.append(READ)
        link = safe_url(a.canonical_url or a.url)
        out.append(
            {
                "id": f"{_ITEM_PREFIX}{article_id:016x}",
                "crawlTimeMsec": str(int(a.first_seen_at.timestamp() * 1000)),
                "timestampUsec": str(int(when.timestamp() * 1_000_000)),
                "published": int(when.timestamp()),
                "updated": int(when.timestamp()),
                "title": a.headline or "",
                "author": a.byline or "",
                "canonical": [{"href": link}],
                "alternate": [{"href": link, "type": "text/html"}],
                "categories": categories,
                "origin": {
                    "streamId": f"feed/{a.source_id}" if a.source_id else READING_LIST,
                    "title": a.source_name or "",
                    "htmlUrl": "",
                },
                "summary": {"direction": "ltr", "content": str(sanitise(paragraphs))},
            }
        )
    return out


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _read_marks(request: Request, principal: Principal, ids: list[int]) -> dict[int, bool]:
    """Whether the user's inbox items of these stories are all read (no item: unread)."""
    wanted = set(ids)
    page = _svc(request).inbox(owner=principal.owner, limit=500)
    marks: dict[int, bool] = {}
    for item in page.items:
        if item.entry.article_id in wanted:
            marks[item.entry.article_id] = marks.get(item.entry.article_id, True) and item.read
    return marks


def _stream_param(request: Request, path_stream: str | None) -> str:
    return path_stream or request.query_params.get("s") or READING_LIST


def _int(value: str | None, default: int) -> int:
    if value is None or not value.isdigit() or len(value) > 6:
        return default
    return int(value)


@router.get("/reader/api/0/stream/items/ids")
def stream_item_ids(request: Request, principal: Me) -> dict[str, Any]:
    q = request.query_params
    ids, more = _stream_ids(
        request,
        principal,
        _stream_param(request, None),
        _int(q.get("n"), 20),
        q.get("c"),
        q.get("xt", ""),
    )
    body: dict[str, Any] = {"itemRefs": [{"id": str(i)} for i in ids]}
    if more:
        body["continuation"] = more
    return body


@router.get("/reader/api/0/stream/contents/{stream:path}")
@router.get("/reader/api/0/stream/contents")
def stream_contents(request: Request, principal: Me, stream: str | None = None) -> Any:
    q = request.query_params
    sid = _stream_param(request, stream)
    ids, more = _stream_ids(
        request, principal, sid, _int(q.get("n"), 20), q.get("c"), q.get("xt", "")
    )
    body: dict[str, Any] = {
        "direction": "ltr",
        "id": sid,
        "title": sid,
        "self": [{"href": str(request.url)}],
        "updated": 0,
        "items": _items(request, principal, ids),
    }
    if more:
        body["continuation"] = more
    return body


async def _form_ids(request: Request) -> tuple[list[int], Any]:
    form = await request.form()
    raw = form.getlist("i") or request.query_params.getlist("i")
    return [_item_id(str(v)) for v in raw][:_MAX_ITEMS], form


@router.post("/reader/api/0/stream/items/contents")
async def item_contents(request: Request) -> Any:
    principal = reader_principal(request)
    ids, _ = await _form_ids(request)
    import asyncio

    items = await asyncio.to_thread(_items, request, principal, ids)
    return {"id": "user/-/state/com.google/reading-list", "updated": 0, "items": items}


@router.post("/reader/api/0/edit-tag")
async def edit_tag(request: Request) -> Response:
    principal = reader_principal(request)
    ids, form = await _form_ids(request)
    offered = str(form.get("T") or "")
    if not hmac.compare_digest(offered.encode(), _edit_token(request).encode()):
        raise WebError(401, "unauthorized", "a fresh token from /reader/api/0/token is needed")
    add, remove = form.getlist("a"), form.getlist("r")
    if READ in add or READ in remove:
        import asyncio

        await asyncio.to_thread(_mark, request, principal, ids, READ in add)
    return PlainTextResponse("OK")


def _mark(request: Request, principal: Principal, ids: list[int], read: bool) -> None:
    svc = _svc(request)
    wanted = set(ids)
    page = svc.inbox(owner=principal.owner, limit=500)
    items = [i.entry.item_id for i in page.items if i.entry.article_id in wanted]
    if items:
        svc.mark_read(items, owner=principal.owner, read=read)


@router.post("/reader/api/0/mark-all-as-read")
async def mark_all_read(request: Request) -> Response:
    principal = reader_principal(request)
    form = await request.form()
    if not hmac.compare_digest(str(form.get("T") or "").encode(), _edit_token(request).encode()):
        raise WebError(401, "unauthorized", "a fresh token from /reader/api/0/token is needed")
    import asyncio

    def everything() -> None:
        svc = _svc(request)
        page = svc.inbox(owner=principal.owner, unread=True, limit=500)
        ids = [i.entry.item_id for i in page.items]
        if ids:
            svc.mark_read(ids, owner=principal.owner)

    await asyncio.to_thread(everything)
    return PlainTextResponse("OK")
