"""TOP: top stories now, one row per story with how many outlets carry it; ``TOP <scope>``
keeps the stories tagged with a ticker, topic, person or company. Updates as stories land."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..commands import scope_query
from ..text import plain
from .base import Live, Panel, StoryTable

__all__ = ["TopPanel"]


class TopPanel(Panel):
    def __init__(self, command: str, scope: str = "", *, limit: int = 40) -> None:
        super().__init__(command, title=f"TOP {scope}".strip())
        self.scope = scope
        self.limit = limit
        self.table = StoryTable(sources_column="sources", id="top-table")
        self.note = Static("", classes="panel-note")

    def body(self) -> ComposeResult:
        yield self.note
        yield self.table

    async def load(self) -> None:
        query = scope_query(self.scope)
        clusters = await self.call(self.host.svc.top, query, limit=self.limit)
        current = self.table.story_id()
        self.table.clear()
        for c in clusters:
            count = len(c.sources) or 1
            label = f"{count} sources" if count > 1 else (c.lead.source or "1 source")
            style = "bold" if count > 1 else ""
            self.table.add_story(c.lead.id, c.lead.when, c.lead.headline, label, style=style)
        if current is not None and str(current) in self.table.rows:
            self.table.move_cursor(row=self.table.get_row_index(str(current)))
        what = f"stories tagged {self.scope}" if self.scope else "stories"
        self.note.update(
            plain(f"{len(clusters)} top {what}; ranked by recency, outlets and your alerts")
        )

    def on_live(self, live: Live) -> None:
        if live.stored:
            self.reload(quiet=True)
