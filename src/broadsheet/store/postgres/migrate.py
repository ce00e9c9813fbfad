"""Versioned schema migrations on PostgreSQL: ``migrations/NNNN_name.sql`` applied in order.

As on SQLite (``broadsheet.store.sqlite.migrate``): each file runs in its own transaction
together with its row in ``schema_migrations``, so a crash leaves the database at a whole
version; a transaction-scoped advisory lock makes two processes opening a fresh database at
once apply each migration exactly once. The numbering is PostgreSQL's own: 0001 holds the
schema of SQLite's 0001-0007, 0002 is SQLite's 0008 (accounts), 0003 SQLite's 0009 (quote
cue classes).
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from broadsheet.errors import StoreError
from broadsheet.store.sqlite.migrate import Migration, bundled_migrations

__all__ = ["Migration", "apply_migrations", "list_migrations", "schema_version"]

_MIGRATION_LOCK = 0x62_726F_6164_6D67  # "broadmg"


def list_migrations() -> list[Migration]:
    """The bundled migrations, in version order."""
    return bundled_migrations("broadsheet.store.postgres")


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The highest applied migration (0 for an empty database)."""
    row = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    top = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(top[0] or 0) if top else 0


def apply_migrations(conn: psycopg.Connection[Any], target: int | None = None) -> list[int]:
    """Bring ``conn`` (autocommit) up to ``target`` (default: latest); return what was applied."""
    migrations = list_migrations()
    latest = migrations[-1].version if migrations else 0
    goal = latest if target is None else target
    applied: list[int] = []
    current = schema_version(conn)
    if current > latest:
        raise StoreError(
            f"database schema version {current} is newer than this Broadsheet ({latest})"
        )
    if current >= goal:
        return applied
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_us BIGINT NOT NULL)"
        )
    for migration in migrations:
        if migration.version > goal or migration.version <= current:
            continue
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            if schema_version(conn) >= migration.version:  # another process got here first
                continue
            conn.execute(migration.sql.encode("utf-8"))  # the whole file: no placeholders
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_us) VALUES (%s, %s, %s)",
                (migration.version, migration.name, time.time_ns() // 1000),
            )
        applied.append(migration.version)
    return applied
