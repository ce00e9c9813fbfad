"""The app's behaviour beyond the snapshots: versions and other sources of a story, panes,
themes, errors shown in the app (never a crash), and the command line's history."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from broadsheet.service import Service
from broadsheet.tui import BroadsheetApp
from broadsheet.tui.panels import ChartPanel, NewsPanel, Panel, ReaderPanel, TopPanel

from .archive import CORRECTION, FIXED_NOW
from .pilot import settle, type_command

FOLLOW_UP = 1224015780000000  # the Apple story corrected once
CLUSTERED = 1216757280000000  # the Apple story two outlets carry


def run(
    svc: Service, script: Callable[[Pilot[None]], Awaitable[None]], *, history: Path | None = None
) -> BroadsheetApp:
    app = BroadsheetApp(svc, clock=lambda: FIXED_NOW, live=False, history=history)

    async def go() -> None:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await script(pilot)

    asyncio.run(go())
    return app


def test_versions_and_other_sources_are_one_key_away(svc: Service) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await type_command(pilot, f"READ {FOLLOW_UP}")
        reader = pilot.app.query_one(ReaderPanel)
        assert CORRECTION[0][:40] in reader.view.article.body
        await pilot.press("v")
        assert reader.aside.display and reader.aside.row_count == 2
        await type_command(pilot, f"READ {CLUSTERED}")
        reader = pilot.app.query_one(ReaderPanel)
        await pilot.press("o")
        assert reader.aside.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        other = pilot.app.query_one(ReaderPanel)
        assert other.article_id != CLUSTERED
        assert other.view.article.source_name == "Northfield Wire"

    run(svc, script)


def test_reader_shows_what_was_said_or_written_and_all_on_request(svc: Service) -> None:
    """ "Apple declined to comment" reports an action: READ leaves it out, READ ... ALL
    shows every attribution."""

    async def script(pilot: Pilot[None]) -> None:
        await type_command(pilot, f"READ {CLUSTERED}")
        reader = pilot.app.query_one(ReaderPanel)
        said = [m for m in reader.marks if m.kind == "quote"]
        assert {q.cue_class for q in reader.view.annotations.quotes} <= {"speech", "writing"}
        await type_command(pilot, f"READ {CLUSTERED} ALL")
        every = pilot.app.query(ReaderPanel).last()
        assert str(every.border_title).endswith("ALL")
        quotes = every.view.annotations.quotes
        assert "action" in {q.cue_class for q in quotes}
        assert len([m for m in every.marks if m.kind == "quote"]) == len(quotes) > len(said)
        assert any("action" in m.detail for m in every.marks if m.kind == "quote")

    run(svc, script)


def test_panes_split_close_and_cycle(svc: Service) -> None:
    async def script(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("ctrl+o")
        await type_command(pilot, "GP AAPL")
        await pilot.press("ctrl+o")
        await type_command(pilot, "N apple")
        kinds = [type(p) for p in app.panes.panels]
        assert kinds == [TopPanel, ChartPanel, NewsPanel]
        await pilot.press("ctrl+o")
        await type_command(pilot, "HELP")
        assert len(app.panes.panels) == 3  # three at most: the next pane is replaced
        await pilot.press("f6")
        await pilot.press("f8")
        await settle(pilot)
        assert len(app.panes.panels) == 2
        await type_command(pilot, "THEME paper")
        assert app.theme == "paper"
        await pilot.press("ctrl+t")
        assert app.theme == "amber"

    run(svc, script)


def test_errors_show_in_the_app_and_never_crash_it(svc: Service) -> None:
    async def script(pilot: Pilot[None]) -> None:
        app = pilot.app
        for line in ("GP ZZZZZ", "PEOP Nobody Atall", "DES QQQQQ", "READ 42", "CN ZZZZZ"):
            await type_command(pilot, line)
            panel = app.panes.active
            assert isinstance(panel, Panel)
            assert panel._error.display, line
        await type_command(pilot, "SRC ADD ftp://example.com/feed")
        assert app.panes.active._error.display
        await type_command(pilot, 'ALRT ADD bad "unclosed')
        error = str(app.command_bar.query_one("#command-error").render())
        assert "^" in error and "bad" not in app.saved
        assert app.is_running

    run(svc, script)


def test_a_story_opened_while_a_command_still_opens_replaces_it(svc: Service) -> None:
    async def script(pilot: Pilot[None]) -> None:
        app = pilot.app
        app.run_command("N apple")
        app.read_story(CLUSTERED)  # Enter on a headline before the search's pane is in
        await settle(pilot)
        assert [type(p) for p in app.panes.panels] == [ReaderPanel]
        assert app.panes.active is app.panes.panels[0]

    run(svc, script)


def test_a_saved_search_runs_by_its_name(svc: Service) -> None:
    async def script(pilot: Pilot[None]) -> None:
        app = pilot.app
        await type_command(pilot, "apple")  # the archive's saved search: ticker:AAPL
        news = app.panes.active
        assert isinstance(news, NewsPanel) and news.query_text == "ticker:AAPL"
        assert news.table.row_count == 3  # the three Apple stories

    run(svc, script)


def test_a_bad_first_command_opens_top_and_points_at_it(svc: Service) -> None:
    app = BroadsheetApp(svc, clock=lambda: FIXED_NOW, live=False, first="GP")

    async def go() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.panes.active, TopPanel)
            assert "needs an argument" in str(app.command_bar.query_one("#command-error").render())

    asyncio.run(go())


def test_history_is_kept_between_sessions(svc: Service, tmp_path: Path) -> None:
    path = tmp_path / "terminal-history"

    async def first(pilot: Pilot[None]) -> None:
        await type_command(pilot, "N apple")
        await type_command(pilot, "HELP")

    async def second(pilot: Pilot[None]) -> None:
        app = pilot.app
        app.command_bar.input.focus()
        await pilot.press("up", "up")
        assert app.command_bar.input.value == "N apple"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.panes.active, NewsPanel)

    run(svc, first, history=path)
    assert path.read_text("utf-8").split() == ["N", "apple", "HELP"]
    run(svc, second, history=path)


def test_terminal_needs_a_terminal(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "broadsheet.cli", "--home", str(tmp_path / "home")]
    done = subprocess.run([*base, "terminal"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "interactive terminal" in done.stderr
    alone = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert alone.returncode == 0 and "terminal" in alone.stdout and "Commands" in alone.stdout
