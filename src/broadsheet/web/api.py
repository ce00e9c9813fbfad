"""The REST API under ``/api/v1``: the same service calls as the command line and the same
JSON forms (each view's ``to_json()``), cursor pagination (``next_cursor``), one error
shape. Authentication: ``Authorization: Bearer TOKEN``, or the session cookie with the
X-CSRF-Token header on state changes. Each user sees only their own alerts and inbox."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from .common import require_admin, service
from .security import Principal, api_principal

__all__ = ["router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": text,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                }
            }
        },
    }
    for status, text in (
        (400, "A body that is not JSON"),
        (401, "No valid credentials"),
        (403, "Forbidden (CSRF, Origin, or not an admin)"),
        (404, "Not found"),
        (422, "Invalid request (a malformed query carries its position)"),
        (429, "Throttled"),
    )
}


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class StoryOut(_Open):
    """A story in a list (the CLI's `search --format json` item)."""

    id: int
    headline: str | None
    source: str | None
    published_at: str | None
    first_seen_at: str | None = None
    snippet: str = ""
    story_id: int | None = None


class SearchOut(_Open):
    query: str
    total: int
    total_exact: bool = True  # False: at least ``total`` stories match (a capped count)
    items: list[StoryOut]
    next_cursor: str | None


class AlertOut(_Open):
    """An alert (saved search), as `broadsheet alert list --format json` gives it."""

    id: int
    name: str
    query: str
    owner: str
    active: bool
    state: Literal["active", "paused"]
    created_at: str | None
    fired: int
    last_fired_at: str | None
    channels: list[str]


class AlertsOut(_Open):
    items: list[AlertOut]
    next_cursor: str | None


router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_principal)], responses=_ERRORS)
Me = Annotated[Principal, Depends(api_principal)]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]
_ID_MAX = 2**62
Id = Annotated[int, Path(ge=1, le=_ID_MAX)]
QueryText = Annotated[str, Query(min_length=1, max_length=2000)]
Ticker = Annotated[str, Path(min_length=1, max_length=100)]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")]
svc = service


def _listing(views: Iterable[Any]) -> dict[str, Any]:
    """A whole list in the paged form (its JSON items, no next page)."""
    return {"items": [v.to_json() for v in views], "next_cursor": None}


# ------------------------------------------------------------------------------ who I am


@router.get("/me", tags=["account"], summary="The user these credentials act for")
def me(principal: Me) -> dict[str, Any]:
    data: dict[str, Any] = principal.user.to_json()
    data["via"] = "session" if principal.session is not None else "token"
    return data


# ------------------------------------------------------------------------------ news


@router.get("/top", tags=["news"], summary="Top stories: one row per story cluster")
def top(request: Request, principal: Me, q: str = "", limit: Limit = 20) -> dict[str, Any]:
    return _listing(svc(request).top(q, limit=limit, owner=principal.owner))


_ALERT_LINKS = {
    name: {"operationId": op, "parameters": {"alert": "$response.body#/id"}}
    for name, op in (
        ("GetAlert", "get_alert"),
        ("PauseAlert", "pause_alert"),
        ("ResumeAlert", "resume_alert"),
        ("RemoveAlert", "remove_alert"),
    )
}
_ARTICLE_LINK = {
    "GetArticle": {
        "operationId": "get_article",
        "parameters": {"article_id": "$response.body#/items/0/id"},
    }
}


@router.get(
    "/search",
    tags=["news"],
    summary="Stories matching a query (the query language)",
    operation_id="search",
    response_model=SearchOut,
    responses={200: {"description": "A page of stories", "links": _ARTICLE_LINK}},
)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="a query")],
    cursor: Cursor = None,
    limit: Limit = 20,
    sort: Literal["relevance", "newest"] = "relevance",
) -> dict[str, Any]:
    page = svc(request).search(q, limit=limit, cursor=cursor, sort=sort)
    return page.to_json()


