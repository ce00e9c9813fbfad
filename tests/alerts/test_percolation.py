"""Percolation on a real SQLite store: what fires, when annotations are awaited, grouping of
versions and same-story reports, ownership, two followers racing, and durable writes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from broadsheet.alerts import AlertFollower
from broadsheet.alerts.percolator import fired_event
from broadsheet.store import SQLiteStore, open_store
from broadsheet.wire import AlertFired, InProcessBus

from .helpers import annotate, store_story, story

LONG = (
    "The harbour authority approved a plan on Tuesday to deepen the northern channel so that "
    "larger container ships can dock, after a year of surveys, hearings and objections from "
    "fishing crews who feared the dredging would disturb spawning grounds near the breakwater."
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(str(tmp_path / "broadsheet.db"))
    assert isinstance(s, SQLiteStore)
    yield s
    assert s.integrity_check() == []
    s.close()


def _inbox(store: SQLiteStore, owner: str = "local") -> list[tuple[str, int, int]]:
    return [(e.name, e.article_id, len(e.reports)) for e in store.inbox_entries(owner)]


def test_a_story_fires_matching_alerts_once_and_live(store: SQLiteStore) -> None:
    bus = InProcessBus()
    sub = bus.subscribe([AlertFired])
    store.add_alert("copper", "copper", follower="alerts")
    store.add_alert("gold", "gold", follower="alerts")
    follower = AlertFollower(store, bus, mark_idle=0.0)
    follower.catch_up()
    art = store_story(
        store, story("Copper climbs", "Copper rose on mine strikes.", url="https://a.example/1")
    )
    follower.catch_up()
    follower.catch_up()  # nothing new: nothing repeated (and, idle, what it sent is marked)
    assert _inbox(store) == [("copper", art, 1)]
    event = sub.get(1)
    assert isinstance(event, AlertFired)
    assert (event.name, event.article_id, event.owner) == ("copper", art, "local")
    assert event.stored_at <= event.at
    assert sub.get(0.1) is None
    assert store.first_undelivered_live() is None


def test_stories_stored_before_the_alert_do_not_fire(store: SQLiteStore) -> None:
    store_story(store, story("Copper before", "Copper news.", url="https://a.example/0"))
    store.add_alert("copper", "copper", follower="alerts")
    AlertFollower(store).catch_up()
    assert _inbox(store) == []


def test_a_new_version_and_another_source_are_grouped(store: SQLiteStore) -> None:
    store.add_alert("harbour", "harbour channel", follower="alerts")
    follower = AlertFollower(store)
    first = store_story(
        store, story("Harbour channel to be deepened", LONG, url="https://a.example/h")
    )
    follower.catch_up()
    # a new version of the same article
    store_story(
        store,
        story(
            "Harbour channel to be deepened",
            LONG + " Work starts in May.",
            url="https://a.example/h",
        ),
    )
    # the same story from another outlet (near-duplicate text: same story cluster)
    other = store_story(
        store,
        story(
            "Harbour channel deepening approved",
            LONG + " Crews protested.",
            url="https://b.example/x",
            site="Meridian Wire",
        ),
    )
    follower.catch_up()
    assert store.get_article(other).story_id == store.get_article(first).story_id
    entries = store.inbox_entries("local")
    assert len(entries) == 1
    assert entries[0].article_id == first
    assert sorted(r.article_id for r in entries[0].reports) == sorted([first, other])
    assert {r.article_id: r.version for r in entries[0].reports}[first] == 2
    assert follower.fired == 1


def test_annotation_searches_wait_for_annotations(store: SQLiteStore) -> None:
    store.add_alert("acme", "ticker:ACME", follower="alerts")
    store.add_alert("oil-not-acme", "oil -ticker:ACME", follower="alerts")
    store.add_alert("oil", "oil", follower="alerts")
    follower = AlertFollower(store, enrich_wait=3600)
    a = store.save_article(
        story("Oil and ACME", "Oil output rose at ACME.", url="https://a.example/a")
    ).article_id
    b = store.save_article(
        story("Oil alone", "Oil output rose again.", url="https://a.example/b")
    ).article_id
    assert a is not None and b is not None
    follower.catch_up()
    # not annotated yet: the plain search fired, the others wait
    assert sorted(_inbox(store)) == sorted([("oil", a, 1), ("oil", b, 1)])
    assert store.pending_stories([a, b]) == {a, b}
    store.save_annotations(a, annotate("Oil output rose at ACME.", tickers=("ACME",)))
    store.save_annotations(b, annotate("Oil output rose again."))
    follower.catch_up()
    got = sorted((n, art) for n, art, _ in _inbox(store))
    assert got == sorted([("oil", a), ("oil", b), ("acme", a), ("oil-not-acme", b)])
    assert store.pending_stories([a, b]) == set()


def test_without_enrichment_awaiting_searches_decide_after_the_wait(store: SQLiteStore) -> None:
    store.add_alert("oil-not-acme", "oil -ticker:ACME", follower="alerts")
    clock = [datetime.now(UTC)]
    follower = AlertFollower(store, enrich_wait=30, clock=lambda: clock[0])
    art = store_story(store, story("Oil", "Oil output rose.", url="https://a.example/o"))
    follower.catch_up()
    assert _inbox(store) == []
    clock[0] += timedelta(seconds=31)
    follower.catch_up()
    assert _inbox(store) == [("oil-not-acme", art, 1)]


def test_paused_and_removed_alerts_do_not_fire(store: SQLiteStore) -> None:
    paused = store.add_alert("paused", "copper", follower="alerts")
    store.add_alert("live", "copper", follower="alerts")
    store.update_saved_search(paused.id, active=False)
    follower = AlertFollower(store)
    follower.catch_up()
    art = store_story(store, story("Copper", "Copper rose.", url="https://a.example/c"))
    follower.catch_up()
    assert _inbox(store) == [("live", art, 1)]
    store.update_saved_search(paused.id, active=True)  # resumed: fires from now on
    art2 = store_story(
        store, story("Copper again", "Copper rose again.", url="https://a.example/c2")
    )
    follower.catch_up()
    assert ("paused", art2, 1) in _inbox(store)


def test_relative_dates_are_evaluated_when_matching(store: SQLiteStore) -> None:
    store.add_alert("recent", "copper since:1d", follower="alerts")
    follower = AlertFollower(store)
    follower.catch_up()
    old = store.save_article(
        story("Copper", "Copper rose.", url="https://a.example/old"),
        first_seen_at=datetime.now(UTC) - timedelta(days=3),
    ).article_id
    new = store_story(store, story("Copper now", "Copper rose now.", url="https://a.example/new"))
    follower.catch_up()
    assert [art for _, art, _ in _inbox(store)] == [new]
    assert old is not None


def test_owners_see_only_their_own(store: SQLiteStore) -> None:
    store.add_alert("mine", "copper", owner="ann", follower="alerts")
    store.add_alert("mine", "copper", owner="bob", follower="alerts")  # same name, other user
    follower = AlertFollower(store)
    follower.catch_up()
    store_story(store, story("Copper", "Copper rose.", url="https://a.example/c"))
    follower.catch_up()
    ann, bob = store.inbox_entries("ann"), store.inbox_entries("bob")
    assert len(ann) == len(bob) == 1 and ann[0].item_id != bob[0].item_id
    assert store.mark_inbox_read("bob", [ann[0].item_id]) == 0
    assert store.inbox_entries("ann", unread=True)[0].item_id == ann[0].item_id
    assert store.mark_inbox_read("ann", [ann[0].item_id]) == 1
    assert store.inbox_entries("ann", unread=True) == []
    assert store.inbox_entries("bob", unread=True) != []


def test_two_followers_racing_write_each_alert_once(tmp_path: Path) -> None:
    path = str(tmp_path / "broadsheet.db")
    one, two = open_store(path), open_store(path)
    try:
        for i in range(20):
            one.add_alert(f"w{i}", f"copper OR harbour{i}", follower="alerts")
        first, second = AlertFollower(one), AlertFollower(two)
        first.catch_up()
        import threading

        def ingest() -> None:
            for n in range(40):
                store_story(
                    one,
                    story(
                        f"Copper {n}",
                        f"Copper rose {n} times harbour{n % 20}.",
                        url=f"https://a.example/{n}",
                    ),
                )

        writer = threading.Thread(target=ingest)
        writer.start()
        while writer.is_alive():
            first.catch_up()
            second.catch_up()
        writer.join()
        first.catch_up()
        second.catch_up()
        reports = [
            (e.search_id, r.article_id)
            for e in one.inbox_entries("local", limit=5000)
            for r in e.reports
        ]
        assert len(reports) == len(set(reports))
        assert first.fired + second.fired == len(one.inbox_entries("local", limit=5000))
        # every story matched every search ("copper"): 40 stories x 20 searches, grouped
        # only where stories cluster
        arts = {a for _, a in reports}
        assert len(arts) == 40 and len(set(reports)) == 800
    finally:
        one.close()
        two.close()


def test_alert_writes_commit_with_synchronous_full(store: SQLiteStore) -> None:
    seen: list[str] = []
    store.add_alert("copper", "copper", follower="alerts")
    follower = AlertFollower(store)
    follower.catch_up()
    store_story(store, story("Copper", "Copper rose.", url="https://a.example/c"))
    conn = store._thread_conn()
    conn.set_trace_callback(seen.append)
    try:
        follower.catch_up()
        store.mark_inbox_read("local", [store.inbox_entries("local")[0].item_id])
    finally:
        conn.set_trace_callback(None)
    writes = [i for i, s in enumerate(seen) if s.startswith("BEGIN IMMEDIATE")]
    assert len(writes) >= 2
    for start in writes:
        assert seen[start - 1] == "PRAGMA synchronous = FULL"
        commit = next(i for i in range(start, len(seen)) if seen[i] == "COMMIT")
        assert seen[commit + 1] == "PRAGMA synchronous = NORMAL"


def test_matches_of_one_story_in_one_batch_are_grouped_as_one_by_one(store: SQLiteStore) -> None:
    """``record_alerts`` reads what a batch needs at once: a report of a story grouped into
    an item made earlier in the same batch, a new version of a report made in it, a match
    of a removed search dropped, and a webhook's outbox row, as when applied one by one."""
    from broadsheet.store import AlertHit

    hooked = store.add_alert(
        "copper", "copper", follower="alerts", webhook=("https://h.example/x", "s" * 32)
    )
    plain = store.add_alert("gold", "gold", follower="alerts")
    gone = store.add_alert("tin", "tin", follower="alerts")
    store.remove_saved_search(gone.id)
    at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    expect = store.saved_position("alerts")
    assert expect is not None
    hits = [
        AlertHit(hooked.id, 10, 7, 1, expect + 1, at, "Copper one"),
        AlertHit(hooked.id, 11, 7, 1, expect + 2, at, "Copper two"),  # same story, other source
        AlertHit(hooked.id, 10, 7, 2, expect + 3, at + timedelta(seconds=1), "Copper one v2"),
        AlertHit(plain.id, 10, 7, 1, expect + 1, at, "Copper one"),
        AlertHit(gone.id, 10, 7, 1, expect + 1, at, "Copper one"),
        AlertHit(plain.id, 12, None, 1, expect + 3, at, "No story"),
    ]
    fired = store.record_alerts("alerts", expect=expect, position=expect + 3, hits=hits)
    assert fired is not None
    assert [(f.name, f.article_id, f.headline) for f in fired] == [
        ("copper", 10, "Copper one"),
        ("gold", 10, "Copper one"),
        ("gold", 12, "No story"),
    ]
    assert [f.owner for f in fired] == ["local"] * 3
    entries = {(e.name, e.article_id): e for e in store.inbox_entries("local")}
    assert set(entries) == {("copper", 10), ("gold", 10), ("gold", 12)}
    copper = entries[("copper", 10)]
    assert [(r.article_id, r.version) for r in copper.reports] == [(11, 1), (10, 2)]
    assert {f.item_id: f for f in fired}.keys() == {e.item_id for e in entries.values()}
    # the same batch again, after: every match is grouped into what is there
    again = store.record_alerts("alerts", expect=expect + 3, position=expect + 4, hits=hits)
    assert again == []
    conn = store._thread_conn()
    outbox = conn.execute(
        "SELECT i.article_id, s.name, o.channel FROM alert_outbox o"
        " JOIN alert_items i ON i.id = o.item_id JOIN saved_searches s ON s.id = i.search_id"
        " ORDER BY o.id"
    ).fetchall()
    assert outbox == [
        (10, "copper", "live"),
        (10, "copper", "webhook"),
        (10, "gold", "live"),
        (12, "gold", "live"),
    ]
    reports = conn.execute("SELECT reports FROM alert_items ORDER BY id").fetchall()
    assert [r[0] for r in reports] == [2, 1, 1]


