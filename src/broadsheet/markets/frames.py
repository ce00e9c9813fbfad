"""The Python API over prices as pandas DataFrames, and moving prices into the store.

The store is reached through the ``PriceStore`` protocol (``save_bars``, ``get_bars``,
``tickers_with_bars``), which ``broadsheet.store.SQLiteStore`` satisfies; markets does
not import the store package (it sits above markets in the layering).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Protocol

import pandas as pd

from ..errors import MarketDataError
from ..models import PriceBar
from .providers.base import contract_violations
from .providers.files import BundledProvider
from .providers.tables import frame_to_bars, read_price_table

__all__ = [
    "PRICE_COLUMNS",
    "PriceStore",
    "bars_frame",
    "frame_bars",
    "import_prices",
    "load_bundled_prices",
    "store_frames",
]

PRICE_COLUMNS = ("open", "high", "low", "close", "volume", "adj_close")
_BATCH = 5000


class PriceStore(Protocol):
    """What markets needs of the store."""

    def save_bars(self, bars: Iterable[PriceBar]) -> int: ...

    def get_bars(
        self, ticker: str, start: str | None = None, end: str | None = None
    ) -> list[PriceBar]: ...

    def tickers_with_bars(self) -> list[str]: ...


def bars_frame(bars: Sequence[PriceBar]) -> pd.DataFrame:
    """Bars of one ticker → a DataFrame indexed by date (``DatetimeIndex`` named ``date``)
    with columns open, high, low, close, volume, adj_close; the ticker is in
    ``frame.attrs["ticker"]``. Duplicate dates are kept (``clean.check_bars`` reports them)."""
    tickers = {b.ticker for b in bars}
    if len(tickers) > 1:
        raise MarketDataError(f"bars_frame takes one ticker, got {', '.join(sorted(tickers))}")
    frame = pd.DataFrame(
        {col: [getattr(b, col) for b in bars] for col in PRICE_COLUMNS},
        index=pd.DatetimeIndex(
            pd.to_datetime([b.date for b in bars], format="%Y-%m-%d"), name="date"
        ),
        dtype="float64",
    )
    frame = frame.sort_index(kind="stable")
    frame.attrs["ticker"] = next(iter(tickers)) if tickers else None
    return frame


def frame_bars(frame: pd.DataFrame, ticker: str | None = None) -> list[PriceBar]:
    """The inverse of ``bars_frame`` (any column names a price table may use)."""
    from .providers.tables import normalize_price_frame

    name = ticker or frame.attrs.get("ticker")
    return list(frame_to_bars(normalize_price_frame(frame, ticker=name)))


def _batched(items: Iterable[PriceBar], size: int) -> Iterator[list[PriceBar]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _save(store: PriceStore, bars: Iterable[PriceBar]) -> int:
    written = 0
    for batch in _batched(bars, _BATCH):
        store.save_bars(batch)
        written += len(batch)
    return written


def import_prices(store: PriceStore, path: Path | str, *, ticker: str | None = None) -> int:
    """Read a CSV or Parquet price file and upsert its bars into the store; returns the
    number of bars saved. ``ticker`` names the security when the file has no ticker column.
    Bars that break the provider contract (see ``providers.base``) refuse the whole file."""
    frame = read_price_table(Path(path), ticker=ticker)
    frame = frame.sort_values(["ticker", "date"], kind="stable")
    bars = list(frame_to_bars(frame))
    problems = contract_violations(None, bars)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise MarketDataError(f"{path}: " + "; ".join(problems[:5]) + more)
    return _save(store, bars)


def load_bundled_prices(store: PriceStore, *, provider: BundledProvider | None = None) -> int:
    """Put the bundled history into the store. Idempotent: a ticker whose bars are
    already all there is skipped; returns the number of bars written (0 the second time)."""
    provider = provider or BundledProvider()
    have = set(store.tickers_with_bars())
    written = 0
    frame = provider.frame()
    for ticker, rows in frame.groupby("ticker", sort=True):
        name = str(ticker)
        if name in have:
            stored = store.get_bars(name)
            if {b.date for b in stored} >= set(rows["date"]):
                continue
        written += _save(store, frame_to_bars(rows.sort_values("date")))
    return written


def store_frames(
    store: PriceStore, tickers: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """``{ticker: bars_frame}`` for the given tickers (default: every ticker in the store) —
    the input ``events.event_study`` and ``events.market_index`` take."""
    names = list(tickers) if tickers is not None else store.tickers_with_bars()
    out: dict[str, pd.DataFrame] = {}
    for name in names:
        bars = store.get_bars(name)
        if bars:
            out[name] = bars_frame(bars)
    return out
