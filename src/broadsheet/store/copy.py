"""Copy a whole archive from one store to another: SQLite to PostgreSQL and back
(``broadsheet migrate-store``, and ``PostgresStore.backup``).

Both backends hold the same tables with the same columns (PostgreSQL's migrations follow
SQLite's), so the copy is table by table, row for row: ids, change-log positions, followers'
positions, alerts and their outbox all keep their meaning, and a follower (the search index,
the alerts percolator) carries on where it was. The tables and columns are read from the
SQLite schema, so a new migration is copied without a change here. Derived data is not
copied: the search index is rebuilt from the store (``broadsheet reindex``).

All the target's rows are written in one transaction: a copy that fails or is interrupted
leaves the target as it was. The target must be empty, or hold an earlier copy of the same
archive (its change log starts as the source's does), which is then replaced: running the
same copy again gives the same result and never duplicates. Afterwards every table's row
count is compared with the source's (``StoreCopy.counts``); a difference is an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from broadsheet.errors import StoreError
from broadsheet.store.contract import Store

__all__ = ["COPY_BATCH", "StoreCopy", "copy_store", "copy_tables"]

COPY_BATCH = 1000
# not copied: the migrations' own bookkeeping, and a counter the target's triggers keep
_SKIP = {"schema_migrations", "sqlite_sequence", "saved_search_generation"}

CopyProgress = Callable[[int, int, str], None]  # (rows done, rows in all, table)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key (rows are read in its order)


@dataclass
class StoreCopy:
    """What a copy did: rows per table in the source and the target (equal when done)."""

    source: str
    target: str
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    replaced: bool = False  # the target held an earlier copy, now replaced

    @property
    def rows(self) -> int:
        return sum(source for source, _ in self.counts.values())

    @property
    def articles(self) -> int:
        return self.counts.get("articles", (0, 0))[1]


def copy_tables() -> list[Table]:
    """The store's tables in creation order (parents before children), from SQLite's schema."""
    from broadsheet.store.sqlite.migrate import apply_migrations

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn)
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
            )
            if r[0] not in _SKIP
        ]
        tables = []
        for name in names:
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = tuple(r[1] for r in info)
            key = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
            tables.append(Table(name, columns, key or columns))
        return tables
    finally:
        conn.close()


def _quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _rows(conn: Any, table: Table) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows in key order, in batches (inside the caller's read transaction)."""
    select = f"SELECT {_quoted(table.columns)} FROM {table.name} ORDER BY {_quoted(table.key)}"
    pg = getattr(conn, "raw", None)
    if pg is not None:  # PostgreSQL: a server-side cursor, never the whole table at once
        with pg.cursor(name=f"copy_{table.name}") as cur:
            cur.itersize = COPY_BATCH
            cur.execute(select)
            while batch := cur.fetchmany(COPY_BATCH):
                yield [tuple(r) for r in batch]
        return
    cursor = conn.execute(select)
    while batch := cursor.fetchmany(COPY_BATCH):
        yield [tuple(r) for r in batch]


def _count(conn: Any, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _first_changes(conn: Any, n: int = 3) -> list[tuple[Any, ...]]:
    rows = conn.execute(
        "SELECT seq, article_id, op, kind, at_us FROM changes ORDER BY seq LIMIT ?", (n,)
    ).fetchall()
    return [tuple(r) for r in rows]


def copy_store(source: Store, target: str, progress: CopyProgress | None = None) -> StoreCopy:
    """Copy every row of ``source`` into the store at ``target`` (a SQLite file path or a
    postgresql:// URL, created if need be); see the module's notes."""
    from broadsheet.store import open_store

    tables = copy_tables()
    if not hasattr(source, "_read"):
        raise StoreError(f"cannot copy from {source.database}: not a Broadsheet store")
    if source.database == target:
        raise StoreError("the source and the target are the same store")
    dest = open_store(target)
    report = StoreCopy(source.database, dest.database)
    try:
        with dest._read() as conn:  # type: ignore[attr-defined]
            held = sum(_count(conn, t.name) for t in tables)
            target_start = _first_changes(conn)
        # one snapshot of the source (writers go on), one transaction in the target
        with source._read() as src, dest._write(durable=True) as out:  # type: ignore[attr-defined]
            totals = {t.name: _count(src, t.name) for t in tables}
            if held:
                source_start = _first_changes(src)
                if not target_start or target_start != source_start[: len(target_start)]:
                    raise StoreError(
                        f"{dest.database} already holds another archive ({held} rows); "
                        "copy into an empty database or file"
                    )
                report.replaced = True
            grand = sum(totals.values())
            done = 0
            for table in reversed(tables):
                out.execute(f"DELETE FROM {table.name}")
            for table in tables:
                insert = (
                    f"INSERT INTO {table.name} ({_quoted(table.columns)})"
                    f" VALUES ({', '.join('?' * len(table.columns))})"
                )
                for batch in _rows(src, table):
                    out.executemany(insert, batch)
                    done += len(batch)
                    if progress is not None:
                        progress(done, grand, table.name)
            _after_copy(out, tables)
        with dest._read() as conn:  # type: ignore[attr-defined]
            for table in tables:
                report.counts[table.name] = (totals[table.name], _count(conn, table.name))
    finally:
        dest.close()
    wrong = {name: c for name, c in report.counts.items() if c[0] != c[1]}
    if wrong:
        detail = ", ".join(f"{name} {s} -> {t}" for name, (s, t) in sorted(wrong.items()))
        raise StoreError(f"the copy's row counts differ from the source's: {detail}")
    return report


def _after_copy(conn: Any, tables: list[Table]) -> None:
    """On PostgreSQL, generated ids carry on after the copied ones (SQLite's AUTOINCREMENT
    already does: it remembers the largest id inserted)."""
    if getattr(conn, "raw", None) is None:
        return
    for table in tables:
        if len(table.key) != 1:
            continue
        column = table.key[0]
        found = conn.execute("SELECT pg_get_serial_sequence(?, ?)", (table.name, column))
        sequence = found.fetchone()[0]
        if sequence is None:
            continue
        conn.execute(
            f"SELECT setval(?, coalesce((SELECT max({column}) FROM {table.name}), 1),"
            f" (SELECT count(*) > 0 FROM {table.name}))",
            (sequence,),
        ).fetchall()
