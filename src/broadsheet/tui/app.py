"""The Broadsheet terminal: a command line of mnemonics over panes of panels, a status bar,
live updates from the service's bus, and alerts that pop up as they fire.

The app is a thin caller of ``broadsheet.service.Service``: every call runs on the service
threads (``ServiceRunner``) from a Textual worker, and events reach it from a worker that
reads the bus, so the screen never waits for the archive.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer
from textual.worker import get_current_worker

from ..errors import BroadsheetError, QuerySyntaxError
from ..wire import ArticleStored, ArticleUpdated, Event, SourceFailed, SourceRecovered
from .alerts import AlertWatch, FiredAlert
from .commandline import CommandBar
from .commands import CommandError, ParsedCommand, alert_parts, parse_command
from .feed import Feed
from .guard import guarded
from .history import CommandHistory
from .palette import BroadsheetCommands
from .panels import (
    AlertsPanel,
    ChartPanel,
    CompanyNewsPanel,
    DescriptionPanel,
    HelpPanel,
    NewsPanel,
    Panel,
    PersonPanel,
    ReaderPanel,
    SourcesPanel,
    TopPanel,
)
from .panes import Panes
from .runner import ServiceRunner
from .statusbar import StatusBar
from .text import clean
from .themes import THEMES

if TYPE_CHECKING:
    from ..service import Service

__all__ = ["BroadsheetApp", "LiveBatch"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveBatch:
    """Events read from the bus together (see ``panels.base.Live``)."""

    events: Sequence[Event]
    stored: Sequence[int] = field(default_factory=list)
    changed_sources: bool = False

    @classmethod
    def of(cls, events: Sequence[Event]) -> LiveBatch:
        stored: list[int] = []
        sources = False
        for e in events:
            if isinstance(e, ArticleStored):
                stored.append(e.article_id)
                sources = True
            elif isinstance(e, ArticleUpdated) and e.what in ("version", "annotations"):
                stored.append(e.article_id)
            elif isinstance(e, SourceFailed | SourceRecovered):
                sources = True
        return cls(events, list(dict.fromkeys(stored)), sources)


class BroadsheetApp(App[None]):
    """The terminal over one service (see the module's docstring)."""

    TITLE = "Broadsheet"
    COMMANDS = App.COMMANDS | {BroadsheetCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "command_line", "Command line", show=False),
        Binding("ctrl+o", "split", "Split"),
        Binding("f8", "close_pane", "Close pane"),
        Binding("f6", "cycle(1)", "Next pane", show=False),
        Binding("shift+f6", "cycle(-1)", "Previous pane", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme"),
        Binding("f2", "inbox", "Alerts inbox"),
        Binding("f1", "run('HELP')", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]
    CSS = """
    Screen { background: $background; }
    #bottom { dock: bottom; height: auto; }
    #bottom Footer { dock: none; }
    """

    class LiveEvents(Message):
        """Events came from the bus."""

        def __init__(self, batch: LiveBatch) -> None:
            super().__init__()
            self.batch = batch

    def __init__(
        self,
        svc: Service,
        *,
        feed: Feed | None = None,
        clock: Callable[[], datetime] | None = None,
        history: Path | None = None,
        first: str = "TOP",
        theme: str = "amber",
        live: bool = True,
    ) -> None:
        super().__init__()
        self.svc = svc
        self.feed = feed
        self.clock = clock or (lambda: datetime.now(UTC))
        self.runner = ServiceRunner()
        self.alerts = AlertWatch(svc)
        self.history = CommandHistory(history)
        self.first = first
        self._first_line = first
        self._first_error: CommandError | None = None
        try:
            parse_command(first)
        except CommandError as exc:  # a bad --command: open on TOP and say what was wrong
            self._first_error, self.first = exc, "TOP"
        self.start_theme = theme
        self.live = live
        self.split_next = False
        self.saved: dict[str, str] = {}  # saved search name -> query (user mnemonics)
        self.fired: list[FiredAlert] = []  # every alert that popped up this session
        for theme_def in THEMES:
            self.register_theme(theme_def)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield CommandBar(self.history, lambda: list(self.saved))
        yield Panes(self._panel_for(self.first))
        with Vertical(id="bottom"):
            yield StatusBar(self.clock, id="status")
            yield Footer()

    @property
    def panes(self) -> Panes:
        return self.query_one(Panes)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def command_bar(self) -> CommandBar:
        return self.query_one(CommandBar)

    def on_mount(self) -> None:
        self.theme = self.start_theme
        if self.feed is not None:
            self.feed.start()
        self._show_wire()
        self.set_interval(1.0, self._show_wire)
        if self.live:
            self.pump_events()
        self.run_worker(guarded(self._load_saved(), self, "alerts"), group="saved")
        self.command_bar.input.focus()
        if self._first_error is not None:
            self.point_at(self._first_line, self._first_error.position, self._first_error.message)

    async def on_unmount(self) -> None:
        if self.feed is not None:
            self.feed.stop()
        self.runner.close()

    def _show_wire(self) -> None:
        if self.feed is not None:
            self.status.wire = self.feed.describe()
        else:
            self.status.wire = "LIVE" if self.svc.following else "ARCHIVE"

    # ------------------------------------------------------------------ the Host protocol

    def now(self) -> datetime:
        return self.clock()

    def set_busy(self, what: str) -> None:
        self.status.busy = what

    def point_at(self, line: str, position: int, message: str) -> None:
        self.command_bar.show_error(line, position, message)
        self.command_bar.input.focus()

    def read_story(self, article_id: int, *, beside: bool = False) -> None:
        if any(a.article_id == article_id and not a.read for a in self.alerts.inbox()):
            self.run_worker(guarded(self._mark_read(article_id), self, "alerts"), group="read")
        self._open(ReaderPanel(f"READ {article_id}", article_id), beside=beside)

    def alerts_changed(self, *, reload: bool = False) -> None:
        self.status.unread = self.alerts.unread
        if reload:
            self.run_worker(guarded(self._load_saved(), self, "alerts"), group="saved")
        for panel in self.panes.panels:
            if isinstance(panel, AlertsPanel):
                panel.show_inbox()

    async def _mark_read(self, article_id: int) -> None:
        await self.runner.call(self.alerts.mark_read, article_id)
        self.alerts_changed()

    async def _load_saved(self) -> None:
        views = await self.runner.call(self.svc.alerts)
        self.saved = {v.search.name: v.search.query for v in views}
        await self.runner.call(self.alerts.refresh)
        self.alerts_changed()

    # ------------------------------------------------------------------ commands

    def on_command_bar_entered(self, event: CommandBar.Entered) -> None:
        self.run_command(event.line)

    def run_command(self, line: str, *, beside: bool = False) -> None:
        """Run one command line; a mistake is pointed at under the command line."""
        try:
            cmd = parse_command(line, self.saved)
        except CommandError as exc:
            self.point_at(line, exc.position, exc.message)
            return
        if cmd.name == "QUIT":
            self.exit()
        elif cmd.name == "CLOSE":
            self.action_close_pane()
        elif cmd.name == "THEME":
            self.theme = cmd.words[0].lower() if cmd.words else self._other_theme()
        elif cmd.name == "ALRT" and cmd.words:
            self.run_worker(guarded(self._add_alert(line, cmd), self, "ALRT"), group="edit")
        else:
            self._open(self._panel_for(line, cmd), beside=beside)

    def _panel_for(self, line: str, cmd: ParsedCommand | None = None) -> Panel:
        cmd = cmd or parse_command(line, self.saved)
        words, arg = cmd.words, cmd.argument
        if cmd.name == "TOP":
            return TopPanel(line, arg)
        if cmd.name == "N":
            return NewsPanel(line, arg, offset=cmd.offset)
        if cmd.name == "SAVED":
            query = self.saved.get(arg, "")
            return NewsPanel(line, query, offset=len(line), title=f"{arg}: {query}")
        if cmd.name == "READ":
            return ReaderPanel(line, int(words[0]), all_quotes=len(words) > 1)
        if cmd.name == "CN":
            return CompanyNewsPanel(line, words[0] if words else arg)
        if cmd.name == "DES":
            return DescriptionPanel(line, words[0] if words else arg)
        if cmd.name == "GP":
            start = words[1] if len(words) > 1 else None
            end = words[2] if len(words) > 2 else None
            return ChartPanel(line, words[0], start, end)
        if cmd.name == "PEOP":
            return PersonPanel(line, " ".join(words) or arg)
        if cmd.name == "ALRT":
            return AlertsPanel(line)
        if cmd.name == "SRC":
            return SourcesPanel(line, add=words[1] if len(words) > 1 else None)
        return HelpPanel(line, support=bool(arg))

    def _open(self, panel: Panel, *, beside: bool = False) -> None:
        beside = beside or self.split_next
        self.split_next = False
        self.command_bar.input.placeholder = self._placeholder()
        self.run_worker(
            guarded(self.panes.show(panel, beside=beside), self, "panes"), group="panes"
        )

    async def _add_alert(self, line: str, cmd: ParsedCommand) -> None:
        name, query = alert_parts(cmd)
        try:
            await self.runner.call(self.svc.add_alert, name, query)
        except QuerySyntaxError as exc:
            self.point_at(line, line.rfind(query) + exc.position, exc.reason)
            return
        except BroadsheetError as exc:
            self.point_at(line, cmd.offset, str(exc))
            return
        self.notify(f"alert {name!r} added: {query}", title="ALRT")
        await self._load_saved()
        self._open(AlertsPanel(line))

    # ------------------------------------------------------------------ live events

    @work(thread=True, group="bus", exclusive=True)
    def pump_events(self) -> None:
        """Read the bus in this worker thread; post batches of events to the app."""
        worker = get_current_worker()
        sub = self.svc.bus.subscribe()
        try:
            while not worker.is_cancelled:
                first = sub.get(0.25)
                if first is None:
                    continue
                batch = [first]
                deadline = time.monotonic() + 0.2
                while (left := deadline - time.monotonic()) > 0:
                    more = sub.get(left)
                    if more is not None:
                        batch.append(more)
                try:
                    self.post_message(self.LiveEvents(LiveBatch.of(batch)))
                except Exception:  # never let the reader die: the next batch may go through
                    log.exception("live events not delivered")
        finally:
            sub.close()

    def on_broadsheet_app_live_events(self, message: BroadsheetApp.LiveEvents) -> None:
        self.deliver(message.batch)

    def deliver(self, batch: LiveBatch) -> None:
        """Hand a batch of events to every open panel; pop up the alerts that fired."""
        fired = self.alerts.fired(batch.events)
        if fired:
            self._pop_up(fired)
            self.run_worker(guarded(self._read_inbox(), self, "alerts"), group="alerts")
        for panel in self.panes.panels:
            try:
                panel.on_live(batch)
            except Exception:  # one panel's bug must not stop the others updating
                log.exception("live update failed in %s", panel.command)

    def _pop_up(self, fired: list[FiredAlert]) -> None:
        for alert in fired:
            self.fired.append(alert)
            self.notify(
                clean(alert.headline or "(no headline)"),
                title=f"ALERT {clean(alert.name)}",
                severity="warning",
                timeout=12,
            )

    async def _read_inbox(self) -> None:
        await self.runner.call(self.alerts.refresh)
        self.alerts_changed()

    # ------------------------------------------------------------------ actions

    def action_command_line(self) -> None:
        self.command_bar.input.focus()

    def action_run(self, line: str) -> None:
        self.run_command(line)

    def action_split(self) -> None:
        self.split_next = not self.split_next
        self.command_bar.input.placeholder = self._placeholder()
        self.notify(
            "the next command or story opens in a new pane beside"
            if self.split_next
            else "split off",
            timeout=3,
        )
        self.command_bar.input.focus()

    def _placeholder(self) -> str:
        if self.split_next:
            return "SPLIT: the next command opens beside the focused pane"
        return "TOP · N <query> · READ <id> · GP <ticker> · ALRT · SRC · HELP"

    def action_close_pane(self) -> None:
        self.run_worker(guarded(self.panes.close_active(), self, "panes"), group="panes")

    def action_cycle(self, step: int) -> None:
        self.panes.cycle(step)

    def _other_theme(self) -> str:
        return "paper" if self.theme == "amber" else "amber"

    def action_toggle_theme(self) -> None:
        self.theme = self._other_theme()

    def watch_theme(self, theme: str) -> None:
        """Panels that colour text themselves (the reader, the chart) redraw."""
        if not self.is_attached or not self.query(Panes):
            return
        for panel in self.panes.panels:
            if isinstance(panel, ReaderPanel | ChartPanel):
                panel.reload(quiet=True)

    def action_inbox(self) -> None:
        self._open(AlertsPanel("ALRT", inbox_first=True))
