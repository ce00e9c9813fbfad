"""DES <ticker>: the company, its latest price, key figures and the people its stories name.
CN <ticker>: the company's news, newest first (Enter reads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..text import plain
from .base import Live, Panel, StoryTable

if TYPE_CHECKING:
    from ...service import CompanyView

__all__ = ["CompanyNewsPanel", "DescriptionPanel", "describe_company"]


def describe_company(view: CompanyView) -> Table:
    s = view.security
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row(plain("company"), plain(s.name, "bold"))
    table.add_row(plain("ticker"), plain(f"{s.ticker}  ({s.exchange or 'exchange unknown'})"))
    if s.cik:
        table.add_row(plain("SEC CIK"), plain(str(s.cik)))
    if s.aliases:
        table.add_row(plain("also"), plain(", ".join(s.aliases)))
    if len(view.tickers) > 1:
        table.add_row(plain("tickers"), plain(", ".join(view.tickers)))
    if view.last is not None:
        price = Text(f"{view.last.close:,.2f}  on {view.last.date}", style="bold")
        if view.change is not None:
            price.append(f"  {view.change * 100:+.2f}% on the session")
        table.add_row(plain("last close"), price)
        table.add_row(plain("volume"), plain(f"{view.last.volume:,.0f}"))
        table.add_row(plain("prices from"), plain(f"{view.first_date} ({view.ticker})"))
    else:
        table.add_row(plain("last close"), plain("no prices in the archive"))
    table.add_row(plain("stories"), plain(f"{len(view.news)} latest shown below (CN for all)"))
    people = ", ".join(f"{name} ({n})" for name, n in view.people) or "none named yet"
    table.add_row(plain("people"), plain(people))
    return table


class DescriptionPanel(Panel):
    DEFAULT_CSS = """
    DescriptionPanel #des-scroll { height: auto; max-height: 60%; }
    DescriptionPanel #des-body { height: auto; padding: 0 1 1 1; }
    DescriptionPanel StoryTable { height: 1fr; }
    """

    def __init__(self, command: str, ticker: str) -> None:
        super().__init__(command, title=f"DES {ticker.upper()}")
        self.ticker = ticker
        self.info = Static(id="des-body")
        self.table = StoryTable(sources_column="relevance")

    def body(self) -> ComposeResult:
        with VerticalScroll(id="des-scroll"):
            yield self.info
        yield self.table

    async def load(self) -> None:
        view = await self.call(self.host.svc.company, self.ticker, news=10)
        self.info.update(describe_company(view))
        self.table.clear()
        for n in view.news:
            self.table.add_story(n.article_id, None, n.headline, f"{n.relevance:.2f}")
            self.table.update_cell(str(n.article_id), "time", Text(n.date, style="dim"))

    def focus_main(self) -> None:
        self.table.focus()


class CompanyNewsPanel(Panel):
    def __init__(self, command: str, ticker: str) -> None:
        super().__init__(command, title=f"CN {ticker.upper()}")
        self.ticker = ticker
        self.note = Static(classes="panel-note")
        self.table = StoryTable(sources_column="relevance")

    def body(self) -> ComposeResult:
        yield self.note
        yield self.table

    async def load(self) -> None:
        view = await self.call(self.host.svc.company, self.ticker, news=500)
        self.table.clear()
        for n in view.news:
            self.table.add_story(n.article_id, None, n.headline, f"{n.relevance:.2f}")
            self.table.update_cell(str(n.article_id), "time", Text(n.date, style="dim"))
        self.note.update(
            plain(
                f"{view.security.name}: {len(view.news)} stories tagged {', '.join(view.tickers)}"
            )
        )

    def focus_main(self) -> None:
        self.table.focus()

    def on_live(self, live: Live) -> None:
        if live.stored:
            self.reload(quiet=True)
