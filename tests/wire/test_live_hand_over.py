"""The live path on real parts: the percolator publishes each commit's alerts before it
reads on through a backlog."""

from __future__ import annotations

from pathlib import Path

from broadsheet.alerts import AlertFollower
from broadsheet.store import Store, open_store
from broadsheet.wire import AlertFired, Event, InProcessBus

from ..alerts.helpers import store_story, story


class _NotingBus(InProcessBus):
    """The in-process bus, noting where the percolator's saved position was at each publish."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self.positions: list[int] = []

    def publish(self, event: Event) -> None:
        self.positions.append(self._store.follower_position("alerts"))
        super().publish(event)


def test_each_commits_alerts_go_live_before_the_backlog_is_read(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "broadsheet.db"))
    try:
        store.add_alert("copper", "copper", follower="alerts")
        bus = _NotingBus(store)
        live = bus.subscribe([AlertFired])
        follower = AlertFollower(store, bus, batch=1)  # a backlog: one change per round
        follower.catch_up()
        stored = [
            store_story(store, story(f"Copper {n}", "Copper rose.", url=f"https://a.example/{n}"))
            for n in range(3)
        ]
        follower.catch_up()
        events = [live.get(1) for _ in stored]
        assert [e.article_id for e in events if isinstance(e, AlertFired)] == stored
        # the first alert went out after the first round's commit, not after the third
        assert len(bus.positions) == 3
        assert bus.positions == sorted(bus.positions) and bus.positions[0] < bus.positions[-1]
    finally:
        store.close()
