"""Alerts in the terminal: the user's active saved searches matched against each new story,
an inbox of what fired, and how many are unread.

The matching uses the one query language in memory (``search.matches`` on the stored
article and its annotations), so an alert fires on exactly the stories its search finds.
Each alert fires once per story: a second outlet's report of a story that already fired, or
the same story's annotations arriving after its text, adds nothing to the inbox.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..errors import BroadsheetError, NotFoundError
from ..search import Query, article_fields, matches, parse_query, prepare_article

if TYPE_CHECKING:
    from ..service import Service

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
    read: bool = False


class AlertWatch:
    """The user's alerts as they fire (see the module's docstring). ``check`` runs on a
    service thread; the inbox may be read from any thread."""

    def __init__(
        self,
        svc: Service,
        *,
        owner: str = "local",
        clock: Callable[[], datetime] | None = None,
        keep: int = 500,
    ) -> None:
        self._svc = svc
        self._owner = owner
        self._clock = clock or (lambda: datetime.now(UTC))
        self._keep = keep
        self._lock = threading.Lock()
        self._alerts: list[tuple[int, str, Query]] = []
        self._fired: set[tuple[int, int]] = set()
        self._inbox: list[FiredAlert] = []
        self._loaded = False

    def reload(self) -> None:
        """Read the active saved searches again (after one is added, paused or removed)."""
        compiled: list[tuple[int, str, Query]] = []
        for view in self._svc.saved_searches(owner=self._owner):
            s = view.search
            if not s.active:
                continue
            try:
                compiled.append((s.id, s.name, parse_query(s.query)))
            except BroadsheetError:  # saved before the grammar changed: it cannot fire
                continue
        with self._lock:
            self._alerts = compiled
            self._loaded = True

    def check(self, article_ids: Iterable[int]) -> list[FiredAlert]:
        """The alerts these newly stored (or newly annotated) stories fire, added to the
        inbox, newest first."""
        if not self._loaded:
            self.reload()
        with self._lock:
            alerts = list(self._alerts)
        if not alerts:
            return []
        store = self._svc.store
        fired: list[FiredAlert] = []
        for article_id in dict.fromkeys(article_ids):
            try:
                art = store.get_article(article_id)
            except NotFoundError:  # deleted since
                continue
            prepared = prepare_article(article_fields(art, store.get_annotations(article_id)))
            story = art.story_id or art.id
            for alert_id, name, tree in alerts:
                with self._lock:
                    if (alert_id, story) in self._fired:
                        continue
                if not matches(tree, prepared):
                    continue
                hit = FiredAlert(
                    alert_id, name, art.id, art.story_id, art.headline, art.source_name,
                    self._clock(),
                )  # fmt: skip
                with self._lock:
                    if (alert_id, story) in self._fired:
                        continue
                    self._fired.add((alert_id, story))
                    self._inbox.insert(0, hit)
                    del self._inbox[self._keep :]
                fired.append(hit)
        return fired

    def inbox(self) -> list[FiredAlert]:
        with self._lock:
            return list(self._inbox)

    @property
    def unread(self) -> int:
        with self._lock:
            return sum(not a.read for a in self._inbox)

    def mark_read(self, article_id: int | None = None) -> None:
        """Mark one story's alerts read (every alert with None)."""
        with self._lock:
            self._inbox = [
                replace(a, read=True) if article_id in (None, a.article_id) else a
                for a in self._inbox
            ]
