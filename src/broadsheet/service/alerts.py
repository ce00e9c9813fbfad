"""Alerts: a saved search with its delivery channels (the inbox and live always, a signed
webhook when asked), what it has fired, a preview before saving it, and the inbox.

Every method takes ``owner`` (the user; "local" is the command line's user) and shows one
owner nothing of another's: an alert or inbox item of someone else is "not found".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..alerts import FOLLOWER_NAME, check_secret, check_webhook_url, new_secret
from ..errors import InvalidRequestError, NotFoundError
from ..models import StoredArticle
from ..search import parse_query
from ..store import AlertStats, InboxEntry, SavedSearch
from .searches import SavedSearchTasks, SearchPreview
from .views import decode_cursor, encode_cursor, iso

__all__ = ["AlertTasks", "AlertView", "InboxItemView", "InboxPage"]

_MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class AlertView:
    """A saved search as an alert: its state, how often and when it fired, its channels and
    the health of its webhook. ``secret`` is set only when the alert was just made."""

    search: SavedSearch
    stats: AlertStats
    secret: str | None = None

    @property
    def channels(self) -> list[str]:
        return ["inbox", "live"] + (["webhook"] if self.stats.webhook_url else [])

    def to_json(self) -> dict[str, Any]:
        s, st = self.search, self.stats
        data: dict[str, Any] = {
            "id": s.id,
            "name": s.name,
            "query": s.query,
            "owner": s.owner,
            "active": s.active,
            "state": "active" if s.active else "paused",
            "created_at": iso(s.created_at),
            "fired": st.fired,
            "last_fired_at": iso(st.last_fired_at),
            "channels": self.channels,
            "webhook": None,
        }
        if st.webhook_url is not None:
            data["webhook"] = {
                "url": st.webhook_url,
                "delivered": st.delivered,
                "pending": st.pending,
                "failing": st.failing,
                "gave_up": st.gave_up,
                "last_error": st.last_error,
                "last_error_at": iso(st.last_error_at),
            }
        if self.secret is not None:
            data["secret"] = self.secret
        return data


@dataclass(frozen=True, slots=True)
class ReportView:
    """One report grouped into an inbox item."""

    article_id: int
    version: int
    at: datetime
    headline: str | None
    source: str | None
    published_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "version": self.version,
            "at": iso(self.at),
            "headline": self.headline,
            "source": self.source,
            "published_at": iso(self.published_at),
        }


@dataclass(frozen=True, slots=True)
class InboxItemView:
    """A saved search fired for a story: the first report, and every other report of the
    same story (new versions, other sources) grouped into it."""

    entry: InboxEntry
    source: str | None
    published_at: datetime | None
    reports: list[ReportView]

    @property
    def read(self) -> bool:
        return self.entry.read_at is not None

    def to_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "id": e.item_id,
            "alert_id": e.search_id,
            "alert": e.name,
            "article_id": e.article_id,
            "story_id": e.story_id,
            "headline": e.headline,
            "source": self.source,
            "published_at": iso(self.published_at),
            "stored_at": iso(e.stored_at),
            "fired_at": iso(e.fired_at),
            "updated_at": iso(e.updated_at),
            "read": self.read,
            "read_at": iso(e.read_at),
            "reports": [r.to_json() for r in self.reports],
        }


@dataclass(frozen=True, slots=True)
class InboxPage:
    """Inbox items, newest first; ``next_cursor`` is None on the last page."""

    items: list[InboxItemView]
    unread: int  # unread items on this page
    next_cursor: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "items": [i.to_json() for i in self.items],
            "unread": self.unread,
            "next_cursor": self.next_cursor,
        }


class AlertTasks(SavedSearchTasks):
    def add_alert(
        self,
        name: str,
        query: str,
        *,
        owner: str = "local",
        webhook: str | None = None,
        secret: str | None = None,
    ) -> AlertView:
        """Save ``query`` as an alert called ``name``: inbox and live always, a webhook when
        ``webhook`` is given (signed with ``secret``, or a new one returned in the view)."""
        clean_name = _check_name(name)
        parse_query(query)  # a malformed query is refused before anything is written
        hook: tuple[str, str] | None = None
        if webhook is not None:
            url = check_webhook_url(webhook.strip(), self.settings.fetch)
            hook = (url, check_secret(secret) if secret is not None else new_secret())
        elif secret is not None:
            raise InvalidRequestError("a secret signs webhooks: give a webhook URL with it")
        saved = self.store.add_alert(
            clean_name, query, owner=owner, webhook=hook, follower=FOLLOWER_NAME
        )
        self.poke()
        stats = self.store.alert_stats([saved.id])[saved.id]
        return AlertView(saved, stats, None if hook is None else hook[1])

    def alerts(self, *, owner: str = "local") -> list[AlertView]:
        """``owner``'s alerts (saved searches), oldest first, with what they fired."""
        searches = self.store.list_saved_searches(owner=owner)
        stats = self.store.alert_stats(s.id for s in searches)
        return [AlertView(s, stats[s.id]) for s in searches]

    def alert(self, name_or_id: str | int, *, owner: str = "local") -> AlertView:
        found = self.saved_search(name_or_id, owner=owner).search
        return AlertView(found, self.store.alert_stats([found.id])[found.id])

    def pause_alert(self, name_or_id: str | int, *, owner: str = "local") -> AlertView:
        self.set_search_active(name_or_id, False, owner=owner)
        return self.alert(name_or_id, owner=owner)

    def resume_alert(self, name_or_id: str | int, *, owner: str = "local") -> AlertView:
        self.set_search_active(name_or_id, True, owner=owner)
        return self.alert(name_or_id, owner=owner)

    def remove_alert(self, name_or_id: str | int, *, owner: str = "local") -> AlertView:
        """Remove the alert, its inbox items and its pending deliveries."""
        view = self.alert(name_or_id, owner=owner)
        self.store.remove_saved_search(view.search.id)
        return view

    def preview_alert(
        self, query: str, days: int = 7, *, examples: int = 5, now: datetime | None = None
    ) -> SearchPreview:
        """How often ``query`` would have fired over the last ``days`` days, with examples."""
        if days < 1:
            raise InvalidRequestError("a preview covers at least one day")
        return self.preview_search(query, days=days, examples=examples, now=now)

    def inbox(
        self,
        *,
        owner: str = "local",
        unread: bool = False,
        limit: int = 50,
        cursor: str | None = None,
        alert: str | int | None = None,
    ) -> InboxPage:
        """``owner``'s inbox, newest first (one item per alert and story)."""
        try:
            before = decode_cursor(cursor) or None
        except ValueError as exc:
            raise InvalidRequestError(str(exc)) from exc
        size = max(1, min(limit, 500))
        search_id = None if alert is None else self.alert(alert, owner=owner).search.id
        self.catch_up_alerts()
        entries = self.store.inbox_entries(
            owner, unread=unread, limit=size + 1, before=before, search_id=search_id
        )
        more = len(entries) > size
        entries = entries[:size]
        ids = {r.article_id for e in entries for r in e.reports} | {e.article_id for e in entries}
        articles = {a.id: a for a in self.store.get_articles(sorted(ids))}
        items = [_item(e, articles) for e in entries]
        return InboxPage(
            items=items,
            unread=sum(1 for i in items if not i.read),
            next_cursor=encode_cursor(entries[-1].item_id) if more and entries else None,
        )

    def mark_read(self, ids: Iterable[int], *, owner: str = "local", read: bool = True) -> int:
        """Mark ``owner``'s inbox items read (``read=False``: unread); returns how many
        changed. Ids of other users' items change nothing."""
        wanted = [int(i) for i in ids]
        changed = self.store.mark_inbox_read(owner, wanted, read=read)
        if wanted and changed == 0:
            raise NotFoundError("no such inbox item")
        return changed


def _check_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidRequestError("an alert needs a name")
    if len(clean) > _MAX_NAME:
        raise InvalidRequestError(f"an alert's name is at most {_MAX_NAME} characters")
    if clean.isdigit():
        raise InvalidRequestError("an alert's name cannot be only digits (ids are)")
    return clean


def _item(entry: InboxEntry, articles: dict[int, StoredArticle]) -> InboxItemView:
    first = articles.get(entry.article_id)
    reports = []
    for report in entry.reports:
        art = articles.get(report.article_id)
        reports.append(
            ReportView(
                report.article_id,
                report.version,
                report.at,
                art.headline if art else None,
                art.source_name if art else None,
                art.published_at if art else None,
            )
        )
    return InboxItemView(
        entry,
        first.source_name if first else None,
        first.published_at if first else None,
        reports,
    )
