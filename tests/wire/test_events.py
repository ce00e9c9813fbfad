"""Events read from the store's change log, the in-process bus, and followers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.models import Annotations, Article, Paragraph
from broadsheet.store import open_store
from broadsheet.wire import (
    ArticleDeleted,
    ArticleStored,
    ArticleUpdated,
    ChangeFeed,
    Event,
    FollowLoop,
    InProcessBus,
    SourceFailed,
    SourceRecovered,
    event_from_json,
)
from tests.store.store_corpus import edit_text, make_text


def _article(n: int, text: str | None = None) -> Article:
    return Article(paragraphs=(Paragraph(text or make_text(n)),), url=f"https://n.example/{n}")


def test_the_change_log_reads_as_typed_events(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    bus = InProcessBus()
    feed = ChangeFeed(store, bus, start=0)
    sub = bus.subscribe()
    src = store.add_source("https://n.example/feed", "feed")
    a = store.save_article(_article(1), source_id=src.id).article_id
    assert a is not None
    store.save_article(_article(1, edit_text(make_text(1), 4)), source_id=src.id)
    store.save_annotations(a, Annotations(topics=("economy",)))
    store.update_source(src.id, last_error="HTTP 503", error_count=1)
    store.update_source(src.id, last_error=None, error_count=0)
    store.delete_article(a)
    assert feed.catch_up() == 6
    events = [sub.get(0) for _ in range(6)]
    assert sub.get(0) is None
    assert [type(e) for e in events] == [
        ArticleStored,
        ArticleUpdated,
        ArticleUpdated,
        SourceFailed,
        SourceRecovered,
        ArticleDeleted,
    ]
    stored, version, annotated, failed = events[0], events[1], events[2], events[3]
    assert isinstance(stored, ArticleStored) and stored.source_id == src.id
    assert isinstance(version, ArticleUpdated) and version.what == "version"
    assert isinstance(annotated, ArticleUpdated) and annotated.what == "annotations"
    assert isinstance(failed, SourceFailed) and failed.error == "HTTP 503"
    assert [e.seq for e in events if e] == sorted(e.seq for e in events if e)
    for event in events:
        assert event is not None and event_from_json(event.to_json()) == event
    assert feed.position == store.max_seq()
    store.close()


def test_event_json_rejects_what_it_did_not_write() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        event_from_json({"type": "article.exploded", "seq": 1, "at": None})
    with pytest.raises(ValueError, match="lacks"):
        event_from_json({"type": "article.stored", "seq": 1, "at": None})


def test_a_slow_subscriber_loses_its_oldest_events_not_the_publisher_time() -> None:
    bus = InProcessBus()
    slow = bus.subscribe(maxsize=3)
    deleted_only = bus.subscribe([ArticleDeleted])
    at = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(10):
        bus.publish(ArticleStored(n, at, n, None))
    bus.publish(ArticleDeleted(10, at, 5))
    assert slow.dropped == 8
    assert [e.seq for e in iter(lambda: slow.get(0), None)] == [8, 9, 10]
    assert [e.seq for e in iter(lambda: deleted_only.get(0), None)] == [10]
    slow.close()
    assert bus.subscribers == 1
    bus.close()
    assert deleted_only.get(0.01) is None


def test_a_follow_loop_wakes_on_a_poke_and_sees_other_writers(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    other = open_store(str(tmp_path / "s.db"))  # a second connection: another writer
    bus = InProcessBus()
    sub = bus.subscribe()
    loop = FollowLoop(store, [ChangeFeed(store, bus)], interval=0.05).start()
    try:
        store.save_article(_article(1))
        loop.poke()
        first = sub.get(30)
        assert isinstance(first, ArticleStored)
        other.save_article(_article(2))  # nobody pokes: seen at the next interval
        second = sub.get(30)
        assert isinstance(second, ArticleStored) and second.seq > first.seq
    finally:
        loop.stop()
        store.close()
        other.close()


class _Broken:
    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def catch_up(self) -> int:
        self.calls += 1
        raise RuntimeError("disk full")


def test_a_broken_follower_never_stops_the_loop(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    bus = InProcessBus()
    sub = bus.subscribe()
    broken = _Broken()
    loop = FollowLoop(store, [ChangeFeed(store, bus), broken], interval=0.05)
    store.save_article(_article(3))
    loop.run_once(force=True)
    assert isinstance(sub.get(0), ArticleStored)
    assert loop.errors == 1
    loop.run_once()  # the log did not move, but the failed round is tried again
    assert broken.calls == 2
    store.close()


def test_subscriptions_iterate_until_closed() -> None:
    bus = InProcessBus()
    sub = bus.subscribe()
    seen: list[Event] = []
    thread = threading.Thread(target=lambda: seen.extend(sub))
    thread.start()
    bus.publish(ArticleDeleted(1, None, 7))
    for _ in range(3000):  # up to 30 s: a hang guard
        if seen:
            break
        threading.Event().wait(0.01)
    sub.close()
    thread.join(5)
    assert not thread.is_alive() and [e.seq for e in seen] == [1]
