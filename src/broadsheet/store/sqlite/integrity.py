"""The store's own invariants, checked by ``SQLiteStore.integrity_check`` after SQLite's."""

from __future__ import annotations

import sqlite3

__all__ = ["INVARIANTS", "check_database"]

INVARIANTS: list[tuple[str, str]] = [
    (
        "articles whose version does not match their stored versions",
        "SELECT count(*) FROM articles a WHERE a.version <> 1 + (SELECT count(*)"
        " FROM article_versions v WHERE v.article_id = a.id)",
    ),
    (
        "articles that are also tombstoned",
        "SELECT count(*) FROM articles WHERE id IN (SELECT article_id FROM tombstones)",
    ),
    (
        "articles whose last change is not an upsert",
        "SELECT count(*) FROM articles a WHERE coalesce((SELECT op FROM changes c"
        " WHERE c.article_id = a.id ORDER BY seq DESC LIMIT 1), '') <> 'upsert'",
    ),
    (
        "tombstoned articles whose last change is not a delete",
        "SELECT count(*) FROM (SELECT DISTINCT article_id FROM tombstones) t"
        " WHERE coalesce((SELECT op FROM changes c WHERE c.article_id = t.article_id"
        " ORDER BY seq DESC LIMIT 1), '') <> 'delete'",
    ),
    (
        "articles whose canonical URL or URL has no key",
        "SELECT count(*) FROM articles a WHERE (a.canonical_url IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM article_keys k WHERE k.kind = 'canonical' AND k.key = a.canonical_url))"
        " OR (a.url IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM article_keys k WHERE k.kind = 'url' AND k.key = a.url))",
    ),
    (
        "articles whose story starts after them",
        "SELECT count(*) FROM articles WHERE story_id > id",
    ),
    (
        "annotation spans outside the article text",
        "SELECT (SELECT count(*) FROM entity_mentions m JOIN articles a ON a.id = m.article_id"
        ' WHERE m.start < 0 OR m.start > m."end" OR m."end" > length(a.body))'
        " + (SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id"
        " WHERE q.content_start < 0 OR q.content_start > q.content_end"
        " OR q.content_end > length(a.body))",
    ),
]


def check_database(conn: sqlite3.Connection) -> list[str]:
    """Problems found (empty = healthy): SQLite's integrity check, foreign keys, invariants."""
    problems: list[str] = []
    for (line,) in conn.execute("PRAGMA integrity_check"):
        if line != "ok":
            problems.append(f"integrity_check: {line}")
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
    for message, sql in INVARIANTS:
        count = conn.execute(sql).fetchone()[0]
        if count:
            problems.append(f"{message}: {count}")
    return problems
