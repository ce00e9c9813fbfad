"""Providers over price tables: the bundled history, and CSV/Parquet files of your own."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ...models import PriceBar
from ..securities import current_ticker, price_history_ticker
from .base import PriceProvider, PriceQuery
from .tables import frame_to_bars, read_price_table

__all__ = [
    "BUNDLED_TICKERS",
    "BundledProvider",
    "CSVProvider",
    "ParquetProvider",
    "TableProvider",
    "bundled_frame",
]

# the tickers of the bundled history, as Broadsheet keeps them (a test checks the data)
BUNDLED_TICKERS = ("AAPL", "GOOGL", "IBM", "META", "MSFT")


class TableProvider(PriceProvider[PriceQuery, pd.DataFrame]):
    """A provider over one canonical price frame, loaded lazily by ``load_frame``."""

    name = "table"

    def __init__(self) -> None:
        self._frame: pd.DataFrame | None = None
        self._groups: dict[str, pd.DataFrame] | None = None

    @abstractmethod
    def load_frame(self) -> pd.DataFrame:
        """Read the provider's whole table (canonical columns); called once, lazily."""

    def frame(self) -> pd.DataFrame:
        """Every row the provider holds, canonical columns."""
        if self._frame is None:
            self._frame = self.load_frame()
        return self._frame

    def tickers(self) -> list[str]:
        """The tickers the provider has bars for, sorted."""
        return sorted(self._by_ticker())

    def _by_ticker(self) -> dict[str, pd.DataFrame]:
        if self._groups is None:
            frame = self.frame()
            self._groups = {str(t): g for t, g in frame.groupby("ticker", sort=True)}
        return self._groups

    def extract_data(self, query: PriceQuery) -> pd.DataFrame:
        rows = self._by_ticker().get(query.ticker)
        if rows is None:
            return self.frame().iloc[0:0]
        keep = pd.Series(True, index=rows.index)
        if query.start is not None:
            keep &= rows["date"] >= query.start.isoformat()
        if query.end is not None:
            keep &= rows["date"] <= query.end.isoformat()
        return rows[keep]

    def transform_data(self, query: PriceQuery, raw: pd.DataFrame) -> list[PriceBar]:
        return list(frame_to_bars(raw))

    def all_bars(self) -> list[PriceBar]:
        """Every bar of every ticker (for bulk import), each ticker's bars in date order."""
        return list(frame_to_bars(self.frame().sort_values(["ticker", "date"], kind="stable")))


@cache
def bundled_frame() -> pd.DataFrame:
    """The bundled public-domain history (Quandl WIKI) as a canonical frame, with the
    historical tickers mapped to today's: GOOG → GOOGL, FB → META (see aliases.json)."""
    ref = resources.files("broadsheet.data").joinpath("prices/stocks.csv.gz")
    with resources.as_file(ref) as path:
        frame = read_price_table(Path(path))
    frame["ticker"] = frame["ticker"].map(price_history_ticker)
    return frame


class BundledProvider(TableProvider):
    """The daily history shipped with Broadsheet: AAPL, IBM, MSFT 2000–2013, GOOGL (bundled
    as GOOG) from 2004, META (bundled as FB) from 2012. Asking for FB gives META."""

    name = "bundled"

    def transform_query(self, params: Mapping[str, Any]) -> PriceQuery:
        query = super().transform_query(params)
        current = current_ticker(query.ticker)
        if current != query.ticker:
            query = query.model_copy(update={"ticker": current})
        return query

    def load_frame(self) -> pd.DataFrame:
        return bundled_frame()


class CSVProvider(TableProvider):
    """Prices from a CSV file (``.csv``, ``.csv.gz``, ``.txt``; comma, semicolon or tab).
    ``ticker`` names the security when the file has no ticker column."""

    name = "csv"

    def __init__(self, path: Path | str, *, ticker: str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.ticker = ticker

    def load_frame(self) -> pd.DataFrame:
        return read_price_table(self.path, ticker=self.ticker, kind="csv")


class ParquetProvider(CSVProvider):
    """Prices from a Parquet file, same column rules as CSV."""

    name = "parquet"

    def load_frame(self) -> pd.DataFrame:
        return read_price_table(self.path, ticker=self.ticker, kind="parquet")
