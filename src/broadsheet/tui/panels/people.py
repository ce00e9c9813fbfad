"""PEOP <name>: a person as the archive knows them: names, titles and affiliations over time,
their quotes (Enter reads the story) and who they appear with."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ..text import plain
from .base import Panel

__all__ = ["PersonPanel"]


class PersonPanel(Panel):
    DEFAULT_CSS = """
    PersonPanel #person-info { height: auto; padding: 0 1; }
    PersonPanel DataTable { height: 1fr; }
    """

    def __init__(self, command: str, name: str) -> None:
        super().__init__(command, title=f"PEOP {name}")
        self.person = name
        self.info = Static(id="person-info")
        self.quotes: DataTable[Text] = DataTable(cursor_type="row", id="person-quotes")

    def body(self) -> ComposeResult:
        yield self.info
        yield self.quotes

    async def load(self) -> None:
        view = await self.call(self.host.svc.person, self.person, quotes=100)
        p = view.profile
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row(plain("name"), plain(p.name, "bold"))
        if len(p.aliases) > 1:
            grid.add_row(plain("also written"), plain(", ".join(p.aliases[1:6])))
        for label, values in (("titles", p.titles), ("affiliations", p.affiliations)):
            shown = "; ".join(
                f"{v.value} ({v.first_seen} – {v.last_seen}, {v.count}×)" for v in values[:4]
            )
            grid.add_row(plain(label), plain(shown or "—"))
        grid.add_row(plain("stories"), plain(f"{p.article_count} naming them"))
        company = ", ".join(f"{n} ({c})" for n, c in p.co_occurring[:8])
        grid.add_row(plain("appears with"), plain(company or "—"))
        self.info.update(grid)
        self.quotes.clear(columns=True)
        self.quotes.add_column("date", width=10)
        self.quotes.add_column("kind", width=8)
        self.quotes.add_column("quote")
        for k, q in enumerate(view.quotes):
            self.quotes.add_row(
                Text(q.date, style="dim"),
                Text(q.kind, style="dim"),
                plain(q.text),
                key=f"{q.article_id}:{k}",
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key:
            self.host.read_story(int(key.split(":")[0]))

    def focus_main(self) -> None:
        self.quotes.focus()
