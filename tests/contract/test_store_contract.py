"""The store contract (``broadsheet.store.contract``), role by role, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.models import (
    Annotations,
    Article,
    Entity,
    Fact,
    Paragraph,
    PriceBar,
    Quote,
    TickerMention,
)
from broadsheet.store import (
    AccountStore,
    AlertHit,
    AlertStore,
    AnnotationStore,
    ArticleStore,
    ChangeLog,
    FollowerStore,
    PendingStory,
    PeopleStore,
    PriceStore,
    SavedSearchStore,
    SourceStore,
    Store,
)
from tests.store.store_corpus import edit_text, make_text

T0 = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)


def article(n: int, *, url: str | None = None, text: str | None = None, **kw: object) -> Article:
    body = text if text is not None else make_text(n)
    return Article(
        paragraphs=(Paragraph(body),),
        headline=f"Headline {n}",
        url=url or f"https://news.example/{n}",
        published_at=T0 + timedelta(hours=n),
        **kw,  # type: ignore[arg-type]
    )


def test_every_role_is_implemented(backend_store: Store) -> None:
    for role in (
        SourceStore,
        ArticleStore,
        ChangeLog,
        AnnotationStore,
        PeopleStore,
        PriceStore,
        SavedSearchStore,
        FollowerStore,
        AlertStore,
        AccountStore,
        Store,
    ):
        assert isinstance(backend_store, role), role.__name__
    assert "password" not in backend_store.database


# --------------------------------------------------------------------------- sources


def test_sources_are_added_once_and_updated(backend_store: Store) -> None:
    s = backend_store.add_source("https://a.example/feed", "feed", "Alpha")
    again = backend_store.add_source("https://a.example/feed", "feed", "Other")
    assert again.id == s.id and again.title == "Alpha"
    assert backend_store.find_source("https://a.example/feed") == s
    assert backend_store.find_source("https://nowhere.example/") is None
    b = backend_store.add_source("https://b.example/", "page")
    assert [x.id for x in backend_store.list_sources()] == [s.id, b.id]
    later = T0 + timedelta(hours=2)
    updated = backend_store.update_source(s.id, etag='"v1"', next_poll_at=later, paused=True)
    assert (updated.etag, updated.next_poll_at, updated.paused) == ('"v1"', later, True)
    assert backend_store.get_source(s.id) == updated
    with pytest.raises(StoreError):
        backend_store.update_source(s.id, id=5)
    with pytest.raises(StoreError):
        backend_store.add_source("https://c.example/", "podcast")  # type: ignore[arg-type]
    backend_store.remove_source(b.id)
    with pytest.raises(NotFoundError):
        backend_store.get_source(b.id)
    with pytest.raises(NotFoundError):
        backend_store.remove_source(b.id)


def test_due_sources_soonest_first_and_never_paused(backend_store: Store) -> None:
    a = backend_store.add_source("https://a.example/", "feed")
    b = backend_store.add_source("https://b.example/", "feed")
    c = backend_store.add_source("https://c.example/", "feed")
    backend_store.update_source(a.id, next_poll_at=T0 + timedelta(minutes=5))
    backend_store.update_source(b.id, next_poll_at=T0 - timedelta(minutes=5))
    backend_store.update_source(c.id, paused=True)
    due = backend_store.due_sources(T0 + timedelta(minutes=10))
    assert [s.id for s in due] == [b.id, a.id]
    assert [s.id for s in backend_store.due_sources(T0)] == [b.id]


def test_source_failures_and_recoveries_are_logged_as_events(backend_store: Store) -> None:
    s = backend_store.add_source("https://a.example/", "feed")
    start = backend_store.max_seq()
    backend_store.update_source(s.id, last_error="503 Service Unavailable", error_count=1)
    backend_store.update_source(s.id, last_error=None, error_count=0)
    backend_store.update_source(s.id, last_error=None)  # still fine: no event
    changes = backend_store.changes_since(start)
    assert [(c.kind, c.op, c.source_id, c.article_id) for c in changes] == [
        ("source_failed", "note", s.id, None),
        ("source_recovered", "note", s.id, None),
    ]
    assert changes[0].detail == "503 Service Unavailable"


# --------------------------------------------------------------------------- articles


def test_saving_is_idempotent_and_changed_text_is_a_new_version(backend_store: Store) -> None:
    first = backend_store.save_article(article(1))
    assert first.status == "new" and first.version == 1 and first.article_id is not None
    assert backend_store.save_article(article(1)).status == "unchanged"
    edited = article(1, text=edit_text(make_text(1), 3))
    second = backend_store.save_article(edited)
    assert (second.status, second.article_id, second.version) == (
        "new_version",
        first.article_id,
        2,
    )
    versions = backend_store.article_versions(first.article_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].body == make_text(1) and versions[-1].body == edited.body
    assert backend_store.get_article(first.article_id).body == edited.body
    assert backend_store.count_articles() == 1


def test_identity_keys_recognise_a_story_again(backend_store: Store) -> None:
    src = backend_store.add_source("https://a.example/feed", "feed")
    saved = backend_store.save_article(
        article(2, canonical_url="https://news.example/canonical/2"),
        source_id=src.id,
        guid="entry-2",
    )
    assert saved.article_id is not None
    moved = article(
        2, url="https://mirror.example/2", canonical_url="https://news.example/canonical/2"
    )
    assert backend_store.save_article(moved).article_id == saved.article_id
    by_guid = article(2, url="https://elsewhere.example/x")
    assert (
        backend_store.save_article(by_guid, source_id=src.id, guid="entry-2").article_id
        == saved.article_id
    )
    assert backend_store.seen_guid(src.id, "entry-2")
    assert not backend_store.seen_guid(src.id, "entry-3")
    same_text = article(2, url="https://copy.example/2")
    assert backend_store.save_article(same_text).status == "unchanged"
    found = backend_store.find_article("https://news.example/canonical/2")
    assert found is not None and found.id == saved.article_id


def test_deleted_stories_never_come_back(backend_store: Store) -> None:
    saved = backend_store.save_article(article(3))
    assert saved.article_id is not None
    backend_store.delete_article(saved.article_id)
    with pytest.raises(NotFoundError):
        backend_store.get_article(saved.article_id)
    assert backend_store.save_article(article(3)).status == "deleted"
    assert backend_store.save_article(article(3, url="https://x.example/other")).status == (
        "deleted"
    )
    with pytest.raises(NotFoundError):
        backend_store.delete_article(saved.article_id)


def test_reading_articles(backend_store: Store) -> None:
    ids = []
    for n in range(5):
        result = backend_store.save_article(article(n), first_seen_at=T0 + timedelta(minutes=n))
        assert result.article_id is not None
        ids.append(result.article_id)
    assert ids == sorted(ids)  # ids in time order
    assert [a.id for a in backend_store.get_articles([ids[3], 999, ids[1]])] == [ids[3], ids[1]]
    assert [a.id for a in backend_store.iter_articles(batch=2)] == ids
    assert [a.id for a in backend_store.latest_articles(limit=2)] == [ids[4], ids[3]]
    assert [a.id for a in backend_store.latest_articles(limit=2, offset=3)] == [ids[1], ids[0]]
    with pytest.raises(NotFoundError):
        backend_store.get_article(123)


def test_near_duplicates_join_one_story(backend_store: Store) -> None:
    text = make_text(40, sentences=12)
    a = backend_store.save_article(article(40, text=text))
    b = backend_store.save_article(article(41, text=edit_text(text, 5)))
    c = backend_store.save_article(article(42))
    assert a.story_id is not None and b.story_id == a.story_id and c.story_id != a.story_id
    assert [x.id for x in backend_store.story_articles(a.story_id)] == [a.article_id, b.article_id]


# --------------------------------------------------------------------------- change log


def test_the_change_log_records_every_write_in_order(backend_store: Store) -> None:
    assert backend_store.max_seq() == 0 and backend_store.changes_since(0) == []
    a = backend_store.save_article(article(1)).article_id
    b = backend_store.save_article(article(2)).article_id
    backend_store.save_article(article(1, text=edit_text(make_text(1), 2)))
    assert a is not None and b is not None
    backend_store.save_annotations(a, Annotations(topics=("economy",)))
    backend_store.delete_article(b)
    changes = backend_store.changes_since(0)
    assert [(c.article_id, c.op, c.kind) for c in changes] == [
        (a, "upsert", "stored"),
        (b, "upsert", "stored"),
        (a, "upsert", "updated"),
        (a, "upsert", "annotated"),
        (b, "delete", "deleted"),
    ]
    seqs = [c.seq for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert backend_store.max_seq() == seqs[-1]
    assert backend_store.changes_since(seqs[1], limit=2) == changes[2:4]
    assert all(c.at is not None and c.at.tzinfo is not None for c in changes)


# --------------------------------------------------------------------------- annotations


def _annotations(body: str) -> Annotations:
    return Annotations(
        entities=(
            Entity(0, 6, "PERSON", "Report Writer", body[0:6], "person:report-writer"),
            Entity(7, 9, "ORG", "Acme Group", body[7:9]),
        ),
        tickers=(TickerMention(0, 6, "ACME", "Acme Corp", 0.8),),
        quotes=(
            Quote(
                content=(10, 30),
                source=(0, 6),
                cue=(31, 35),
                speaker="Report Writer",
                kind="indirect",
                speaker_type="PERSON",
                speaker_title="economist",
            ),
        ),
        facts=(Fact(12, 16, 14.0, "%", "growth", "Q1", "Acme", text="14 percent"),),
        topics=("economy", "markets"),
        tone=-0.25,
    )


def test_annotations_round_trip_and_go_with_a_new_version(backend_store: Store) -> None:
    saved = backend_store.save_article(article(7))
    assert saved.article_id is not None
    assert backend_store.get_annotations(saved.article_id) == Annotations()
    ann = _annotations(make_text(7))
    backend_store.save_annotations(saved.article_id, ann)
    assert backend_store.get_annotations(saved.article_id) == ann
    assert backend_store.get_article(saved.article_id).enrich_status == "ok"
    backend_store.mark_enrich_failed(saved.article_id, "parser crashed")
    assert backend_store.get_annotations(saved.article_id) == ann  # kept
    backend_store.save_article(article(7, text=edit_text(make_text(7), 1)))
    assert backend_store.get_annotations(saved.article_id) == Annotations()  # offsets stale
    with pytest.raises(NotFoundError):
        backend_store.save_annotations(424242, ann)


def test_people_and_ticker_news(backend_store: Store) -> None:
    ids = []
    for n in (8, 9):
        saved = backend_store.save_article(article(n))
        assert saved.article_id is not None
        ids.append(saved.article_id)
        backend_store.save_annotations(saved.article_id, _annotations(make_text(n)))
    profile = backend_store.person_profile("Report Writer")
    assert profile is not None and profile.article_count == 2
    assert backend_store.person_profile("report writer") is not None
    assert backend_store.person_profile("Nobody Here") is None
    quotes = backend_store.quotes_by_speaker("Report Writer")
    assert sorted(q.article_id for q in quotes) == sorted(ids)
    for q in quotes:
        assert q.text == backend_store.get_article(q.article_id).body[10:30]
        assert (q.speaker, q.kind, q.title) == ("Report Writer", "indirect", "economist")
    news = backend_store.articles_for_ticker("ACME")
    assert sorted(n.article_id for n in news) == sorted(ids)
    assert backend_store.articles_for_ticker("ACME", "2030-01-01", None) == []


# --------------------------------------------------------------------------- prices


def test_prices_upsert_and_read_by_range(backend_store: Store) -> None:
    bars = [
        PriceBar("ACME", f"2020-01-0{d}", 10.0 + d, 11.0 + d, 9.0 + d, 10.5 + d, 1000.0, 10.4 + d)
        for d in range(1, 6)
    ]
    assert backend_store.save_bars(bars) == 5
    assert backend_store.save_bars([replace(bars[0], close=10.9)]) == 1
    got = backend_store.get_bars("ACME", "2020-01-01", "2020-01-03")
    assert [b.date for b in got] == ["2020-01-01", "2020-01-02", "2020-01-03"]
    assert got[0].close == 10.9
    assert backend_store.tickers_with_bars() == ["ACME"]
    assert backend_store.get_bars("NONE") == []


# --------------------------------------------------------------------------- saved searches


def test_saved_searches_belong_to_their_owner(backend_store: Store) -> None:
    mine = backend_store.add_saved_search("rates", '"rate cut" since:7d', owner="ana")
    theirs = backend_store.add_saved_search("rates", "ticker:AAPL", owner="ben")
    assert mine.id != theirs.id and mine.active and mine.owner == "ana"
    with pytest.raises(StoreError, match="already"):
        backend_store.add_saved_search("rates", "x", owner="ana")
    assert [s.id for s in backend_store.list_saved_searches(owner="ana")] == [mine.id]
    assert len(backend_store.list_saved_searches()) == 2
    found = backend_store.find_saved_search("rates", owner="ben")
    assert found is not None and found.id == theirs.id
    paused = backend_store.update_saved_search(mine.id, active=False)
    assert not paused.active
    assert backend_store.list_saved_searches(active=True) == [theirs]
    with pytest.raises(StoreError):
        backend_store.update_saved_search(mine.id, owner="ben")
    backend_store.remove_saved_search(mine.id)
    with pytest.raises(NotFoundError):
        backend_store.get_saved_search(mine.id)


def test_follower_positions(backend_store: Store) -> None:
    assert backend_store.follower_position("alerts") == 0
    backend_store.set_follower_position("alerts", 41)
    backend_store.set_follower_position("alerts", 42)
    assert backend_store.follower_position("alerts") == 42
    assert backend_store.follower_position("other") == 0


# --------------------------------------------------------------------------- alerts


def _hit(search_id: int, article_id: int, story_id: int, version: int = 1) -> AlertHit:
    return AlertHit(search_id, article_id, story_id, version, 1, T0, f"Headline {article_id}")


def test_alerts_are_written_once_with_the_position(backend_store: Store) -> None:
    generation = backend_store.saved_search_generation()
    alert = backend_store.add_alert(
        "copper",
        "copper",
        owner="ana",
        webhook=("https://hooks.example/x", "whsec_" + "A" * 24),
        follower="alerts",
    )
    assert backend_store.saved_search_generation() != generation
    assert backend_store.saved_position("alerts") == backend_store.max_seq()
    hook = backend_store.alert_webhook(alert.id)
    assert hook is not None and hook.url == "https://hooks.example/x"
    start = backend_store.follower_position("alerts")
    fired = backend_store.record_alerts(
        "alerts",
        expect=start,
        position=start + 5,
        hits=[_hit(alert.id, 10, 100), _hit(alert.id, 11, 100), _hit(alert.id, 10, 100, 2)],
    )
    assert fired is not None and [f.article_id for f in fired] == [10]  # one story, grouped
    # a second writer that read from the old position writes nothing
    assert (
        backend_store.record_alerts(
            "alerts", expect=start, position=start + 5, hits=[_hit(alert.id, 12, 101)]
        )
        is None
    )
    assert backend_store.follower_position("alerts") == start + 5
    entries = backend_store.inbox_entries("ana")
    assert len(entries) == 1
    assert sorted((r.article_id, r.version) for r in entries[0].reports) == [(10, 2), (11, 1)]
    assert backend_store.inbox_entries("ben") == []
    stats = backend_store.alert_stats([alert.id])[alert.id]
    assert (stats.fired, stats.pending, stats.webhook_url) == (1, 1, "https://hooks.example/x")


def test_outbox_deliveries_are_claimed_and_finished(backend_store: Store) -> None:
    alert = backend_store.add_alert(
        "copper",
        "copper",
        webhook=("https://hooks.example/x", "whsec_" + "A" * 24),
        follower="alerts",
    )
    start = backend_store.follower_position("alerts")
    fired = backend_store.record_alerts(
        "alerts", expect=start, position=start, hits=[_hit(alert.id, 10, 100)]
    )
    assert fired is not None
    assert backend_store.first_undelivered_live() == fired[0].item_id
    assert backend_store.fired_alerts_after(0) == fired
    backend_store.mark_live_delivered([fired[0].item_id])
    assert backend_store.first_undelivered_live() is None
    now = datetime.now(UTC)
    jobs = backend_store.claim_webhooks(now=now)
    assert [j.alert.item_id for j in jobs] == [fired[0].item_id]
    assert backend_store.claim_webhooks(now=now) == []
    backend_store.finish_webhook(
        jobs[0].outbox_id, delivered=False, error="HTTP 500", retry_at=now + timedelta(seconds=30)
    )
    stats = backend_store.alert_stats([alert.id])[alert.id]
    assert (stats.failing, stats.last_error) == (1, "HTTP 500")
    assert backend_store.claim_webhooks(now=now) == []  # not due yet
    again = backend_store.claim_webhooks(now=now + timedelta(seconds=31))
    assert again[0].attempts == 1
    backend_store.finish_webhook(again[0].outbox_id, delivered=True)
    stats = backend_store.alert_stats([alert.id])[alert.id]
    assert (stats.delivered, stats.pending) == (1, 0)
    assert backend_store.next_webhook_due() is None


def test_pending_stories_and_read_marks(backend_store: Store) -> None:
    alert = backend_store.add_alert("copper", "copper", owner="ana", follower="alerts")
    start = backend_store.follower_position("alerts")
    due = datetime.now(UTC) - timedelta(seconds=1)
    backend_store.record_alerts(
        "alerts",
        expect=start,
        position=start,
        hits=[_hit(alert.id, 10, 100)],
        pending=[PendingStory(20, 3, T0, due)],
    )
    assert [p.article_id for p in backend_store.due_pending(datetime.now(UTC))] == [20]
    assert backend_store.pending_stories([20, 21]) == {20}
    backend_store.record_alerts("alerts", expect=start, position=start, hits=[], settled=[20])
    assert backend_store.due_pending(datetime.now(UTC)) == []
    item = backend_store.inbox_entries("ana")[0].item_id
    assert backend_store.mark_inbox_read("ben", [item]) == 0
    assert backend_store.mark_inbox_read("ana", [item]) == 1
    assert backend_store.inbox_entries("ana", unread=True) == []
    backend_store.remove_saved_search(alert.id)
    assert backend_store.inbox_entries("ana") == []
