"""The live path's hand-overs, on real parts: the percolator publishes each commit's alerts
before it reads on through a backlog, and a subscription hands events to its consumer in
the publisher's thread (what the SSE hub uses instead of a thread of its own)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from broadsheet.alerts import AlertFollower
from broadsheet.store import open_store
from broadsheet.wire import AlertFired, ArticleStored, InProcessBus

from ..alerts.helpers import store_story, story


def test_each_commits_alerts_go_live_before_the_backlog_is_read(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "broadsheet.db"))
    try:
        store.add_alert("copper", "copper", follower="alerts")
        bus = InProcessBus()
        live = bus.subscribe([AlertFired])
        # where the percolator's saved position was when each alert went out
        at_publish: list[int] = []
        live.on_ready(lambda: at_publish.append(store.follower_position("alerts")))
        follower = AlertFollower(store, bus, batch=1)  # a backlog: one change per round
        follower.catch_up()
        stored = [
            store_story(store, story(f"Copper {n}", "Copper rose.", url=f"https://a.example/{n}"))
            for n in range(3)
        ]
        follower.catch_up()
        events = live.take(10)
        assert [e.article_id for e in events if isinstance(e, AlertFired)] == stored
        # the first alert went out after the first round's commit, not after the third
        assert len(at_publish) == 3
        assert at_publish == sorted(at_publish) and at_publish[0] < at_publish[-1]
    finally:
        store.close()


def _stored(seq: int) -> ArticleStored:
    return ArticleStored(seq, datetime.now(UTC), seq, None)


def test_a_subscription_hands_events_over_in_the_publishers_thread() -> None:
    bus = InProcessBus()
    sub = bus.subscribe([ArticleStored])
    taken: list[tuple[str, list[int]]] = []
    sub.on_ready(
        lambda: taken.append((threading.current_thread().name, [e.seq for e in sub.take(5)]))
    )
    publisher = threading.Thread(
        target=lambda: [bus.publish(_stored(n)) for n in (1, 2, 3)], name="publisher"
    )
    publisher.start()
    publisher.join()
    assert taken == [("publisher", [1]), ("publisher", [2]), ("publisher", [3])]
    sub.on_ready(None)
    for n in (4, 5, 6):
        bus.publish(_stored(n))
    assert [e.seq for e in sub.take(2)] == [4, 5]  # oldest first, at most the limit
    assert [e.seq for e in sub.take(5)] == [6] and sub.take(5) == []
    sub.close()
    bus.publish(_stored(7))
    assert sub.take(5) == [] and len(taken) == 3
