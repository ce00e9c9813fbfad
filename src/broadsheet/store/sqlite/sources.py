"""Sources on SQLite: subscriptions and their polling state (``SourceStore``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.models import Source, SourceKind
from broadsheet.store.sqlite.changes import log_change
from broadsheet.store.sqlite.connection import SQLiteDatabase
from broadsheet.store.times import now_us, opt_dt, opt_us, to_us
from broadsheet.textsafe import clean_optional, clean_text

__all__ = ["SourceRows"]

_SOURCE_COLUMNS = (
    "id, url, kind, title, paused, etag, last_modified, last_fetch_us, last_success_us,"
    " last_error, error_count, next_poll_us, added_us"
)
# update_source(**fields): field -> (column, is a datetime)
_SOURCE_FIELDS: dict[str, tuple[str, bool]] = {
    "url": ("url", False),
    "kind": ("kind", False),
    "title": ("title", False),
    "paused": ("paused", False),
    "etag": ("etag", False),
    "last_modified": ("last_modified", False),
    "last_fetch_at": ("last_fetch_us", True),
    "last_success_at": ("last_success_us", True),
    "last_error": ("last_error", False),
    "error_count": ("error_count", False),
    "next_poll_at": ("next_poll_us", True),
}


class SourceRows(SQLiteDatabase):
    """The ``SourceStore`` role."""

    @staticmethod
    def _source(row: Sequence[Any]) -> Source:
        return Source(
            id=row[0],
            url=row[1],
            kind=row[2],
            title=row[3],
            paused=bool(row[4]),
            etag=row[5],
            last_modified=row[6],
            last_fetch_at=opt_dt(row[7]),
            last_success_at=opt_dt(row[8]),
            last_error=row[9],
            error_count=row[10],
            next_poll_at=opt_dt(row[11]),
            added_at=opt_dt(row[12]),
        )

    def add_source(self, url: str, kind: SourceKind, title: str | None = None) -> Source:
        """Subscribe to ``url``; adding a URL twice returns the existing source."""
        if kind not in ("feed", "page"):
            raise StoreError(f"unknown source kind {kind!r}")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sources (url, kind, title, added_us) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                (url, kind, clean_optional(title), now_us()),
            )
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE url = ?", (url,)
            ).fetchone()
        return self._source(row)

    def get_source(self, source_id: int) -> Source:
        with self._use() as conn:
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no source {source_id}")
        return self._source(row)

    def find_source(self, url: str) -> Source | None:
        with self._use() as conn:
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE url = ?", (url,)
            ).fetchone()
        return None if row is None else self._source(row)

    def list_sources(self) -> list[Source]:
        with self._use() as conn:
            rows = conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id").fetchall()
        return [self._source(r) for r in rows]

    def update_source(self, source_id: int, **fields: object) -> Source:
        """Set polling state (any ``Source`` field but ``id`` and ``added_at``).

        Setting ``last_error`` logs a ``source_failed`` event; clearing it on a source that
        had failed logs ``source_recovered`` (what ``broadsheet.wire`` tells users).
        """
        unknown = set(fields) - set(_SOURCE_FIELDS)
        if unknown:
            raise StoreError(f"cannot update source fields {sorted(unknown)}")
        assignments: list[str] = []
        values: list[object] = []
        for name, value in fields.items():
            column, is_time = _SOURCE_FIELDS[name]
            if is_time:
                if value is not None and not isinstance(value, datetime):
                    raise StoreError(f"{name} must be a datetime or None")
                value = opt_us(value)
            elif name == "paused":
                value = int(bool(value))
            elif isinstance(value, str):  # titles and errors a server wrote: no controls
                value = clean_text(value)
            assignments.append(f"{column} = ?")
            values.append(value)
        with self._write() as conn:
            before = conn.execute(
                "SELECT last_error FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
            if before is None:
                raise NotFoundError(f"no source {source_id}")
            if assignments:
                conn.execute(
                    f"UPDATE sources SET {', '.join(assignments)} WHERE id = ?",
                    (*values, source_id),
                )
            if "last_error" in fields:
                error = fields["last_error"]
                if error:
                    log_change(conn, "source_failed", source_id=source_id, detail=str(error))
                elif before[0]:
                    log_change(conn, "source_recovered", source_id=source_id)
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
        return self._source(row)

    def remove_source(self, source_id: int) -> None:
        """Unsubscribe; its articles stay (their source_id becomes None)."""
        with self._write() as conn:
            cur = conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            if cur.rowcount == 0:
                raise NotFoundError(f"no source {source_id}")

    def due_sources(self, now: datetime) -> list[Source]:
        """Sources not paused whose next poll is unset or at/before ``now``, soonest first."""
        with self._use() as conn:
            rows = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources"
                " WHERE paused = 0 AND (next_poll_us IS NULL OR next_poll_us <= ?)"
                " ORDER BY coalesce(next_poll_us, 0), id",
                (to_us(now),),
            ).fetchall()
        return [self._source(r) for r in rows]
