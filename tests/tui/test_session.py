"""The scripted session of the issue, run in the test suite: the terminal open on the live
demo wire → TOP (and a story arriving on it live) → read a story → GP AAPL → add an alert →
see it fire on a new demo story (a pop-up, the status bar's unread count, the inbox).

The wire is the real demo wire server on loopback, polled through the real pipeline with
enrichment; the wire publishes one story per ``LiveDemo.step`` so the test says when."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from broadsheet.config import load_settings
from broadsheet.demo.live import LiveDemo
from broadsheet.service import open_service
from broadsheet.tui import BroadsheetApp
from broadsheet.tui.panels import AlertsPanel, ChartPanel, ReaderPanel, TopPanel

from .pilot import settle, type_command


async def wait_for(pilot: Pilot[None], done: Callable[[], bool], rounds: int = 1500) -> None:
    """Pause in short steps until ``done()`` (bounded by a count of pauses)."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.02)
    raise AssertionError("the terminal never showed it")


def test_session_on_the_live_demo_wire(tmp_path: Path) -> None:
    settings = load_settings(None, {"home": tmp_path / "home"})
    demo = LiveDemo(settings, max_events=4, head_start=0.8, pace=None)
    try:
        with open_service(demo.settings, follow=True) as svc:
            demo.attach(svc)
            stored = demo.setup()
            assert stored >= 2
            app = BroadsheetApp(svc, feed=demo)
            asyncio.run(_session(app, demo))
            assert not demo.errors
    finally:
        demo.close()


async def _session(app: BroadsheetApp, demo: LiveDemo) -> None:
    async with app.run_test(size=(140, 42)) as pilot:
        await settle(pilot)
        assert "DEMO" in app.status.wire and "SIMULATED" in app.status.wire

        # TOP, and a story published while it is open appears on it without a key pressed
        await type_command(pilot, "TOP")
        top = app.query_one(TopPanel)
        assert top.table.row_count >= 2
        rows_before = top.table.row_count
        arriving = demo.upcoming()
        assert arriving is not None
        assert await asyncio.to_thread(demo.step) >= 1
        await wait_for(
            pilot,
            lambda: any(arriving.headline in str(top.table.get_row(k)[1]) for k in top.table.rows),
        )
        assert top.table.row_count >= rows_before

        # read the story under the cursor: Enter on a headline
        top.table.focus()
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one(ReaderPanel)
        assert reader.view is not None
        assert {m.kind for m in reader.marks} >= {"person", "company", "quote"}
        await pilot.press("right", "s")  # the sentence and source behind an annotation
        assert "Sentence:" in str(reader.behind.render())

        # GP AAPL: prices with the demo's Apple stories as markers; Enter reads one
        await type_command(pilot, "GP AAPL")
        chart = app.query_one(ChartPanel)
        assert chart.chart.view is not None and chart.chart.markers
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(ReaderPanel).article_id == chart.chart.markers[-1].article_id

        # add an alert for the story the wire publishes next, then let the wire publish it
        upcoming = demo.upcoming()
        assert upcoming is not None
        await type_command(pilot, f'ALRT ADD next headline:"{upcoming.headline}"')
        assert "next" in app.saved
        assert app.query_one(AlertsPanel)
        await asyncio.to_thread(demo.step)
        await wait_for(pilot, lambda: any(a.name == "next" for a in app.fired))
        fired = next(a for a in app.fired if a.name == "next")
        assert fired.headline == upcoming.headline
        await wait_for(pilot, lambda: app.status.unread >= 1)  # the inbox is read in a worker
        assert any(fired.headline in n.message for n in app._notifications)
        inbox = app.query_one(AlertsPanel).inbox
        await wait_for(pilot, lambda: inbox.row_count >= 1)
