"""The change log, written inside each write's transaction and read by followers.

Every write that changes what an article says, or whether it exists, logs one row; so do
the events about a source that users are told of (it failed; it answers again). The log is
never pruned: ``seq`` only grows, so a follower's saved position always means the same
point (see ``broadsheet.wire``).
"""

from __future__ import annotations

import sqlite3
from typing import Any, cast

from broadsheet.store.times import from_us, now_us
from broadsheet.store.types import Change, ChangeKind, ChangeOp

__all__ = ["CHANGE_SELECT", "change_from_row", "log_change", "log_story_move"]

CHANGE_SELECT = "SELECT seq, article_id, op, kind, source_id, at_us, detail FROM changes"

_OPS: dict[ChangeKind, ChangeOp] = {
    "stored": "upsert",
    "updated": "upsert",
    "annotated": "upsert",
    "story": "upsert",
    "deleted": "delete",
    "source_failed": "note",
    "source_recovered": "note",
}


def log_change(
    conn: sqlite3.Connection,
    kind: ChangeKind,
    *,
    article_id: int | None = None,
    source_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Append one event to the log (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO changes (article_id, op, kind, source_id, at_us, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (article_id, _OPS[kind], kind, source_id, now_us(), detail),
    )


def log_story_move(conn: sqlite3.Connection, story_id: int) -> None:
    """Every article of a story whose id changes is re-indexed (it carries the story id)."""
    conn.execute(
        "INSERT INTO changes (article_id, op, kind, source_id, at_us)"
        " SELECT id, 'upsert', 'story', source_id, ? FROM articles WHERE story_id = ?",
        (now_us(), story_id),
    )


def change_from_row(row: Any) -> Change:
    return Change(
        seq=row[0],
        article_id=row[1],
        op=cast(ChangeOp, row[2]),
        kind=cast(ChangeKind, row[3]),
        source_id=row[4],
        at=None if row[5] is None else from_us(row[5]),
        detail=row[6],
    )
