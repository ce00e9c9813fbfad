"""Saved searches and followers' positions on SQLite (``SavedSearchStore``,
``FollowerStore``). Saved searches are a user's own words: written with ``durable=True``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.store.sqlite.connection import SQLiteDatabase
from broadsheet.store.times import from_us, now_us
from broadsheet.store.types import SavedSearch

__all__ = ["SavedSearchRows", "save_follower_position"]

_COLUMNS = "id, owner, name, query, active, created_us"
_FIELDS = {"name", "query", "active"}


def _saved(row: Sequence[Any]) -> SavedSearch:
    return SavedSearch(
        id=row[0],
        owner=row[1],
        name=row[2],
        query=row[3],
        active=bool(row[4]),
        created_at=from_us(row[5]),
    )


class SavedSearchRows(SQLiteDatabase):
    """The ``SavedSearchStore`` and ``FollowerStore`` roles."""

    def add_saved_search(
        self, name: str, query: str, *, owner: str = "local", active: bool = True
    ) -> SavedSearch:
        """A new saved search; ``StoreError`` when the owner already has one of that name."""
        try:
            with self._write(durable=True) as conn:
                cur = conn.execute(
                    "INSERT INTO saved_searches (owner, name, query, active, created_us)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (owner, name, query, int(active), now_us()),
                )
                row = conn.execute(
                    f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", (cur.lastrowid,)
                ).fetchone()
        except StoreError as exc:
            if "UNIQUE" in str(exc):
                raise StoreError(f"there is already a saved search called {name!r}") from exc
            raise
        return _saved(row)

    def get_saved_search(self, search_id: int) -> SavedSearch:
        with self._use() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", (search_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no saved search {search_id}")
        return _saved(row)

    def find_saved_search(self, name: str, *, owner: str = "local") -> SavedSearch | None:
        with self._use() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM saved_searches WHERE owner = ? AND name = ?",
                (owner, name),
            ).fetchone()
        return None if row is None else _saved(row)

    def list_saved_searches(
        self, *, owner: str | None = None, active: bool | None = None
    ) -> list[SavedSearch]:
        where: list[str] = []
        args: list[object] = []
        if owner is not None:
            where.append("owner = ?")
            args.append(owner)
        if active is not None:
            where.append("active = ?")
            args.append(int(active))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._use() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM saved_searches{clause} ORDER BY id", args
            ).fetchall()
        return [_saved(r) for r in rows]

    def update_saved_search(self, search_id: int, **fields: object) -> SavedSearch:
        unknown = set(fields) - _FIELDS
        if unknown:
            raise StoreError(f"cannot update saved search fields {sorted(unknown)}")
        values = {k: int(bool(v)) if k == "active" else v for k, v in fields.items()}
        try:
            with self._write(durable=True) as conn:
                if values:
                    assignments = ", ".join(f"{k} = ?" for k in values)
                    cur = conn.execute(
                        f"UPDATE saved_searches SET {assignments} WHERE id = ?",
                        (*values.values(), search_id),
                    )
                    if cur.rowcount == 0:
                        raise NotFoundError(f"no saved search {search_id}")
                row = conn.execute(
                    f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", (search_id,)
                ).fetchone()
        except StoreError as exc:
            if "UNIQUE" in str(exc):
                raise StoreError(
                    f"there is already a saved search called {fields['name']!r}"
                ) from exc
            raise
        if row is None:
            raise NotFoundError(f"no saved search {search_id}")
        return _saved(row)

    def remove_saved_search(self, search_id: int) -> None:
        with self._write(durable=True) as conn:
            cur = conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))
            if cur.rowcount == 0:
                raise NotFoundError(f"no saved search {search_id}")

    # ------------------------------------------------------------------ followers

    def follower_position(self, name: str) -> int:
        with self._use() as conn:
            row = conn.execute("SELECT seq FROM followers WHERE name = ?", (name,)).fetchone()
        return 0 if row is None else int(row[0])

    def set_follower_position(self, name: str, seq: int) -> None:
        with self._write() as conn:
            save_follower_position(conn, name, seq)


def save_follower_position(conn: sqlite3.Connection, name: str, seq: int) -> None:
    """Inside a caller's transaction, so a follower's own writes and its position commit
    together (exactly once across crashes)."""
    conn.execute(
        "INSERT INTO followers (name, seq, updated_us) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_us = excluded.updated_us",
        (name, seq, now_us()),
    )
