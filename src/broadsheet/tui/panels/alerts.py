"""ALRT: the user's alerts (saved searches): add, pause or resume, delete, and preview how
often each would have fired over the last week of the archive; below, the inbox of alerts
that fired (Enter reads the story and marks it read)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from ..forms import AskScreen
from ..guard import guarded
from ..text import plain, when
from .base import Live, Panel

if TYPE_CHECKING:
    from ...service import SearchPreview, Service

__all__ = ["AlertsPanel", "archive_now"]


def archive_now(svc: Service) -> datetime:
    """ "Now" for previews: the newest story's time when the archive is older than today
    (a replayed or imported archive), else the clock."""
    latest = svc.store.latest_articles(limit=20)
    times = [a.published_at or a.first_seen_at for a in latest]
    clock = datetime.now(UTC)
    newest = max((t if t.tzinfo else t.replace(tzinfo=UTC) for t in times), default=clock)
    return min(clock, newest)


def _previews(svc: Service, queries: list[str]) -> list[SearchPreview | None]:
    moment = archive_now(svc)
    out: list[SearchPreview | None] = []
    for q in queries:
        try:
            out.append(svc.preview_alert(q, 7, examples=3, now=moment))
        except Exception:  # a query the grammar no longer takes: shown as such
            out.append(None)
    return out


class AlertTable(DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add alert"),
        Binding("p", "pause", "Pause/resume"),
        Binding("d", "delete", "Delete"),
        Binding("e", "preview", "Preview"),
    ]

    def _panel(self) -> AlertsPanel:
        return next(a for a in self.ancestors if isinstance(a, AlertsPanel))

    def action_add(self) -> None:
        self._panel().ask_new()

    def action_pause(self) -> None:
        self._panel().toggle_selected()

    def action_delete(self) -> None:
        self._panel().delete_selected()

    def action_preview(self) -> None:
        self._panel().preview_selected()


class AlertsPanel(Panel):
    DEFAULT_CSS = """
    AlertsPanel #alerts-table { height: auto; max-height: 45%; }
    AlertsPanel #inbox-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    AlertsPanel #inbox-table { height: 1fr; }
    """

    def __init__(self, command: str, *, inbox_first: bool = False) -> None:
        super().__init__(command, title="ALRT")
        self.inbox_first = inbox_first
        self.note = Static(classes="panel-note")
        self.table = AlertTable(cursor_type="row", id="alerts-table")
        self.inbox_title = Static(id="inbox-title")
        self.inbox: DataTable[Text] = DataTable(cursor_type="row", id="inbox-table")

    def body(self) -> ComposeResult:
        yield self.note
        yield self.table
        yield self.inbox_title
        yield self.inbox

    async def load(self) -> None:
        svc = self.host.svc
        saved = await self.call(svc.alerts)
        previews = await self.call(_previews, svc, [s.search.query for s in saved])
        await self.call(self.host.alerts.refresh)
        current = self.table.cursor_row
        self.table.clear(columns=True)
        self.table.add_column("name", key="name")
        self.table.add_column("query", key="query")
        self.table.add_column("state", key="state", width=7)
        self.table.add_column("per day (7 d)", key="rate", width=13)
        self.table.add_column("fired", key="fired", width=6)
        for view, preview in zip(saved, previews, strict=True):
            s = view.search
            rate = "—" if preview is None else f"{preview.per_day:.1f}"
            self.table.add_row(
                plain(s.name, "bold"),
                plain(s.query),
                Text("active" if s.active else "paused", style="" if s.active else "dim"),
                Text(rate),
                Text(str(view.stats.fired)),
                key=str(s.id),
            )
        if saved:
            self.table.move_cursor(row=min(current, len(saved) - 1))
        self.note.update(
            plain(
                f"{len(saved)} alert{'' if len(saved) == 1 else 's'} · a: add · "
                "p: pause/resume · d: delete · e: preview · a saved search's name is also a command"
            )
        )
        self.show_inbox()
        if self.inbox_first and self.inbox.row_count:
            self.inbox.focus()

    def show_inbox(self) -> None:
        fired = self.host.alerts.inbox()
        unread = sum(not a.read for a in fired)
        self.inbox_title.update(plain(f"INBOX · {len(fired)} fired · {unread} unread"))
        self.inbox.clear(columns=True)
        self.inbox.add_column("published", width=16)
        self.inbox.add_column("alert")
        self.inbox.add_column("headline")
        self.inbox.add_column("source")
        for k, a in enumerate(fired):
            style = "" if a.read else "bold"
            self.inbox.add_row(
                Text(when(a.published_at), style="dim"),
                plain(a.name, style),
                plain(a.headline or "(no headline)", style),
                plain(a.source or "", "dim"),
                key=f"{a.article_id}:{k}",
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key is None:
            return
        if event.data_table is self.inbox:
            self.host.read_story(int(key.split(":")[0]))  # marks its alerts read
        else:
            query = self.table.get_cell(key, "query").plain
            self.host.run_command(f"N {query}")

    def _selected(self) -> int | None:
        if not self.table.row_count:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def ask_new(self) -> None:
        def saved(values: list[str] | None) -> None:
            if values:
                self.run_worker(
                    guarded(self._add(values[0], values[1]), self.app, "ALRT"), group="edit"
                )

        self.app.push_screen(
            AskScreen(
                "New alert: a saved search that fires on every new story it matches",
                [("Name (also a command)", "rates"), ("Query", '"rate cut" OR ticker:AAPL')],
            ),
            saved,
        )

    async def _add(self, name: str, query: str) -> None:
        try:
            await self.call(self.host.svc.add_alert, name, query)
        except Exception as exc:
            self.show_error(f"alert not added: {exc}")
            return
        self.app.notify(f"alert {name!r} added", title="ALRT")
        self.host.alerts_changed(reload=True)
        self.reload(quiet=True)

    def toggle_selected(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        active = self.table.get_cell(str(selected), "state").plain == "active"
        svc = self.host.svc
        fn = svc.pause_alert if active else svc.resume_alert
        self.run_worker(guarded(self._edit(fn, selected), self.app, "ALRT"))

    def delete_selected(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.run_worker(
                guarded(self._edit(self.host.svc.remove_alert, selected), self.app, "ALRT")
            )

    async def _edit(self, fn: Callable[..., object], *args: object) -> None:
        try:
            await self.call(fn, *args)
        except Exception as exc:
            self.show_error(str(exc))
            return
        self.host.alerts_changed(reload=True)
        self.reload(quiet=True)

    def preview_selected(self) -> None:
        selected = self._selected()
        if selected is not None:
            query = self.table.get_cell(str(selected), "query").plain
            self.run_worker(guarded(self._preview(query), self.app, "ALRT preview"))

    async def _preview(self, query: str) -> None:
        svc = self.host.svc
        moment = await self.call(archive_now, svc)
        preview = await self.call(svc.preview_alert, query, 7, examples=3, now=moment)
        text = plain(
            f"Over the 7 days to {when(moment)} it would have fired {preview.matches} times "
            f"({preview.per_day:.1f} a day)",
            "bold",
        )
        for e in preview.examples:
            text.append("\n  • ")
            text.append_text(plain(f"{when(e.when)}  {e.headline or ''}"))
        self.note.update(text)

    def focus_main(self) -> None:
        (self.inbox if self.inbox_first and self.inbox.row_count else self.table).focus()

    def on_live(self, live: Live) -> None:
        self.show_inbox()
