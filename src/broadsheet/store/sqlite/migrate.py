"""Versioned schema migrations: ``migrations/NNNN_name.sql`` applied in order.

Each file runs in its own ``BEGIN IMMEDIATE`` transaction together with its row in
``schema_migrations``, so a crash leaves the database at a whole version, and two processes
opening a fresh database at once apply each migration exactly once.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from importlib import resources

from broadsheet.errors import StoreError

__all__ = [
    "Migration",
    "apply_migrations",
    "bundled_migrations",
    "list_migrations",
    "schema_version",
    "split_sql",
]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def list_migrations() -> list[Migration]:
    """The bundled migrations, in version order."""
    return bundled_migrations("broadsheet.store.sqlite")


def bundled_migrations(package: str) -> list[Migration]:
    """The ``migrations/NNNN_name.sql`` files of ``package``, in version order, numbered
    1..n without gaps (every backend's migrations are read this one way)."""
    folder = resources.files(package).joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


def split_sql(script: str) -> list[str]:
    """Split a script into complete statements (triggers and quoted ';' handled by SQLite)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            if statement.rstrip(";").strip() and not _only_comments(statement):
                statements.append(statement)
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise StoreError(f"incomplete SQL statement at the end of a migration: {pending[:80]!r}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest applied migration (0 for an empty database)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def apply_migrations(conn: sqlite3.Connection, target: int | None = None) -> list[int]:
    """Bring ``conn`` (autocommit) up to ``target`` (default: latest); return what was applied."""
    migrations = list_migrations()
    latest = migrations[-1].version if migrations else 0
    goal = latest if target is None else target
    applied: list[int] = []
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_us INTEGER NOT NULL)"
    )
    current = schema_version(conn)
    if current > latest:
        raise StoreError(
            f"database schema version {current} is newer than this Broadsheet ({latest})"
        )
    for migration in migrations:
        if migration.version > goal or migration.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= migration.version:  # another process got here first
                conn.execute("ROLLBACK")
                continue
            for statement in split_sql(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_us) VALUES (?, ?, ?)",
                (migration.version, migration.name, time.time_ns() // 1000),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
