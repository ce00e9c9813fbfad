"""What every panel shares: loading in a worker (with the loading indicator), errors shown in
the panel instead of raised, live updates from the bus, and the list of stories."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ...errors import BroadsheetError, QuerySyntaxError
from ..text import clean, plain, when

if TYPE_CHECKING:
    from ...service import Service
    from ...wire import Event
    from ..alerts import AlertWatch
    from ..runner import ServiceRunner

__all__ = ["Host", "Live", "Panel", "StoryRow", "StoryTable"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class Host(Protocol):
    """What a panel asks of the app it lives in."""

    svc: Service
    runner: ServiceRunner
    alerts: AlertWatch

    def now(self) -> datetime: ...

    def run_command(self, line: str, *, beside: bool = False) -> None: ...

    def read_story(self, article_id: int, *, beside: bool = False) -> None: ...

    def point_at(self, line: str, position: int, message: str) -> None: ...

    def set_busy(self, what: str) -> None: ...

    def alerts_changed(self, *, reload: bool = False) -> None: ...


class Live(Protocol):
    """A batch of bus events, with the ids of the stories stored or changed in it."""

    @property
    def events(self) -> Sequence[Event]: ...

    @property
    def stored(self) -> Sequence[int]:
        """Stories stored, or changed (a new version, new annotations)."""

    @property
    def changed_sources(self) -> bool:
        """Whether a source was polled, failed or recovered."""


class Panel(Vertical):
    """One screen of the terminal (TOP, a story, a chart...) in a pane."""

    DEFAULT_CSS = """
    Panel { border: round $primary 40%; border-title-color: $accent; height: 1fr; }
    Panel:focus-within { border: round $primary; }
    Panel > .panel-error { color: $error; height: auto; padding: 0 1; }
    Panel > .panel-note { color: $secondary; height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reload", "Reload")]

    def __init__(self, command: str, *, title: str | None = None) -> None:
        super().__init__()
        self.command = command
        self.border_title = clean(title or command)
        self.wants_focus = False  # take the keyboard once the first load is done
        self._error = Static("", classes="panel-error")
        self._error.display = False

    @property
    def host(self) -> Host:
        return cast(Host, self.app)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A service call on the service threads."""
        return await self.host.runner.call(fn, *args, **kwargs)

    def compose(self) -> ComposeResult:
        yield self._error
        yield from self.body()

    def body(self) -> ComposeResult:
        """The panel's widgets (under the line that shows its errors)."""
        return iter(())

    def on_mount(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self, *, quiet: bool = False) -> None:
        """Load (again) in a worker; ``quiet``: no loading indicator (live updates)."""
        self.run_worker(self._load(quiet), exclusive=True, group="load")

    async def _load(self, quiet: bool) -> None:
        if not quiet:
            self.loading = True
        focus = self.wants_focus
        self.wants_focus = False
        try:
            await self.load()
            self.clear_error()
        except asyncio.CancelledError:  # a newer load replaced this one: it takes the focus
            self.wants_focus = self.wants_focus or focus
            focus = False
            raise
        except QuerySyntaxError as exc:
            focus = False  # the command line takes it, pointing at the mistake
            self.show_error(exc.reason)
            self.on_query_error(exc)
        except BroadsheetError as exc:
            self.show_error(str(exc))
        except Exception as exc:  # a bug must not take the terminal down: say so, keep going
            if not self.is_attached:  # closed while it loaded (a story opened over it): done
                return
            log.exception("panel %s failed", self.command)
            self.show_error(f"could not load: {exc!r}")
        finally:
            if self.is_attached:
                self.loading = False
                if focus:
                    self.focus_main()

    async def load(self) -> None:
        """Fetch and show this panel's content (runs in a worker)."""

    def on_query_error(self, exc: QuerySyntaxError) -> None:
        """A query of this panel was malformed (panels with a query point at it)."""

    def on_live(self, live: Live) -> None:
        """New events from the bus (stories stored, sources failing...)."""

    def show_error(self, message: str) -> None:
        self._error.update(plain(message))
        self._error.display = True
        self.app.notify(clean(message), title=self.border_title or "", severity="error")

    def clear_error(self) -> None:
        self._error.display = False

    def focus_main(self) -> None:
        """Give the keyboard to this panel's main widget."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return


class StoryRow(Protocol):
    id: int
    headline: str | None
    source: str | None

    @property
    def when(self) -> datetime | None: ...


class StoryTable(DataTable[Text]):
    """A list of stories: time, headline, source (or sources); Enter reads, ``o`` reads in a
    new pane beside."""

    DEFAULT_CSS = """
    StoryTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_beside", "Open beside"),
    ]

    def __init__(self, *, sources_column: str = "source", id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self._sources_column = sources_column

    def on_mount(self) -> None:
        self.add_column("time", key="time", width=16)
        self.add_column("headline", key="headline")
        self.add_column(self._sources_column, key="source")

    def story_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def add_story(
        self,
        article_id: int,
        moment: datetime | None,
        headline: str | None,
        source: str,
        *,
        style: str = "",
        at_top: bool = False,
    ) -> None:
        key = str(article_id)
        if key in self.rows:
            return
        cells = (
            Text(when(moment), style="dim"),
            plain(headline or "(no headline)", style),
            plain(source, "dim"),
        )
        if at_top and self.row_count:
            self._insert_top(key, cells)
        else:
            self.add_row(*cells, key=key)

    def _insert_top(self, key: str, cells: tuple[Text, Text, Text]) -> None:
        """A new story goes above the rest; the cursor stays on the story it was on."""
        current = self.story_id()
        rows = [(str(k.value), self.get_row(k)) for k in list(self.rows)]
        self.clear()
        self.add_row(*cells, key=key)
        for k, row in rows:
            self.add_row(*row, key=k)
        if current is not None:
            self.move_cursor(row=self.get_row_index(str(current)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            cast(Host, self.app).read_story(int(event.row_key.value))

    def action_open_beside(self) -> None:
        story = self.story_id()
        if story is not None:
            cast(Host, self.app).read_story(story, beside=True)
