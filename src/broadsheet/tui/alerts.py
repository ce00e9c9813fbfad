"""Alerts in the terminal, from the alerts engine (``broadsheet.alerts`` behind the service):
what fired comes live as ``AlertFired`` events on the service's bus (pop-ups), and the inbox
and its unread count are the service's (``svc.inbox``, ``svc.mark_read``).

``AlertWatch`` keeps the last inbox page read, so the screen reads the inbox and the unread
count without touching the archive; ``refresh`` and ``mark_read`` run on a service thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..wire import AlertFired, Event

if TYPE_CHECKING:
    from ..service import InboxItemView, Service

__all__ = ["AlertWatch", "FiredAlert"]


@dataclass(frozen=True, slots=True)
class FiredAlert:
    alert_id: int
    name: str
    article_id: int
    story_id: int | None
    headline: str | None
    source: str | None
    at: datetime  # when it fired
    published_at: datetime | None = None
    read: bool = False
    item_id: int | None = None


def _from_item(item: InboxItemView) -> FiredAlert:
    e = item.entry
    return FiredAlert(
        e.search_id, e.name, e.article_id, e.story_id, e.headline, item.source, e.fired_at,
        item.published_at, item.read, e.item_id,
    )  # fmt: skip


class AlertWatch:
    """The user's alerts as they fire (see the module's docstring)."""

    def __init__(self, svc: Service, *, owner: str = "local", keep: int = 200) -> None:
        self._svc = svc
        self._owner = owner
        self._keep = keep
        self._lock = threading.Lock()
        self._inbox: list[FiredAlert] = []

    def fired(self, events: Iterable[Event]) -> list[FiredAlert]:
        """This user's alerts among ``events`` (for the pop-ups), oldest first."""
        return [
            FiredAlert(
                e.alert_id, e.name, e.article_id, e.story_id, e.headline, None, e.at or e.stored_at
            )
            for e in events
            if isinstance(e, AlertFired) and e.owner == self._owner
        ]

    def refresh(self) -> None:
        """Read the inbox again (on a service thread)."""
        page = self._svc.inbox(owner=self._owner, limit=self._keep)
        with self._lock:
            self._inbox = [_from_item(i) for i in page.items]

    def inbox(self) -> list[FiredAlert]:
        """The inbox as last read, newest first."""
        with self._lock:
            return list(self._inbox)

    @property
    def unread(self) -> int:
        with self._lock:
            return sum(not a.read for a in self._inbox)

    def mark_read(self, article_id: int | None = None) -> None:
        """Mark one story's items read (every item with None), then read the inbox again
        (on a service thread)."""
        with self._lock:
            ids = [
                a.item_id
                for a in self._inbox
                if not a.read and a.item_id is not None and article_id in (None, a.article_id)
            ]
        if ids:
            self._svc.mark_read(ids, owner=self._owner)
            self.refresh()
