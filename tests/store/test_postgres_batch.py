"""PostgreSQL batches (``PostgresStore.batch``): the writes of a bulk job share transactions,
and keep every guarantee of one save per transaction: a re-run stores nothing twice, a failed
write is undone alone, an interrupted batch leaves no half-saved story, and other connections
see a batch's stories once it commits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from broadsheet.errors import StoreError
from broadsheet.models import Article, Paragraph
from broadsheet.store import open_store
from broadsheet.store.postgres import PostgresStore
from broadsheet.store.postgres import connection as pg_connection
from tests.pg import fresh_database


def _story(n: int) -> Article:
    return Article(
        paragraphs=(
            Paragraph(f"Report number {n} on the harbour of Tamsby and its {n * 7} cranes."),
            Paragraph(f"The board met for the {n}th time; members disagreed about item {n}."),
        ),
        headline=f"Harbour report {n}",
        url=f"https://batch.example/story/{n}",
        published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
    )


@pytest.fixture
def pg_store() -> Iterator[PostgresStore]:
    with fresh_database("bs_batch") as url:
        store = open_store(url)
        assert isinstance(store, PostgresStore)
        yield store
        assert store.integrity_check() == []
        store.close()


def test_a_batch_saves_like_single_saves_and_a_rerun_stores_nothing_twice(
    pg_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_connection, "BATCH_WRITES", 7)  # several commits in one batch
    stories = [_story(n) for n in range(30)]
    with pg_store.batch():
        saved = [pg_store.save_article(s) for s in stories]
        again = pg_store.save_article(stories[3])  # the same story within the batch
    assert [s.status for s in saved] == ["new"] * 30
    assert again.status == "unchanged" and again.article_id == saved[3].article_id
    with pg_store.batch():
        rerun = [pg_store.save_article(s) for s in stories]
    assert [r.status for r in rerun] == ["unchanged"] * 30
    assert [r.article_id for r in rerun] == [s.article_id for s in saved]
    assert pg_store.count_articles() == 30
    seqs = [c.seq for c in pg_store.changes_since(0)]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))


def test_a_failed_write_is_undone_alone(pg_store: PostgresStore) -> None:
    with pg_store.batch():
        first = pg_store.save_article(_story(1))
        with pytest.raises(StoreError), pg_store._write() as conn:
            conn.execute("INSERT INTO articles (id) VALUES (?)", (first.article_id,))
        second = pg_store.save_article(_story(2))
    assert first.status == second.status == "new"
    assert pg_store.count_articles() == 2


def test_an_interrupted_batch_keeps_only_what_it_committed(
    pg_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_connection, "BATCH_WRITES", 5)
    monkeypatch.setattr(pg_connection, "BATCH_SECONDS", 3600.0)
    with pytest.raises(KeyboardInterrupt), pg_store.batch():
        for n in range(8):
            pg_store.save_article(_story(n))
        raise KeyboardInterrupt
    assert pg_store.count_articles() == 5  # the first transaction; the rest rolled back
    with pg_store.batch():
        results = [pg_store.save_article(_story(n)) for n in range(8)]
    assert [r.status for r in results] == ["unchanged"] * 5 + ["new"] * 3
    assert pg_store.count_articles() == 8


def test_other_connections_see_a_batch_when_it_commits(
    pg_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_connection, "BATCH_SECONDS", 3600.0)
    other = open_store(pg_store.url)
    try:
        with pg_store.batch():
            pg_store.save_article(_story(1))
            assert other.count_articles() == 0  # not committed yet
            assert other.max_seq() == 0
        assert other.count_articles() == 1
    finally:
        other.close()
