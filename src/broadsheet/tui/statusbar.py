"""The status bar: the wire's state, unread alerts, what is running, and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from .text import clean, when

__all__ = ["StatusBar"]


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    wire: reactive[str] = reactive("")
    unread: reactive[int] = reactive(0)
    busy: reactive[str] = reactive("")

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        line = Text()
        line.append(" BROADSHEET ", style="bold reverse")
        line.append("  ")
        line.append(f"WIRE {clean(self.wire) or '—'}", style="bold")
        line.append("  │  ")
        if self.unread:
            line.append(f"ALERTS {self.unread} unread", style="bold reverse")
        else:
            line.append("ALERTS 0 unread")
        if self.busy:
            line.append("  │  ")
            line.append(f"{clean(self.busy)}…", style="italic")
        clock = when(self._clock(), seconds=True) + " UTC"
        pad = max(1, self.size.width - 2 - line.cell_len - len(clock))
        line.append(" " * pad)
        line.append(clock, style="bold")
        return line