def test_an_idle_look_right_after_a_round_writes_nothing(store: SQLiteStore) -> None:
    """The look that finds the log idle comes right after every round: what the round
    published is marked with the next round's write, or once idle for ``mark_idle``, not
    in a durable commit (an fsync) of its own per round."""
    bus = InProcessBus()
    store.add_alert("copper", "copper", follower="alerts")
    follower = AlertFollower(store, bus, mark_idle=0.3)
    follower.catch_up()
    store_story(store, story("Copper", "Copper rose.", url="https://a.example/c"))
    follower.catch_up()
    assert store.first_undelivered_live() is not None
    seen: list[str] = []
    conn = store._thread_conn()
    conn.set_trace_callback(seen.append)
    try:
        follower.catch_up()  # idle at once: no write
        assert not [s for s in seen if s.startswith("BEGIN IMMEDIATE")]
        assert store.first_undelivered_live() is not None
        time.sleep(0.35)
        follower.catch_up()  # idle for a while: marked
    finally:
        conn.set_trace_callback(None)
    assert store.first_undelivered_live() is None
    # the next round's write marks what the last one sent
    store_story(store, story("Copper two", "Copper fell.", url="https://a.example/d"))
    follower.catch_up()
    store_story(store, story("Copper three", "Copper held.", url="https://a.example/e"))
    follower.catch_up()
    fired = store.fired_alerts_after(0)
    assert len(fired) == 3
    assert store.first_undelivered_live() == fired[2].item_id