@router.get(
    "/articles",
    tags=["news"],
    summary="The newest stories, a page at a time",
    response_model=SearchOut,
)
def articles(request: Request, cursor: Cursor = None, limit: Limit = 20) -> dict[str, Any]:
    return svc(request).search("*", limit=limit, cursor=cursor, sort="newest").to_json()


@router.get(
    "/articles/{article_id}",
    tags=["news"],
    summary="One story, read like an analyst",
    operation_id="get_article",
)
def article(request: Request, article_id: Id) -> Any:
    return svc(request).read(article_id).to_json()


@router.get("/quotes", tags=["news"], summary="Quotes in the stories matching a query")
def quotes(request: Request, q: QueryText, limit: Limit = 20) -> dict[str, Any]:
    return _listing(svc(request).quotes(q, limit=limit))


@router.get("/people/{name}", tags=["people"], summary="A person: names, titles, quotes")
def person(request: Request, name: Annotated[str, Path(min_length=1, max_length=200)]) -> Any:
    return svc(request).person(name).to_json()


@router.get("/companies/{ticker}", tags=["markets"], summary="A company and its news")
def company(request: Request, ticker: Ticker) -> Any:
    return svc(request).company(ticker).to_json()


@router.get("/prices/{ticker}", tags=["markets"], summary="Daily prices of a ticker")
def prices(request: Request, ticker: Ticker, start: Day = None, end: Day = None) -> Any:
    return svc(request).prices(ticker, start, end).to_json()


@router.get("/prices/{ticker}/chart", tags=["markets"], summary="Prices with news markers")
def chart(request: Request, ticker: Ticker, start: Day = None, end: Day = None) -> Any:
    return svc(request).chart(ticker, start, end).to_json()


# ------------------------------------------------------------------------------ sources


class SourceIn(BaseModel):
    url: str = Field(min_length=1, max_length=2000)
    title: str | None = Field(None, max_length=300)


@router.get("/sources", tags=["sources"], summary="Sources and their health")
def sources(request: Request) -> dict[str, Any]:
    return _listing(svc(request).sources())


@router.post("/sources", tags=["sources"], status_code=201, summary="Subscribe (admins)")
def add_source(request: Request, principal: Me, body: SourceIn) -> dict[str, Any]:
    require_admin(principal)
    return _listing(svc(request).subscribe(body.url, title=body.title))


@router.delete("/sources/{source_id}", tags=["sources"], summary="Unsubscribe (admins)")
def remove_source(request: Request, principal: Me, source_id: Id) -> Any:
    require_admin(principal)
    return svc(request).remove_source(source_id).to_json()


# ------------------------------------------------------------------------------ alerts


class AlertIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    query: str = Field(min_length=1, max_length=2000)
    webhook: str | None = Field(None, max_length=2000, description="Standard Webhooks URL")


AlertRef = Annotated[str, Path(min_length=1, max_length=100, description="id or name")]


@router.get(
    "/alerts", tags=["alerts"], summary="Your alerts (saved searches)", response_model=AlertsOut
)
def alerts(request: Request, principal: Me) -> dict[str, Any]:
    return _listing(svc(request).alerts(owner=principal.owner))


@router.post(
    "/alerts",
    tags=["alerts"],
    status_code=201,
    summary="Save a search as an alert",
    operation_id="add_alert",
    response_model=AlertOut,
    responses={201: {"description": "The alert", "links": _ALERT_LINKS}},
)
def add_alert(request: Request, principal: Me, body: AlertIn) -> Any:
    view = svc(request).add_alert(
        body.name, body.query, owner=principal.owner, webhook=body.webhook
    )
    return view.to_json()


@router.get("/alerts/preview", tags=["alerts"], summary="How often a query would have fired")
def preview_alert(
    request: Request, q: QueryText, days: Annotated[int, Query(ge=1, le=365)] = 7
) -> Any:
    return svc(request).preview_alert(q, days).to_json()


