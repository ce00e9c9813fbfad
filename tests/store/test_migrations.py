"""Versioned migrations: a fresh database and an upgraded one end up with the same schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from broadsheet.errors import StoreError
from broadsheet.models import Article, Paragraph
from broadsheet.store import open_store
from broadsheet.store.sqlite.migrate import (
    apply_migrations,
    list_migrations,
    schema_version,
    split_sql,
)


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        return [(t, n, " ".join((s or "").split())) for t, n, s in rows]
    finally:
        conn.close()


def test_migrations_are_numbered_in_order() -> None:
    versions = [m.version for m in list_migrations()]
    assert versions == list(range(1, len(versions) + 1)) and len(versions) >= 2


@pytest.mark.parametrize("start_at", range(1, len(list_migrations())))
def test_upgraded_equals_fresh(tmp_path: Path, start_at: int) -> None:
    fresh = tmp_path / "fresh.db"
    open_store(str(fresh)).close()
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    assert apply_migrations(conn, target=start_at) == list(range(1, start_at + 1))
    conn.execute(
        "INSERT INTO articles (id, body, content_hash, story_id, first_seen_us, saved_us)"
        " VALUES (1000, 'kept across upgrades', 'h', 1000, 1, 1)"
    )
    conn.close()
    store = open_store(str(old))
    assert store.get_article(1000).body == "kept across upgrades"
    store.close()
    assert _schema(old) == _schema(fresh)
    for path in (old, fresh):
        conn = sqlite3.connect(path)
        assert schema_version(conn) == len(list_migrations())
        conn.close()


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    store = open_store(str(path))
    store.save_article(
        Article(paragraphs=(Paragraph("One line of text."),), url="https://x.example/1")
    )
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn) == []
    conn.close()
    store = open_store(str(path))
    assert store.count_articles() == 1
    assert store.integrity_check() == []
    store.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 0)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(str(path))


def test_wal_mode_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    memory = open_store(":memory:")
    assert memory.save_article(Article(paragraphs=(Paragraph("In memory."),))).status == "new"
    assert memory.count_articles() == 1
    memory.close()
    with pytest.raises(StoreError, match="closed"):
        memory.count_articles()


@pytest.mark.parametrize(
    ("script", "count"),
    [
        ("CREATE TABLE a (x);\nCREATE TABLE b (y);\n", 2),
        ("-- a comment; with a semicolon\nCREATE TABLE a (x TEXT DEFAULT ';');\n", 1),
        (
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n"
            "  INSERT INTO b VALUES (2);\nEND;\n",
            1,
        ),
        ("-- only a comment\n", 0),
    ],
)
def test_split_sql(script: str, count: int) -> None:
    assert len(split_sql(script)) == count
