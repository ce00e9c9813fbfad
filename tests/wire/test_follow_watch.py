"""A follow loop is woken by another process's write to a SQLite home (the log watch), not
only by its polling interval."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from broadsheet.store import open_store
from broadsheet.wire import ArticleStored, ChangeFeed, FollowLoop, InProcessBus
from broadsheet.wire.follow import LogWatch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


def _write_from_another_process(database: Path, n: int) -> None:
    code = textwrap.dedent(
        f"""
        from broadsheet.models import Article, Paragraph
        from broadsheet.store import open_store
        store = open_store({str(database)!r})
        text = "Copper rose on {n} counts as the harbour reopened after the storm."
        store.save_article(
            Article(paragraphs=(Paragraph(text),), url="https://n.example/{n}")
        )
        store.close()
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_another_process_write_wakes_a_loop_that_would_not_poll_for_minutes(
    tmp_path: Path,
) -> None:
    database = tmp_path / "s.db"
    store = open_store(str(database))
    bus = InProcessBus()
    sub = bus.subscribe([ArticleStored])
    # an interval far longer than the test may take: only the watch can wake the loop
    loop = FollowLoop(store, [ChangeFeed(store, bus)], interval=3600, watch=True).start()
    try:
        for n in (1, 2, 3):
            _write_from_another_process(database, n)
            event = sub.get(60)
            assert isinstance(event, ArticleStored), f"write {n} did not wake the loop"
    finally:
        loop.stop()
        store.close()


def test_no_watch_for_a_store_without_a_file() -> None:
    store = open_store(":memory:")
    try:
        assert LogWatch.of(store, lambda: None) is None
        assert LogWatch.of(object(), lambda: None) is None
    finally:
        store.close()
