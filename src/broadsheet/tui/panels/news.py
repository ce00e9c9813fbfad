"""N <query>: news search in the query language. The first page shows at once and the rest
arrive page by page; new stories that match appear at the top as they are stored. A
malformed query is pointed at on the command line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Static

from ...errors import QuerySyntaxError
from ...search import And, DateRange, parse_query
from ..guard import guarded
from ..text import plain
from .base import Live, Panel, StoryTable

if TYPE_CHECKING:
    from ...service import Service, StoryHit

__all__ = ["NewsPanel"]

_PAGE = 50


class NewsPanel(Panel):
    def __init__(
        self,
        command: str,
        query: str,
        *,
        offset: int = 0,
        title: str | None = None,
        most: int = 1000,
    ) -> None:
        super().__init__(command, title=title or f"N {query}")
        self.query_text = query
        self.query_at = offset  # where the query starts in the command line
        self.most = most
        self.total = 0
        self.exact = True  # False: the backend stopped counting at ``total``
        self.table = StoryTable(id="news-table")
        self.note = Static("", classes="panel-note")

    def body(self) -> ComposeResult:
        yield self.note
        yield self.table

    async def load(self) -> None:
        svc = self.host.svc
        page = await self.call(svc.search, self.query_text, limit=_PAGE, sort="newest")
        self.table.clear()
        self.total, self.exact = page.total, page.total_exact
        self._add(page.hits)
        self._count()
        while page.next_cursor and self.table.row_count < min(self.total, self.most):
            self.host.set_busy(f"N: {self.table.row_count:,} of {self.total:,}")
            page = await self.call(
                svc.search, self.query_text, limit=_PAGE, sort="newest", cursor=page.next_cursor
            )
            self._add(page.hits)
            self._count()
        self.host.set_busy("")

    def _add(self, hits: Sequence[StoryHit]) -> None:
        for h in hits:
            self.table.add_story(h.id, h.when, h.headline, h.source or "")

    def _count(self) -> None:
        shown = self.table.row_count
        more = f" (showing {shown:,})" if shown < self.total else ""
        total = f"{self.total:,}" if self.exact else f"more than {self.total:,}"
        self.note.update(plain(f"{total} matching stories{more}, newest first"))

    def on_query_error(self, exc: QuerySyntaxError) -> None:
        self.host.point_at(self.command, self.query_at + exc.position, exc.reason)

    def on_live(self, live: Live) -> None:
        if live.stored:
            self.run_worker(guarded(self._arrivals(list(live.stored)), self.app, "N"), group="live")

    async def _arrivals(self, ids: list[int]) -> None:
        """Stories stored since the search ran that match it go on top."""
        oldest = await self.call(_oldest_time, self.host.svc, ids)
        if oldest is None:
            return
        tree = And((parse_query(self.query_text), DateRange(oldest, None)))
        page = await self.call(self.host.svc.search, tree, limit=_PAGE, sort="newest")
        new = [h for h in page.hits if h.id in set(ids)]
        for h in reversed(new):
            self.table.add_story(h.id, h.when, h.headline, h.source or "", at_top=True)
        if new:
            self.total += len(new)
            self._count()


def _oldest_time(svc: Service, ids: list[int]) -> datetime | None:
    """When the oldest of these stories was published (else first seen)."""
    times = [art.published_at or art.first_seen_at for art in svc.store.get_articles(ids)]
    return min(times) if times else None
