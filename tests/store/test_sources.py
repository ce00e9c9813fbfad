"""Sources and their polling state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.store import SQLiteStore
from tests.store.store_corpus import make_article

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_add_is_idempotent_by_url(store: SQLiteStore) -> None:
    a = store.add_source("https://news.example/feed.xml", "feed", "Example")
    b = store.add_source("https://news.example/feed.xml", "feed", "Another title")
    assert a == b and a.title == "Example" and a.added_at is not None
    assert store.find_source("https://news.example/feed.xml") == a
    assert store.find_source("https://news.example/other") is None
    assert store.get_source(a.id) == a
    assert store.list_sources() == [a]


def test_update_round_trips_every_field(store: SQLiteStore) -> None:
    source = store.add_source("https://news.example/page", "page")
    updated = store.update_source(
        source.id,
        title="Front page",
        etag='W/"abc"',
        last_modified="Sat, 01 Jun 2025 11:00:00 GMT",
        last_fetch_at=NOW,
        last_success_at=NOW - timedelta(hours=1),
        last_error="HTTP 503",
        error_count=3,
        next_poll_at=NOW + timedelta(minutes=30),
        paused=True,
    )
    assert updated == store.get_source(source.id)
    assert (updated.title, updated.etag, updated.last_modified) == (
        "Front page",
        'W/"abc"',
        "Sat, 01 Jun 2025 11:00:00 GMT",
    )
    assert updated.last_fetch_at == NOW and updated.last_success_at == NOW - timedelta(hours=1)
    assert (updated.last_error, updated.error_count, updated.paused) == ("HTTP 503", 3, True)
    assert updated.next_poll_at == NOW + timedelta(minutes=30)
    cleared = store.update_source(source.id, last_error=None, error_count=0, next_poll_at=None)
    assert (cleared.last_error, cleared.error_count, cleared.next_poll_at) == (None, 0, None)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"colour": "red"}, StoreError),
        ({"id": 5}, StoreError),
        ({"next_poll_at": "soon"}, StoreError),
    ],
)
def test_update_rejects_bad_fields(
    store: SQLiteStore, fields: dict[str, object], error: type
) -> None:
    source = store.add_source("https://news.example/feed", "feed")
    with pytest.raises(error):
        store.update_source(source.id, **fields)


def test_unknown_source(store: SQLiteStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_source(77)
    with pytest.raises(NotFoundError):
        store.update_source(77, title="x")
    with pytest.raises(NotFoundError):
        store.remove_source(77)
    with pytest.raises(StoreError):
        store.add_source("https://news.example/x", "podcast")  # type: ignore[arg-type]


def test_due_sources(store: SQLiteStore) -> None:
    never = store.add_source("https://a.example/feed", "feed")
    past = store.add_source("https://b.example/feed", "feed")
    now_exact = store.add_source("https://c.example/feed", "feed")
    future = store.add_source("https://d.example/feed", "feed")
    paused = store.add_source("https://e.example/feed", "feed")
    store.update_source(past.id, next_poll_at=NOW - timedelta(hours=2))
    store.update_source(now_exact.id, next_poll_at=NOW)
    store.update_source(future.id, next_poll_at=NOW + timedelta(seconds=1))
    store.update_source(paused.id, paused=True)
    assert [s.id for s in store.due_sources(NOW)] == [never.id, past.id, now_exact.id]
    later = [s.id for s in store.due_sources(NOW + timedelta(days=1))]
    assert later == [never.id, past.id, now_exact.id, future.id]
    # a naive "now" is taken as UTC
    assert [s.id for s in store.due_sources(NOW.replace(tzinfo=None))] == [
        never.id,
        past.id,
        now_exact.id,
    ]


def test_remove_source_keeps_its_articles(store: SQLiteStore) -> None:
    source = store.add_source("https://news.example/feed", "feed", "Example feed")
    saved = store.save_article(make_article(1), source_id=source.id, guid="g1")
    assert saved.article_id is not None
    store.remove_source(source.id)
    assert store.list_sources() == []
    article = store.get_article(saved.article_id)
    assert article.source_id is None and article.body == make_article(1).body


def test_issue13_5_titles_and_errors_from_servers_lose_control_characters(
    store: SQLiteStore,
) -> None:
    source = store.add_source("https://news.example/ctl.xml", "feed", "Wire\x1b]0;pwned\x07")
    assert source.title == "Wire]0;pwned"
    updated = store.update_source(
        source.id, title="T\x9b2J", last_error="HTTP 500 \x1b[31mboom\x07\r\nagain"
    )
    assert (updated.title, updated.last_error) == ("T2J", "HTTP 500 [31mboom\nagain")


def test_issue13_5_stored_articles_lose_control_characters(store: SQLiteStore) -> None:
    from dataclasses import replace

    from broadsheet.models import Paragraph

    article = make_article(1)
    dirty = replace(
        article,
        headline=f"{article.headline}\x1b]0;pwned\x07",
        paragraphs=(*article.paragraphs, Paragraph("Tail \x1b[2J text\x00.")),
    )
    saved = store.save_article(dirty)
    assert saved.article_id is not None
    stored = store.get_article(saved.article_id)
    assert stored.headline == f"{article.headline}]0;pwned"
    assert stored.body.endswith("Tail [2J text.")
