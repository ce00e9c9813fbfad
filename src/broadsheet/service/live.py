"""The live channel's replay: what a client that reconnects missed (an SSE stream's
``Last-Event-ID``), read from the store, never from a bus that may have dropped it."""

from __future__ import annotations

from ..store import FiredAlert
from ..wire import AlertFired, ArticleStored, Event
from .base import ServiceBase

__all__ = ["LiveTasks"]


class LiveTasks(ServiceBase):
    def live_position(self) -> tuple[int, int]:
        """(the newest inbox item, the newest change-log position): where a live stream
        that starts now begins."""
        return self.store.last_alert_item(), self.store.max_seq()

    def missed_events(
        self, owner: str, after_item: int, after_seq: int, *, limit: int = 500
    ) -> list[Event]:
        """``owner``'s alerts created after inbox item ``after_item`` and the stories stored
        after change ``after_seq``, oldest first (at most ``limit`` of each: fewer than
        ``limit`` of both means there are no more)."""
        # pages of the log are read until ``limit`` are found (or the log ends): another
        # user's alerts or other kinds of change never hide what comes after them
        alerts: list[FiredAlert] = []
        after = max(0, after_item)
        while len(alerts) < limit:
            page = self.store.fired_alerts_after(after, limit=limit * 4)
            alerts.extend(f for f in page if f.owner == owner)
            if len(page) < limit * 4:
                break
            after = page[-1].item_id
        events: list[Event] = [_alert_event(f) for f in alerts[:limit]]
        stories: list[Event] = []
        after = max(0, after_seq)
        while len(stories) < limit:
            changes = self.store.changes_since(after, limit=limit * 4)
            stories.extend(
                ArticleStored(c.seq, c.at, c.article_id, c.source_id)
                for c in changes
                if c.kind == "stored" and c.article_id is not None
            )
            if len(changes) < limit * 4:
                break
            after = changes[-1].seq
        return events + stories[:limit]


def _alert_event(fired: FiredAlert) -> AlertFired:
    return AlertFired(
        seq=fired.seq,
        at=fired.fired_at,
        alert_id=fired.search_id,
        owner=fired.owner,
        name=fired.name,
        article_id=fired.article_id,
        story_id=fired.story_id,
        headline=fired.headline,
        stored_at=fired.stored_at,
        item_id=fired.item_id,
    )
