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
        after change ``after_seq``, oldest first (at most ``limit`` of each)."""
        events: list[Event] = []
        for fired in self.store.fired_alerts_after(max(0, after_item), limit=limit * 4):
            if fired.owner == owner:
                events.append(_alert_event(fired))
            if len(events) >= limit:
                break
        for change in self.store.changes_since(max(0, after_seq), limit=limit * 4):
            if change.kind == "stored" and change.article_id is not None:
                events.append(
                    ArticleStored(change.seq, change.at, change.article_id, change.source_id)
                )
        return events


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
