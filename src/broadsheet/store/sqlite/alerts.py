"""Alerts on SQLite (``AlertStore``): webhooks of saved searches, the inbox, the outbox of
deliveries still to make, stories awaiting their annotations, and the percolator's position.

Exactly once: ``record_alerts`` writes a batch of matches, the outbox rows they need and the
percolator's change-log position in one transaction, and only when the position is still
where the percolator read from (two following processes never both write one change's
alerts). Every write of an alert (item, report, outbox row, webhook attempt), a saved
search or a read mark is ``durable=True`` (``synchronous=FULL``); a percolated batch that
matched nothing commits with ``NORMAL`` (see ``record_alerts``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime

from broadsheet.errors import StoreError
from broadsheet.store.sqlite.alert_batches import (
    FIRED,
    fired_alert,
    fired_items,
    mark_live,
    record_hits,
)
from broadsheet.store.sqlite.connection import SQLiteDatabase
from broadsheet.store.sqlite.searches import save_follower_position
from broadsheet.store.times import from_us, now_us, opt_dt, to_us
from broadsheet.store.types import (
    AlertHit,
    AlertReport,
    AlertStats,
    AlertWebhook,
    FiredAlert,
    InboxEntry,
    PendingStory,
    SavedSearch,
    WebhookJob,
)

__all__ = ["AlertRows"]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AlertRows(SQLiteDatabase):
    """The ``AlertStore`` role."""

    # ------------------------------------------------------------------ saved searches

    def saved_search_generation(self) -> int:
        """A number that changes whenever any saved search is added, changed or removed."""
        with self._use() as conn:
            return int(conn.execute("SELECT generation FROM saved_search_generation").fetchone()[0])

    def add_alert(
        self,
        name: str,
        query: str,
        *,
        owner: str = "local",
        webhook: tuple[str, str] | None = None,
        follower: str | None = None,
    ) -> SavedSearch:
        """A saved search with its webhook (``(url, secret)``), in one durable transaction.
        ``follower``: the percolator's name; its position starts at the log's end if unset,
        so a new alert fires for stories stored from now on."""
        now = now_us()
        try:
            with self._write(durable=True) as conn:
                cur = conn.execute(
                    "INSERT INTO saved_searches (owner, name, query, active, created_us)"
                    " VALUES (?, ?, ?, 1, ?)",
                    (owner, name, query, now),
                )
                search_id = int(cur.lastrowid or 0)
                if webhook is not None:
                    conn.execute(
                        "INSERT INTO alert_webhooks (search_id, url, secret, created_us)"
                        " VALUES (?, ?, ?, ?)",
                        (search_id, webhook[0], webhook[1], now),
                    )
                if follower is not None:
                    known = conn.execute(
                        "SELECT 1 FROM followers WHERE name = ?", (follower,)
                    ).fetchone()
                    if known is None:
                        top = conn.execute("SELECT coalesce(max(seq), 0) FROM changes")
                        save_follower_position(conn, follower, int(top.fetchone()[0]))
        except StoreError as exc:
            if "UNIQUE" in str(exc):
                raise StoreError(f"there is already a saved search called {name!r}") from exc
            raise
        return SavedSearch(search_id, owner, name, query, True, from_us(now))

    def alert_webhook(self, search_id: int) -> AlertWebhook | None:
        with self._use() as conn:
            row = conn.execute(
                "SELECT search_id, url, secret, created_us FROM alert_webhooks WHERE search_id = ?",
                (search_id,),
            ).fetchone()
        return None if row is None else AlertWebhook(row[0], row[1], row[2], from_us(row[3]))

    def alert_stats(self, search_ids: Iterable[int]) -> dict[int, AlertStats]:
        """Firing and webhook-delivery figures of each saved search asked for."""
        wanted = list(search_ids)
        stats: dict[int, AlertStats] = {}
        with self._read() as conn:
            for search_id in wanted:
                fired, last = conn.execute(
                    "SELECT count(*), max(fired_us) FROM alert_items WHERE search_id = ?",
                    (search_id,),
                ).fetchone()
                hook = conn.execute(
                    "SELECT url FROM alert_webhooks WHERE search_id = ?", (search_id,)
                ).fetchone()
                delivered = pending = failing = gave_up = 0
                error: tuple[str | None, int | None] = (None, None)
                if hook is not None:
                    delivered, pending, failing, gave_up = conn.execute(
                        "SELECT count(o.delivered_us),"
                        " coalesce(sum(CASE WHEN o.delivered_us IS NULL AND o.gave_up = 0"
                        "   THEN 1 ELSE 0 END), 0),"
                        " coalesce(sum(CASE WHEN o.delivered_us IS NULL AND o.gave_up = 0"
                        "   AND o.attempts > 0 THEN 1 ELSE 0 END), 0),"
                        " coalesce(sum(o.gave_up), 0)"
                        " FROM alert_outbox o JOIN alert_items i ON i.id = o.item_id"
                        " WHERE i.search_id = ? AND o.channel = 'webhook'",
                        (search_id,),
                    ).fetchone()
                    row = conn.execute(
                        "SELECT o.last_error, o.last_try_us FROM alert_outbox o"
                        " JOIN alert_items i ON i.id = o.item_id"
                        " WHERE i.search_id = ? AND o.channel = 'webhook'"
                        " AND o.last_error IS NOT NULL ORDER BY o.last_try_us DESC LIMIT 1",
                        (search_id,),
                    ).fetchone()
                    if row is not None:
                        error = (row[0], row[1])
                stats[search_id] = AlertStats(
                    search_id=search_id,
                    fired=int(fired),
                    last_fired_at=opt_dt(last),
                    webhook_url=None if hook is None else hook[0],
                    delivered=int(delivered),
                    pending=int(pending),
                    failing=int(failing),
                    gave_up=int(gave_up),
                    last_error=error[0],
                    last_error_at=opt_dt(error[1]),
                )
        return stats

    # ------------------------------------------------------------------ percolation

    def saved_position(self, follower: str) -> int | None:
        """A store-kept follower's position, or None when it has never saved one."""
        with self._use() as conn:
            row = conn.execute("SELECT seq FROM followers WHERE name = ?", (follower,)).fetchone()
        return None if row is None else int(row[0])

    def record_alerts(
        self,
        follower: str,
        *,
        expect: int,
        position: int,
        hits: Sequence[AlertHit],
        pending: Sequence[PendingStory] = (),
        settled: Sequence[int] = (),
        published: Sequence[int] = (),
    ) -> list[FiredAlert] | None:
        """Write matches (grouped into existing items where the story was already alerted),
        their outbox rows, stories to await and the follower's new position, all at once;
        ``published``: items this follower has published live since its last write (marked
        delivered on the live channel in the same transaction).

        Returns the new inbox items, or None (nothing written) when the follower's saved
        position is no longer ``expect``: another process applied those changes first.

        A batch with matches commits with ``synchronous=FULL`` (its items, reports and
        outbox rows are on disk before they are published). One without (a quarter of the
        batches when stories arrive one by one) writes no alert: its position, awaited
        stories and live marks commit with ``NORMAL``, which a process crash never loses
        and a power cut loses only with every later commit (the write-ahead log is a
        prefix): the follower then decides the same changes again, with the same answer,
        and re-publishes items it had published with the same ids, as after any crash
        between publishing and marking. One fsync fewer on the path of those stories.
        """
        now = now_us()
        with self._write(durable=bool(hits)) as conn:
            row = conn.execute("SELECT seq FROM followers WHERE name = ?", (follower,)).fetchone()
            if (0 if row is None else int(row[0])) != expect:
                return None
            fired = record_hits(conn, hits, now)
            if settled:
                conn.executemany(
                    "DELETE FROM alert_pending WHERE article_id = ?", [(a,) for a in settled]
                )
            if pending:
                conn.executemany(
                    "INSERT INTO alert_pending (article_id, seq, stored_us, due_us)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET"
                    " seq = excluded.seq, stored_us = excluded.stored_us,"
                    " due_us = excluded.due_us",
                    [(p.article_id, p.seq, to_us(p.stored_at), to_us(p.due_at)) for p in pending],
                )
            if position != expect or row is None:
                save_follower_position(conn, follower, position)
            if published:
                mark_live(conn, published, now)
        return fired

    def due_pending(self, now: datetime, *, limit: int = 500) -> list[PendingStory]:
        """Stories still awaiting annotations whose wait is over at ``now``."""
        with self._use() as conn:
            rows = conn.execute(
                "SELECT article_id, seq, stored_us, due_us FROM alert_pending"
                " WHERE due_us <= ? ORDER BY due_us LIMIT ?",
                (to_us(now), limit),
            ).fetchall()
        return [PendingStory(r[0], r[1], from_us(r[2]), from_us(r[3])) for r in rows]

    def pending_stories(self, article_ids: Iterable[int]) -> set[int]:
        """Which of these stories are awaiting their annotations."""
        found: set[int] = set()
        wanted = list(article_ids)
        with self._use() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT article_id FROM alert_pending WHERE article_id IN ({marks})", chunk
                )
                found.update(r[0] for r in rows)
        return found

    def stored_times(self, article_ids: Iterable[int]) -> dict[int, datetime]:
        """When the current version of each story was stored (its last stored/updated change)."""
        times: dict[int, datetime] = {}
        with self._read() as conn:
            for article_id in set(article_ids):
                row = conn.execute(
                    "SELECT at_us FROM changes WHERE article_id = ?"
                    " AND kind IN ('stored', 'updated') ORDER BY seq DESC LIMIT 1",
                    (article_id,),
                ).fetchone()
                if row is not None and row[0] is not None:
                    times[article_id] = from_us(row[0])
        return times

    # ------------------------------------------------------------------ live channel

    def last_alert_item(self) -> int:
        with self._use() as conn:
            return int(conn.execute("SELECT coalesce(max(id), 0) FROM alert_items").fetchone()[0])

    def first_undelivered_live(self) -> int | None:
        """The oldest item not yet published live anywhere (after a crash), if any."""
        with self._use() as conn:
            row = conn.execute(
                "SELECT min(item_id) FROM alert_outbox"
                " WHERE channel = 'live' AND delivered_us IS NULL AND gave_up = 0"
            ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def fired_alerts_after(self, item_id: int, limit: int = 1000) -> list[FiredAlert]:
        """Inbox items created after ``item_id``, oldest first (ids grow in commit order)."""
        with self._use() as conn:
            rows = conn.execute(
                f"{FIRED} WHERE i.id > ? ORDER BY i.id LIMIT ?", (item_id, limit)
            ).fetchall()
        return [fired_alert(r) for r in rows]

    def mark_live_delivered(self, item_ids: Sequence[int]) -> None:
        if not item_ids:
            return
        with self._write(durable=True) as conn:
            mark_live(conn, item_ids, now_us())

    # ------------------------------------------------------------------ webhook channel

    def next_webhook_due(self) -> datetime | None:
        """When the next webhook delivery is due (None: nothing to deliver)."""
        with self._use() as conn:
            row = conn.execute(
                "SELECT min(next_us) FROM alert_outbox"
                " WHERE channel = 'webhook' AND delivered_us IS NULL AND gave_up = 0"
            ).fetchone()
        return None if row is None or row[0] is None else from_us(row[0])

    def claim_webhooks(
        self, *, now: datetime, limit: int = 20, lease_seconds: float = 120.0
    ) -> list[WebhookJob]:
        """Take the due webhook deliveries for this process: those nobody holds, or whose
        holder died or let its lease run out."""
        now_at = to_us(now)
        me = os.getpid()
        with self._write(durable=True) as conn:
            rows = conn.execute(
                "SELECT o.id, o.attempts, o.claimed_by, o.claimed_us, w.url, w.secret, o.item_id"
                " FROM alert_outbox o JOIN alert_items i ON i.id = o.item_id"
                " JOIN alert_webhooks w ON w.search_id = i.search_id"
                " WHERE o.channel = 'webhook' AND o.delivered_us IS NULL AND o.gave_up = 0"
                " AND o.next_us <= ? ORDER BY o.next_us LIMIT ?",
                (now_at, limit * 4),
            ).fetchall()
            taken: list[tuple[int, int, str, str, int]] = []
            lease_us = int(lease_seconds * 1_000_000)
            for outbox_id, attempts, holder, claimed_us, url, secret, item_id in rows:
                if len(taken) >= limit:
                    break
                if (
                    holder is not None
                    and holder != me
                    and claimed_us is not None
                    and claimed_us + lease_us > now_at
                    and _alive(int(holder))
                ):
                    continue
                if holder == me and claimed_us is not None and claimed_us + lease_us > now_at:
                    continue  # another thread of this process has it
                taken.append((outbox_id, attempts, url, secret, item_id))
            conn.executemany(
                "UPDATE alert_outbox SET claimed_by = ?, claimed_us = ? WHERE id = ?",
                [(me, now_at, t[0]) for t in taken],
            )
            items = {a.item_id: a for a in fired_items(conn, [t[4] for t in taken])}
        return [WebhookJob(t[0], t[1], t[2], t[3], items[t[4]]) for t in taken if t[4] in items]

    def finish_webhook(
        self,
        outbox_id: int,
        *,
        delivered: bool,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Record one delivery attempt: made, or failed (retry at ``retry_at``; None: give up)."""
        now = now_us()
        with self._write(durable=True) as conn:
            if delivered:
                conn.execute(
                    "UPDATE alert_outbox SET delivered_us = ?, attempts = attempts + 1,"
                    " last_try_us = ?, claimed_by = NULL, claimed_us = NULL WHERE id = ?",
                    (now, now, outbox_id),
                )
            else:
                conn.execute(
                    "UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?,"
                    " last_try_us = ?, next_us = ?, gave_up = ?, claimed_by = NULL,"
                    " claimed_us = NULL WHERE id = ?",
                    (
                        error,
                        now,
                        now if retry_at is None else to_us(retry_at),
                        int(retry_at is None),
                        outbox_id,
                    ),
                )

    # ------------------------------------------------------------------ the inbox

    def inbox_entries(
        self,
        owner: str,
        *,
        unread: bool = False,
        limit: int = 50,
        before: int | None = None,
        search_id: int | None = None,
    ) -> list[InboxEntry]:
        """``owner``'s inbox items, newest first (ids below ``before`` when given)."""
        where = ["i.owner = ?"]
        args: list[object] = [owner]
        if unread:
            where.append("i.read_us IS NULL")
        if before is not None:
            where.append("i.id < ?")
            args.append(before)
        if search_id is not None:
            where.append("i.search_id = ?")
            args.append(search_id)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT i.id, i.search_id, s.name, i.owner, i.article_id, i.story_id,"
                " i.headline, i.seq, i.stored_us, i.fired_us, i.updated_us, i.read_us"
                " FROM alert_items i JOIN saved_searches s ON s.id = i.search_id"
                f" WHERE {' AND '.join(where)} ORDER BY i.id DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
            reports: dict[int, list[AlertReport]] = {}
            for r in rows:
                reports[r[0]] = [
                    AlertReport(a, v, from_us(t))
                    for a, v, t in conn.execute(
                        "SELECT article_id, version, at_us FROM alert_reports"
                        " WHERE item_id = ? ORDER BY at_us, article_id",
                        (r[0],),
                    )
                ]
        return [
            InboxEntry(
                item_id=r[0],
                search_id=r[1],
                name=r[2],
                owner=r[3],
                article_id=r[4],
                story_id=r[5],
                headline=r[6],
                seq=r[7],
                stored_at=from_us(r[8]),
                fired_at=from_us(r[9]),
                updated_at=from_us(r[10]),
                read_at=opt_dt(r[11]),
                reports=tuple(reports[r[0]]),
            )
            for r in rows
        ]

    def mark_inbox_read(self, owner: str, item_ids: Iterable[int], *, read: bool = True) -> int:
        """Mark ``owner``'s items read (or unread); others' ids are ignored. Returns how many."""
        ids = list(item_ids)
        value = now_us() if read else None
        with self._write(durable=True) as conn:
            changed = 0
            for item_id in ids:
                cur = conn.execute(
                    "UPDATE alert_items SET read_us = ? WHERE id = ? AND owner = ?",
                    (value, item_id, owner),
                )
                changed += cur.rowcount
        return changed