@router.get(
    "/alerts/{alert}",
    tags=["alerts"],
    summary="One of your alerts",
    operation_id="get_alert",
    response_model=AlertOut,
)
def get_alert(request: Request, principal: Me, alert: AlertRef) -> Any:
    return svc(request).alert(alert, owner=principal.owner).to_json()


@router.post(
    "/alerts/{alert}/pause",
    tags=["alerts"],
    summary="Pause an alert",
    operation_id="pause_alert",
    response_model=AlertOut,
)
def pause_alert(request: Request, principal: Me, alert: AlertRef) -> Any:
    return svc(request).pause_alert(alert, owner=principal.owner).to_json()


@router.post(
    "/alerts/{alert}/resume",
    tags=["alerts"],
    summary="Resume an alert",
    operation_id="resume_alert",
    response_model=AlertOut,
)
def resume_alert(request: Request, principal: Me, alert: AlertRef) -> Any:
    return svc(request).resume_alert(alert, owner=principal.owner).to_json()


@router.delete(
    "/alerts/{alert}",
    tags=["alerts"],
    summary="Remove an alert and its inbox",
    operation_id="remove_alert",
    response_model=AlertOut,
)
def remove_alert(request: Request, principal: Me, alert: AlertRef) -> Any:
    return svc(request).remove_alert(alert, owner=principal.owner).to_json()


# ------------------------------------------------------------------------------ inbox


class ReadIn(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=_ID_MAX)]] = Field(min_length=1, max_length=500)
    read: bool = True


@router.get("/inbox", tags=["alerts"], summary="Your inbox: what your alerts fired")
def inbox(
    request: Request,
    principal: Me,
    unread: bool = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Any:
    return (
        svc(request)
        .inbox(owner=principal.owner, unread=unread, cursor=cursor, limit=limit)
        .to_json()
    )


@router.post("/inbox/read", tags=["alerts"], summary="Mark inbox items read (or unread)")
def mark_read(request: Request, principal: Me, body: ReadIn) -> dict[str, int]:
    changed = svc(request).mark_read(body.ids, owner=principal.owner, read=body.read)
    return {"changed": changed}


# ------------------------------------------------------------------------------ account


class TokenIn(BaseModel):
    label: str = Field("", max_length=100)


@router.get("/sessions", tags=["account"], summary="Your active sessions")
def sessions(request: Request, principal: Me) -> dict[str, Any]:
    current = principal.session.id if principal.session is not None else None
    return _listing(svc(request).sessions(principal.owner, current=current))


@router.delete("/sessions/{session_id}", tags=["account"], summary="End one of your sessions")
def end_session(
    request: Request, principal: Me, session_id: Annotated[str, Path(max_length=200)]
) -> Response:
    svc(request).end_session(principal.owner, session_id)
    return Response(status_code=204)


@router.get("/tokens", tags=["account"], summary="Your API tokens (never the secrets)")
def tokens(request: Request, principal: Me) -> dict[str, Any]:
    return _listing(svc(request).tokens(principal.owner))


@router.post(
    "/tokens",
    tags=["account"],
    status_code=201,
    summary="A new API token (shown once)",
    operation_id="add_token",
    responses={
        201: {
            "description": "The token, shown once",
            "links": {
                "RevokeToken": {
                    "operationId": "revoke_token",
                    "parameters": {"token_id": "$response.body#/id"},
                }
            },
        }
    },
)
def add_token(request: Request, principal: Me, body: TokenIn) -> dict[str, Any]:
    return svc(request).add_token(principal.owner, body.label).to_json()


@router.delete(
    "/tokens/{token_id}",
    tags=["account"],
    summary="Revoke one of your tokens",
    operation_id="revoke_token",
)
def revoke_token(request: Request, principal: Me, token_id: Id) -> Any:
    return svc(request).revoke_token(principal.owner, token_id).to_json()
