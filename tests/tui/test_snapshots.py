"""SVG snapshots of every screen of the terminal, driven by Textual's pilot on the
deterministic archive (``archive.py``) with a fixed clock.

Update them after a deliberate change of a screen with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at each new SVG."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from broadsheet.service import Service
from broadsheet.tui import BroadsheetApp
from broadsheet.tui.commandline import CommandInput

from .archive import FIXED_NOW
from .pilot import settle, type_command

SIZE = (120, 34)


def make_app(svc: Service, *, first: str = "TOP", theme: str = "amber") -> BroadsheetApp:
    return BroadsheetApp(svc, clock=lambda: FIXED_NOW, first=first, theme=theme, live=False)


def after(*steps: str | Callable[[Pilot[None]], Awaitable[None]]) -> Callable[..., Any]:
    """A ``run_before`` that settles, then types each command (or runs each coroutine)."""

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.query_one(CommandInput).cursor_blink = False  # the same frame every run
        await settle(pilot)
        for step in steps:
            if isinstance(step, str):
                await type_command(pilot, step)
            else:
                await step(pilot)
                await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


def keys(*names: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def press(pilot: Pilot[None]) -> None:
        await pilot.press(*names)

    return press


SCREENS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "top": ("TOP", ()),
    "top_scoped": ("TOP AAPL", ()),
    "news": ("N apple", ()),
    "news_error": ("TOP", ('N "rate cut" AND (',)),
    "unknown_command": ("TOP", ("FOO bar",)),
    "read": ("READ 1216757280000000", ()),
    "read_behind": ("READ 1216757280000000", (keys("tab", "right", "right", "right", "s"),)),
    "read_others": ("READ 1216757280000000", (keys("tab", "o"),)),
    "des": ("DES IBM", ()),
    "cn": ("CN AAPL", ()),
    "chart": ("GP AAPL", ()),
    "chart_marker": ("GP AAPL", (keys("tab", "left"),)),
    "alerts_added": ("ALRT", ('ALRT ADD fed "federal funds rate"',)),
    "palette": ("TOP", (keys("ctrl+p"), keys(*"GP"))),
    "people": ("PEOP Oren Castellano", ()),
    "alerts": ("ALRT", ()),
    "sources": ("SRC", ()),
    "help": ("HELP", ()),
    "help_help": ("HELP HELP", ()),
    "split": ("TOP", (keys("ctrl+o"), "GP AAPL", keys("ctrl+o"), "READ 1224189180000000")),
}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen(name: str, svc: Service, snap_compare: Any) -> None:
    first, steps = SCREENS[name]
    app = make_app(svc, first=first)
    assert snap_compare(app, terminal_size=SIZE, run_before=after(*steps))


def test_paper_theme(svc: Service, snap_compare: Any) -> None:
    app = make_app(svc, first="READ 1216757280000000", theme="paper")
    assert snap_compare(app, terminal_size=SIZE, run_before=after())
