"""GP <ticker>: the price chart in the terminal with the company's stories as markers.
Left/Right move from marker to marker (the headline shows under the chart), Enter reads the
story, ``o`` reads it in a new pane beside the chart; a click picks the nearest marker."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from ..text import plain
from .base import Host, Live, Panel

if TYPE_CHECKING:
    from ...service import ChartView

__all__ = ["ChartPanel", "PriceChart", "around_news", "render_chart"]

_BLOCKS = " ▁▂▃▄▅▆▇█"
_AXIS = 10  # columns for the price axis


@dataclass(frozen=True, slots=True)
class Marker:
    day: str  # YYYY-MM-DD
    headline: str
    article_id: int | None
    bar: int  # the index of the bar (session) it falls on


def chart_markers(view: ChartView) -> list[Marker]:
    days = [b.date for b in view.bars]
    out = []
    for m in view.markers:
        day = str(m.at)[:10]
        index = min(bisect_left(days, day), len(days) - 1)
        out.append(Marker(day, m.label or "", m.article_id, index))
    return out


def render_chart(
    view: ChartView,
    markers: list[Marker],
    width: int,
    height: int,
    selected: int,
    colors: dict[str, str],
) -> Text:
    """The chart as text: an area of the adjusted close, a price axis, a row of markers
    (the selected one reversed) and a date axis."""
    bars = view.bars
    plot_w = max(4, width - _AXIS)
    plot_h = max(2, height - 2)
    values = [b.adj_close if b.adj_close is not None else b.close for b in bars]
    n = len(values)
    cols = [values[min(n - 1, c * n // plot_w)] for c in range(plot_w)] if n else []
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    span = (hi - lo) or 1.0
    levels = [round((v - lo) / span * (plot_h * 8 - 1)) + 1 for v in cols]
    text = Text()
    for row in range(plot_h - 1, -1, -1):
        if row == plot_h - 1:
            label = f"{hi:>8.2f} "
        elif row == 0:
            label = f"{lo:>8.2f} "
        elif row == plot_h // 2:
            label = f"{lo + span / 2:>8.2f} "
        else:
            label = " " * 9
        text.append(label + "┤", style=colors["axis"])
        line = "".join(_BLOCKS[max(0, min(8, lv - row * 8))] for lv in levels)
        text.append(line + "\n", style=colors["price"])
    columns = [" "] * plot_w
    styles = [""] * plot_w
    for k, m in enumerate(markers):
        col = min(plot_w - 1, m.bar * plot_w // max(1, n))
        if k == selected:
            columns[col], styles[col] = "▲", "reverse bold"
        elif not styles[col]:
            columns[col], styles[col] = "▲", colors["marker"]
    text.append(" " * 9 + "└", style=colors["axis"])
    for ch, st in zip(columns, styles, strict=True):
        text.append(ch, style=st or colors["axis"])
    text.append("\n")
    if bars:
        first, mid, last = bars[0].date, bars[n // 2].date, bars[-1].date
        if plot_w >= 36:
            gap = plot_w - 30
            axis = f"{first}{' ' * (gap // 2)}{mid}{' ' * (gap - gap // 2)}{last}"
        else:
            axis = f"{first}{' ' * max(1, plot_w - 20)}{last}"
        text.append(" " * _AXIS + axis[:plot_w], style=colors["axis"])
    return text


def around_news(view: ChartView, *, margin_days: int = 183, sessions: int = 500) -> ChartView:
    """The part of a whole history worth a first look: the stories' period with half a year
    either side, or the last ``sessions`` sessions when no story is tagged."""
    bars = view.bars
    if view.markers:
        days = sorted(str(m.at)[:10] for m in view.markers)
        lo = (date.fromisoformat(days[0]) - timedelta(days=margin_days)).isoformat()
        hi = (date.fromisoformat(days[-1]) + timedelta(days=margin_days)).isoformat()
        kept = [b for b in bars if lo <= b.date <= hi]
    else:
        kept = bars[-sessions:]
    return replace(view, bars=kept or bars)


class PriceChart(Widget, can_focus=True):
    DEFAULT_CSS = "PriceChart { height: 1fr; min-height: 8; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "step(1)", "Next story"),
        Binding("left", "step(-1)", "Previous story"),
        Binding("home", "first", "First story", show=False),
        Binding("end", "last", "Last story", show=False),
        Binding("enter", "read", "Read story"),
        Binding("o", "read_beside", "Read beside"),
    ]
    selected: reactive[int] = reactive(-1)

    class MarkerChosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self) -> None:
        super().__init__(id="price-chart")
        self.view: ChartView | None = None
        self.markers: list[Marker] = []

    def show(self, view: ChartView) -> None:
        self.view = view
        self.markers = chart_markers(view)
        if self.markers and not (0 <= self.selected < len(self.markers)):
            self.selected = len(self.markers) - 1
        self.refresh()

    def watch_selected(self, value: int) -> None:
        self.post_message(self.MarkerChosen(value))

    def render(self) -> Text:
        if self.view is None or not self.view.bars:
            return Text("")
        theme = self.app.current_theme
        colors = {
            "price": theme.primary,
            "axis": "dim",
            "marker": f"bold {theme.accent}",
        }
        return render_chart(
            self.view, self.markers, self.size.width, self.size.height, self.selected, colors
        )

    def action_step(self, by: int) -> None:
        if self.markers:
            self.selected = max(0, min(len(self.markers) - 1, self.selected + by))

    def action_first(self) -> None:
        if self.markers:
            self.selected = 0

    def action_last(self) -> None:
        if self.markers:
            self.selected = len(self.markers) - 1

    def action_read(self, beside: bool = False) -> None:
        if 0 <= self.selected < len(self.markers):
            story = self.markers[self.selected].article_id
            if story is not None:
                cast(Host, self.app).read_story(story, beside=beside)

    def action_read_beside(self) -> None:
        self.action_read(beside=True)

    def on_click(self, event: events.Click) -> None:
        if not self.markers or self.view is None:
            return
        plot_w = max(4, self.size.width - _AXIS)
        n = len(self.view.bars)
        col = event.x - _AXIS
        nearest = min(
            range(len(self.markers)),
            key=lambda k: abs(self.markers[k].bar * plot_w // max(1, n) - col),
        )
        self.selected = nearest
        if event.chain > 1:
            self.action_read()


class ChartPanel(Panel):
    DEFAULT_CSS = """
    ChartPanel #chart-head { height: auto; padding: 0 1; }
    ChartPanel #chart-marker { height: 2; padding: 0 1; }
    """

    def __init__(self, command: str, ticker: str, start: str | None, end: str | None) -> None:
        super().__init__(command, title=f"GP {ticker.upper()}")
        self.ticker = ticker
        self.start = start
        self.end = end
        self.head = Static(id="chart-head")
        self.chart = PriceChart()
        self.marker_line = Static(id="chart-marker")

    def body(self) -> ComposeResult:
        yield self.head
        yield self.chart
        yield self.marker_line

    async def load(self) -> None:
        view = await self.call(self.host.svc.chart, self.ticker, self.start, self.end)
        if self.start is None and self.end is None:
            view = around_news(view)
        bars = view.bars
        last, first = bars[-1], bars[0]
        move = (last.adj_close / first.adj_close - 1) * 100 if first.adj_close else 0.0
        head = plain(f"{view.ticker}", "bold")
        head.append_text(
            plain(
                f"  {first.date} → {last.date} · adjusted close {last.adj_close:,.2f}"
                f" ({move:+.1f}% over the period) · {len(view.markers)} stories marked"
            )
        )
        self.head.update(head)
        self.chart.show(view)

    def on_price_chart_marker_chosen(self, event: PriceChart.MarkerChosen) -> None:
        markers = self.chart.markers
        if not (0 <= event.index < len(markers)):
            self.marker_line.update(plain("No stories tagged to this company in the period."))
            return
        m = markers[event.index]
        line = plain(f"▲ {event.index + 1}/{len(markers)}  {m.day}  ", "bold")
        line.append_text(plain(m.headline))
        line.append("\n←/→ move between stories · Enter read · o read beside", style="dim")
        self.marker_line.update(line)

    def focus_main(self) -> None:
        self.chart.focus()

    def on_live(self, live: Live) -> None:
        if live.stored:
            self.reload(quiet=True)
