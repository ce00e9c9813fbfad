"""integrity_check finds what it claims to find: each invariant broken on purpose."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from broadsheet.errors import StoreError
from broadsheet.models import Annotations, Entity
from broadsheet.store import open_store
from tests.store.store_corpus import make_article

BREAKS = [
    ("version", "UPDATE articles SET version = 5", "version"),
    (
        "tombstone",
        "INSERT INTO tombstones SELECT 'id', CAST(id AS TEXT), id, 0 FROM articles",
        "tombstoned",
    ),
    ("log", "DELETE FROM changes", "last change is not an upsert"),
    ("deleted log", "INSERT INTO tombstones VALUES ('id', 'x', 77, 0)", "not a delete"),
    ("keys", "DELETE FROM article_keys WHERE kind = 'url'", "has no key"),
    ("story", "UPDATE articles SET story_id = id + 1", "story starts after"),
    ("span", 'UPDATE entity_mentions SET "end" = 100000', "annotation spans"),
    (
        "foreign key",
        "INSERT INTO entity_mentions VALUES (424242, 0, 0, 1, 'ORG', 'x', 'x', NULL)",
        "foreign key",
    ),
]


@pytest.mark.parametrize(("case", "sql", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_invariant_is_checked(tmp_path: Path, case: str, sql: str, message: str) -> None:
    path = tmp_path / "broken.db"
    store = open_store(str(path))
    saved = store.save_article(make_article(1))
    assert saved.article_id is not None
    store.save_annotations(saved.article_id, Annotations(entities=(Entity(0, 6, "ORG", "Report"),)))
    assert store.integrity_check() == []
    conn = sqlite3.connect(path)  # foreign keys off: the damage goes in
    conn.execute(sql)
    conn.commit()
    conn.close()
    problems = store.integrity_check()
    store.close()
    assert any(message in p for p in problems), (case, problems)


def test_damaged_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    store = open_store(str(path))
    for i in range(300):
        store.save_article(make_article(i))
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page * 3):  # scribble on a third of the pages
        data[offset + 100 : offset + 400] = b"\xa5" * 300
    path.write_bytes(bytes(data))
    try:
        damaged = open_store(str(path))
    except StoreError:
        return  # refusing to open a damaged file is a fine answer too
    try:
        problems = damaged.integrity_check()
    except StoreError:
        return
    finally:
        damaged.close()
    assert problems, "scribbled pages went unnoticed"
