"""Daily price bars in the ``price_bars`` table (upsert by ticker and date)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime

from broadsheet.models import PriceBar
from broadsheet.store.times import day

__all__ = ["read_bars", "read_tickers", "write_bars"]

_CHUNK = 20_000
_UPSERT = (
    "INSERT INTO price_bars (ticker, date, open, high, low, close, volume, adj_close)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticker, date) DO UPDATE SET"
    " open = excluded.open, high = excluded.high, low = excluded.low,"
    " close = excluded.close, volume = excluded.volume, adj_close = excluded.adj_close"
)


def write_bars(conn: sqlite3.Connection, bars: Iterable[PriceBar]) -> int:
    """Upsert ``bars`` in chunks of executemany (inside the caller's transaction)."""
    total = 0
    chunk: list[tuple[str, str, float, float, float, float, float, float]] = []
    for bar in bars:
        chunk.append(
            (
                bar.ticker,
                bar.date,
                bar.open,
                bar.high,
                bar.low,
                bar.close,
                bar.volume,
                bar.adj_close,
            )
        )
        if len(chunk) >= _CHUNK:
            conn.executemany(_UPSERT, chunk)
            total += len(chunk)
            chunk.clear()
    if chunk:
        conn.executemany(_UPSERT, chunk)
        total += len(chunk)
    return total


def read_bars(
    conn: sqlite3.Connection,
    ticker: str,
    start: date | datetime | str | None,
    end: date | datetime | str | None,
) -> list[PriceBar]:
    rows = conn.execute(
        "SELECT ticker, date, open, high, low, close, volume, adj_close FROM price_bars"
        " WHERE ticker = ? AND date >= ? AND date <= ? ORDER BY date",
        (ticker, day(start) or "0000-00-00", day(end) or "9999-99-99"),
    ).fetchall()
    return [PriceBar(*r) for r in rows]


def read_tickers(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT ticker FROM price_bars ORDER BY 1")]
