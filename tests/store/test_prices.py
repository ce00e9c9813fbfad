"""Daily price bars."""

from __future__ import annotations

import pytest

from broadsheet.errors import StoreError
from broadsheet.models import PriceBar
from broadsheet.store import SQLiteStore


def _bar(ticker: str, day: str, close: float) -> PriceBar:
    return PriceBar(ticker, day, close - 1, close + 1, close - 2, close, 1_000_000.0, close * 0.98)


def test_save_get_and_upsert(store: SQLiteStore) -> None:
    bars = [_bar("NDHV", f"2024-01-{d:02d}", 10.0 + d) for d in range(2, 12)]
    bars.append(_bar("CSTA", "2024-01-05", 99.5))
    assert store.save_bars(iter(bars)) == 11
    assert store.get_bars("NDHV") == bars[:10]
    assert store.get_bars("NDHV", "2024-01-04", "2024-01-06") == bars[2:5]
    assert store.tickers_with_bars() == ["CSTA", "NDHV"]
    corrected = _bar("NDHV", "2024-01-03", 42.0)
    assert store.save_bars([corrected]) == 1
    assert store.get_bars("NDHV", "2024-01-03", "2024-01-03") == [corrected]
    assert len(store.get_bars("NDHV")) == 10
    assert store.get_bars("NONE") == []
    assert store.save_bars([]) == 0


def test_many_bars_in_chunks(store: SQLiteStore) -> None:
    bars = [
        _bar(f"T{t:03d}", f"{2000 + d // 336}-{1 + d // 28 % 12:02d}-{1 + d % 28:02d}", 1.0 + d)
        for t in range(30)
        for d in range(1000)
    ]
    assert store.save_bars(bars) == 30_000
    assert len(store.get_bars("T007")) == 1000
    assert store.get_bars("T029")[-1] == bars[-1]


def test_bad_date_rolls_back_the_whole_batch(store: SQLiteStore) -> None:
    with pytest.raises(StoreError):
        store.save_bars([_bar("NDHV", "2024-01-02", 1.0), _bar("NDHV", "2 Jan 2024", 1.0)])
    assert store.tickers_with_bars() == []