def _drain(sub: object) -> list[AlertFired]:
    events: list[AlertFired] = []
    while (event := sub.get(0.05)) is not None:  # type: ignore[attr-defined]
        assert isinstance(event, AlertFired)
        events.append(event)
    return events


def test_a_round_publishes_the_items_it_wrote_without_reading_them_back(
    store: SQLiteStore,
) -> None:
    """The items a write returns follow the live position: they are published as they are
    (the same events the store's read gives), with no read of the items on the path."""
    bus = InProcessBus()
    sub = bus.subscribe([AlertFired])
    store.add_alert("copper", "copper", follower="alerts")
    store.add_alert("mines", "mine", follower="alerts")
    follower = AlertFollower(store, bus, mark_idle=60.0)
    follower.catch_up()
    seen: list[str] = []
    conn = store._thread_conn()
    conn.set_trace_callback(seen.append)
    try:
        store_story(
            store, story("Copper", "Copper rose on mine strikes.", url="https://a.example/c")
        )
        follower.catch_up()
    finally:
        conn.set_trace_callback(None)
    assert not [s for s in seen if "FROM alert_items i JOIN" in s]
    events = _drain(sub)
    assert events == [fired_event(a) for a in store.fired_alerts_after(0)]
    assert [e.name for e in events] == ["copper", "mines"]
    # still marked delivered with the next write, exactly once
    store_story(store, story("Copper two", "Copper fell.", url="https://a.example/d"))
    follower.catch_up()
    assert store.first_undelivered_live() == events[-1].item_id + 1
    assert [e.name for e in _drain(sub)] == ["copper"]


def test_items_of_another_process_between_are_read_and_published_in_order(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "broadsheet.db")
    one, two = open_store(path), open_store(path)
    try:
        one.add_alert("copper", "copper", follower="alerts")
        bus = InProcessBus()
        sub = bus.subscribe([AlertFired])
        other, follower = AlertFollower(one), AlertFollower(two, bus, mark_idle=60.0)
        other.catch_up()
        follower.catch_up()  # its live position: the last item (none yet)
        store_story(one, story("Copper", "Copper rose.", url="https://a.example/1"))
        other.catch_up()  # another process writes item 1, and publishes nothing here
        store_story(one, story("Copper two", "Copper fell.", url="https://a.example/2"))
        follower.catch_up()  # writes item 2: after a gap, so both are read
        ids = [a.item_id for a in one.fired_alerts_after(0)]
        assert len(ids) == 2 and follower.fired == 1
        assert [e.item_id for e in _drain(sub)] == ids
        follower.catch_up()
        assert _drain(sub) == []
    finally:
        one.close()
        two.close()
