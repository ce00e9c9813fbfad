"""SRC: the sources and their health (last fetch, last error, next poll); ``a`` adds a feed
(or ``SRC ADD <url>``), ``p`` pauses or resumes, ``d`` removes one (its stories stay)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from ..forms import AskScreen
from ..guard import guarded
from ..text import plain, when
from .base import Live, Panel

__all__ = ["SourcesPanel"]


class SourceTable(DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add feed"),
        Binding("p", "pause", "Pause/resume"),
        Binding("d", "remove", "Remove"),
    ]

    def _panel(self) -> SourcesPanel:
        return next(a for a in self.ancestors if isinstance(a, SourcesPanel))

    def action_add(self) -> None:
        self._panel().ask_new()

    def action_pause(self) -> None:
        self._panel().toggle_selected()

    def action_remove(self) -> None:
        self._panel().remove_selected()


class SourcesPanel(Panel):
    DEFAULT_CSS = """
    SourcesPanel SourceTable { height: 1fr; }
    SourcesPanel #source-detail { height: auto; max-height: 6; padding: 0 1;
        border-top: solid $primary 30%; }
    """

    def __init__(self, command: str, *, add: str | None = None) -> None:
        super().__init__(command, title="SRC")
        self.to_add = add
        self.note = Static(classes="panel-note")
        self.table = SourceTable(cursor_type="row", id="sources-table")
        self.detail = Static(id="source-detail")

    def body(self) -> ComposeResult:
        yield self.note
        yield self.table
        yield self.detail

    async def load(self) -> None:
        if self.to_add:
            url, self.to_add = self.to_add, None
            await self._subscribe(url)
        views = await self.call(self.host.svc.sources)
        current = self.table.cursor_row
        self.table.clear(columns=True)
        for name, width in (
            ("source", None),
            ("state", 8),
            ("last fetch", 16),
            ("next poll", 16),
            ("last error", None),
        ):
            self.table.add_column(name, key=name, width=width)
        failing = 0
        for v in views:
            s = v.source
            if s.paused:
                state = Text("paused", style="dim")
            elif s.last_error:
                state = Text("failing", style="bold reverse")
                failing += 1
            else:
                state = Text("ok")
            self.table.add_row(
                plain(s.title or s.url, "bold"),
                state,
                Text(when(s.last_fetch_at)),
                Text("—" if s.paused else when(s.next_poll_at)),
                plain(s.last_error or "", "italic"),
                key=str(s.id),
            )
        if views:
            self.table.move_cursor(row=min(current, len(views) - 1))
        self.note.update(
            plain(
                f"{len(views)} sources, {failing} failing · a: add a feed · p: pause/resume · "
                "d: remove (stories stay)"
            )
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key is None:
            return
        self.run_worker(
            guarded(self._detail(int(key)), self.app, "SRC"), exclusive=True, group="detail"
        )

    async def _detail(self, source_id: int) -> None:
        try:
            s = (await self.call(self.host.svc.source, source_id)).source
        except Exception:  # removed meanwhile
            return
        text = plain(s.url, "bold")
        text.append_text(
            plain(
                f"\n{s.kind} · last success {when(s.last_success_at)}"
                f" · {s.error_count} errors in a row"
            )
        )
        if s.last_error:
            text.append("\nlast error: ", style="bold")
            text.append_text(plain(s.last_error))
        self.detail.update(text)

    def _selected(self) -> int | None:
        if not self.table.row_count:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def ask_new(self) -> None:
        def chosen(values: list[str] | None) -> None:
            if values:
                self.to_add = values[0]
                self.reload()

        self.app.push_screen(
            AskScreen(
                "Subscribe: a feed, or a page that links to its feeds",
                [("URL", "https://example.com/feed.xml")],
                "Its new stories are fetched at once. Enter: add · Escape: cancel",
            ),
            chosen,
        )

    async def _subscribe(self, url: str) -> None:
        self.host.set_busy(f"subscribing to {url}")
        try:
            views = await self.call(self.host.svc.subscribe, url)
        finally:
            self.host.set_busy("")
        names = ", ".join(v.source.title or v.source.url for v in views)
        self.app.notify(f"subscribed: {names}", title="SRC")

    def toggle_selected(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        paused = self.table.get_cell(str(selected), "state").plain == "paused"
        svc = self.host.svc
        fn = svc.resume_source if paused else svc.pause_source
        self.run_worker(guarded(self._edit(fn, selected), self.app, "SRC"))

    def remove_selected(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.run_worker(
                guarded(self._edit(self.host.svc.remove_source, selected), self.app, "SRC")
            )

    async def _edit(self, fn: Callable[[int], object], source_id: int) -> None:
        try:
            await self.call(fn, source_id)
        except Exception as exc:
            self.show_error(str(exc))
            return
        self.reload(quiet=True)

    def focus_main(self) -> None:
        self.table.focus()

    def on_live(self, live: Live) -> None:
        if live.changed_sources:
            self.reload(quiet=True)
