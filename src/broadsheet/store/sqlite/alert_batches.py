"""Rows of fired alerts on SQLite: a percolated batch's matches applied in order
(``record_hits``, grouping what was already alerted), live deliveries marked, and items
read back as ``FiredAlert``. Used by ``AlertRows`` (``alerts.py``) inside its transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from broadsheet.store.times import from_us, to_us
from broadsheet.store.types import AlertHit, FiredAlert

__all__ = [
    "FIRED",
    "chunks",
    "fired_alert",
    "fired_items",
    "mark_live",
    "placeholders",
    "record_hits",
]

FIRED = (
    "SELECT i.id, i.search_id, i.owner, s.name, i.article_id, i.story_id, i.headline, i.seq,"
    " i.stored_us, i.fired_us FROM alert_items i JOIN saved_searches s ON s.id = i.search_id"
)


def fired_alert(row: Sequence[Any]) -> FiredAlert:
    return FiredAlert(
        item_id=row[0],
        search_id=row[1],
        owner=row[2],
        name=row[3],
        article_id=row[4],
        story_id=row[5],
        headline=row[6],
        seq=row[7],
        stored_at=from_us(row[8]),
        fired_at=from_us(row[9]),
    )


def chunks(values: Sequence[Any], size: int = 400) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def record_hits(conn: sqlite3.Connection, hits: Sequence[AlertHit], now: int) -> list[FiredAlert]:
    """Apply a batch of matches in order; returns the new items. A match of a story already
    alerted to its search is grouped, not repeated: a new version updates its report, the
    same story from another source adds a report to the story's item; a match whose saved
    search is gone is dropped.

    What the matches need is read in four statements for the whole batch (their searches,
    webhooks, earlier reports and the items of their stories), and the reports and outbox
    rows are written with one statement each: a new item costs one INSERT of its own, not
    the six statements a match took one by one."""
    if not hits:
        return []
    search_ids = sorted({h.search_id for h in hits})
    article_ids = sorted({h.article_id for h in hits})
    story_ids = sorted({h.story_id for h in hits if h.story_id is not None})
    searches: dict[int, tuple[str, str]] = {}  # id -> owner, name
    hooks: set[int] = set()
    for chunk in chunks(search_ids):
        marks = placeholders(chunk)
        for search_id, owner, name in conn.execute(
            f"SELECT id, owner, name FROM saved_searches WHERE id IN ({marks})", chunk
        ):
            searches[search_id] = (owner, name)
        hooks.update(
            r[0]
            for r in conn.execute(
                f"SELECT search_id FROM alert_webhooks WHERE search_id IN ({marks})", chunk
            )
        )
    # (search, article) -> [item, version] of reports already made; (search, story) -> item
    seen: dict[tuple[int, int], list[int]] = {}
    items: dict[tuple[int, int], int] = {}
    for chunk in chunks(search_ids):
        marks = placeholders(chunk)
        for articles in chunks(article_ids):
            for search_id, article_id, item_id, version in conn.execute(
                "SELECT search_id, article_id, item_id, version FROM alert_reports"
                f" WHERE search_id IN ({marks}) AND article_id IN ({placeholders(articles)})",
                (*chunk, *articles),
            ):
                seen[(search_id, article_id)] = [item_id, version]
        for stories in chunks(story_ids):
            for search_id, story_id, item_id in conn.execute(
                "SELECT search_id, story_id, min(id) FROM alert_items"
                f" WHERE search_id IN ({marks}) AND story_id IN ({placeholders(stories)})"
                " GROUP BY search_id, story_id",
                (*chunk, *stories),
            ):
                items[(search_id, story_id)] = item_id
    reports: list[tuple[int, int, int, int, int, int]] = []
    versions: list[tuple[int, int, int, int, int]] = []
    touched: list[tuple[int, int]] = []  # (now, item) of items a report was grouped into
    grouped: list[tuple[int, int]] = []  # (now, item) of items that gained a report
    outbox: list[tuple[int, str, int]] = []
    fired: list[FiredAlert] = []
    for hit in hits:
        search = searches.get(hit.search_id)
        if search is None:
            continue
        stored = to_us(hit.stored_at)
        report = seen.get((hit.search_id, hit.article_id))
        if report is not None:  # a new version of a story already alerted: grouped
            if hit.version > report[1]:
                versions.append((hit.version, hit.seq, stored, hit.search_id, hit.article_id))
                touched.append((now, report[0]))
                report[1] = hit.version
            continue
        item = None if hit.story_id is None else items.get((hit.search_id, hit.story_id))
        if item is not None:  # the same story from another source: grouped into its item
            reports.append((hit.search_id, hit.article_id, item, hit.version, hit.seq, stored))
            grouped.append((now, item))
            seen[(hit.search_id, hit.article_id)] = [item, hit.version]
            continue
        cur = conn.execute(
            "INSERT INTO alert_items (search_id, owner, article_id, story_id, headline, seq,"
            " stored_us, fired_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                hit.search_id,
                search[0],
                hit.article_id,
                hit.story_id,
                hit.headline,
                hit.seq,
                stored,
                now,
                now,
            ),
        )
        item_id = int(cur.lastrowid or 0)
        reports.append((hit.search_id, hit.article_id, item_id, hit.version, hit.seq, stored))
        seen[(hit.search_id, hit.article_id)] = [item_id, hit.version]
        if hit.story_id is not None:
            items[(hit.search_id, hit.story_id)] = item_id
        outbox.append((item_id, "live", now))
        if hit.search_id in hooks:
            outbox.append((item_id, "webhook", now))
        fired.append(
            FiredAlert(
                item_id=item_id,
                search_id=hit.search_id,
                owner=search[0],
                name=search[1],
                article_id=hit.article_id,
                story_id=hit.story_id,
                headline=hit.headline,
                seq=hit.seq,
                stored_at=from_us(stored),
                fired_at=from_us(now),
            )
        )
    writes: list[tuple[str, Sequence[tuple[Any, ...]]]] = [
        (
            "INSERT INTO alert_reports (search_id, article_id, item_id, version, seq, at_us)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            reports,
        ),
        (
            "UPDATE alert_reports SET version = ?, seq = ?, at_us = ?"
            " WHERE search_id = ? AND article_id = ?",
            versions,
        ),
        ("UPDATE alert_items SET updated_us = ? WHERE id = ?", touched),
        ("UPDATE alert_items SET reports = reports + 1, updated_us = ? WHERE id = ?", grouped),
        ("INSERT INTO alert_outbox (item_id, channel, next_us) VALUES (?, ?, ?)", outbox),
    ]
    for sql, rows in writes:
        if rows:  # in this order: reports before the updates of the reports made here
            conn.executemany(sql, rows)
    return fired


def mark_live(conn: sqlite3.Connection, item_ids: Sequence[int], now: int) -> None:
    conn.executemany(
        "UPDATE alert_outbox SET delivered_us = ?, attempts = attempts + 1"
        " WHERE item_id = ? AND channel = 'live' AND delivered_us IS NULL",
        [(now, i) for i in item_ids],
    )


def fired_items(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[FiredAlert]:
    found: list[FiredAlert] = []
    for i in range(0, len(item_ids), 500):
        chunk = list(item_ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"{FIRED} WHERE i.id IN ({marks}) ORDER BY i.id", chunk)
        found.extend(fired_alert(r) for r in rows)
    return found
