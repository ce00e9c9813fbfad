"""The system of record on PostgreSQL: ``PostgresStore`` implements every role of
``broadsheet.store.contract.Store`` with the role code of the SQLite backend (``StoreRows``)
over pooled psycopg connections (``connection``), so both backends keep the same semantics:
idempotent saves, tombstones, the change log, saved searches, followers and the alerts
outbox. What differs is here: webhook claims (``FOR UPDATE SKIP LOCKED``), the integrity
check, and backups (a SQLite copy, written by ``broadsheet.store.copy``).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from broadsheet.errors import StoreError
from broadsheet.store.postgres.connection import PostgresDatabase
from broadsheet.store.sqlite.alert_batches import fired_items
from broadsheet.store.sqlite.alerts import _alive
from broadsheet.store.sqlite.integrity import INVARIANTS
from broadsheet.store.sqlite.store import StoreRows
from broadsheet.store.times import to_us
from broadsheet.store.types import WebhookJob

__all__ = ["PostgresStore", "open_postgres"]


# The role code is typed against sqlite3.Connection and runs on PgConnection, which offers
# the same calls (execute, executemany, fetchone/fetchall, rowcount, lastrowid): hence the
# ignore on the overridden _use/_read/_write.
class PostgresStore(PostgresDatabase, StoreRows):  # type: ignore[misc]
    """Thread- and process-safe store on one PostgreSQL database: every role of ``Store``."""

    def __enter__(self) -> PostgresStore:
        return self

    def claim_webhooks(
        self, *, now: datetime, limit: int = 20, lease_seconds: float = 120.0
    ) -> list[WebhookJob]:
        """Take the due webhook deliveries for this process: rows another transaction is
        claiming are skipped (``SKIP LOCKED``), so claimers on any number of machines never
        wait for each other nor take one row twice; a claim whose lease ran out (or whose
        holder on this machine died) is taken over."""
        now_at = to_us(now)
        me = os.getpid()
        lease_us = int(lease_seconds * 1_000_000)
        with self._write(durable=True, lock=False) as conn:
            rows = conn.execute(
                "SELECT o.id, o.attempts, o.claimed_by, o.claimed_us, w.url, w.secret, o.item_id"
                " FROM alert_outbox o JOIN alert_items i ON i.id = o.item_id"
                " JOIN alert_webhooks w ON w.search_id = i.search_id"
                " WHERE o.channel = 'webhook' AND o.delivered_us IS NULL AND o.gave_up = 0"
                " AND o.next_us <= ? ORDER BY o.next_us LIMIT ? FOR UPDATE OF o SKIP LOCKED",
                (now_at, limit * 4),
            ).fetchall()
            taken: list[tuple[int, int, str, str, int]] = []
            for outbox_id, attempts, holder, claimed_us, url, secret, item_id in rows:
                if len(taken) >= limit:
                    break
                leased = claimed_us is not None and claimed_us + lease_us > now_at
                if holder is not None and holder != me and leased and _alive(int(holder)):
                    continue
                if holder == me and leased:
                    continue  # another thread of this process has it
                taken.append((outbox_id, attempts, url, secret, item_id))
            conn.executemany(
                "UPDATE alert_outbox SET claimed_by = ?, claimed_us = ? WHERE id = ?",
                [(me, now_at, t[0]) for t in taken],
            )
            items = {a.item_id: a for a in fired_items(conn, [t[4] for t in taken])}  # type: ignore[arg-type]
        return [WebhookJob(t[0], t[1], t[2], t[3], items[t[4]]) for t in taken if t[4] in items]

    # ------------------------------------------------------------------ maintenance

    def integrity_check(self) -> list[str]:
        """Problems found (empty = healthy): the store's invariants (PostgreSQL enforces
        foreign keys and checks its own pages)."""
        problems: list[str] = []
        with self._read() as conn:
            for message, sql in INVARIANTS:
                count = conn.execute(sql).fetchone()[0]
                if count:
                    problems.append(f"{message}: {count}")
        return problems

    def backup(self, path: str | Path) -> None:
        """Write a consistent copy of the archive to the SQLite file ``path`` (replaced)."""
        from broadsheet.store.copy import copy_store

        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        try:
            copy_store(self, str(partial))
        except StoreError as exc:
            raise StoreError(f"backup failed: {exc}") from exc
        os.replace(partial, target)
        for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)


def open_postgres(url: str) -> PostgresStore:
    """Open (creating the schema and migrating if needed) the store in a PostgreSQL database."""
    return PostgresStore(url)
