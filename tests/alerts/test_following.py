"""A following service percolates what other processes store, publishes it live, and
decides stories that wait for annotations by the clock, without any further write."""

from __future__ import annotations

import time
from pathlib import Path

from broadsheet.config import load_settings
from broadsheet.service import open_service
from broadsheet.store import open_store
from broadsheet.wire import AlertFired

from .helpers import store_story, story


def _wait(check, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_other_writers_stories_fire_live_and_waits_end_by_the_clock(tmp_path: Path) -> None:
    settings = load_settings(None, {"home": tmp_path / "home", "alerts": {"enrich_wait": 0.3}})
    with open_service(settings, enrich=False, follow=True) as svc:
        live = svc.bus.subscribe([AlertFired])
        svc.add_alert("copper", "copper")
        svc.add_alert("copper-not-acme", "copper -ticker:ACME")
        other = open_store(settings.database)  # another writer, as another process would be
        try:
            art = store_story(other, story("Copper", "Copper rose.", url="https://a.example/c"))
        finally:
            other.close()
        first = live.get(10)
        assert isinstance(first, AlertFired) and first.name == "copper"
        assert first.article_id == art
        # nothing more is written: the waiting search is decided when its wait is over
        second = live.get(10)
        assert isinstance(second, AlertFired) and second.name == "copper-not-acme"
        _wait(lambda: svc.store.first_undelivered_live() is None)
        assert [e.name for e in svc.store.inbox_entries("local")] == ["copper-not-acme", "copper"]
