"""Price providers, all on one shape (transform query → extract data → transform data)."""

from __future__ import annotations

from .base import PriceProvider, PriceQuery, conform_bars, contract_violations
from .files import (
    BUNDLED_TICKERS,
    BundledProvider,
    CSVProvider,
    ParquetProvider,
    TableProvider,
    bundled_frame,
)
from .online import FetcherLike, OnlineProvider, StooqProvider, YahooProvider
from .tables import frame_to_bars, normalize_price_frame, parse_dates, read_price_table

__all__ = [
    "BUNDLED_TICKERS",
    "BundledProvider",
    "CSVProvider",
    "FetcherLike",
    "OnlineProvider",
    "ParquetProvider",
    "PriceProvider",
    "PriceQuery",
    "StooqProvider",
    "TableProvider",
    "YahooProvider",
    "bundled_frame",
    "conform_bars",
    "contract_violations",
    "frame_to_bars",
    "normalize_price_frame",
    "parse_dates",
    "read_price_table",
]
