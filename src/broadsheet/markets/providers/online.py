"""Online price adapters. They fetch only through ``broadsheet.fetch.Fetcher`` (timeouts,
size caps, the SSRF guard, a polite User-Agent) and are never called over the network in
tests: the tests serve recorded responses from a server on 127.0.0.1.

- ``StooqProvider``: Stooq's daily CSV download (``/q/d/l/?s=aapl.us&i=d``). Stooq's
  prices are already split-adjusted and it publishes no separate adjusted close, so
  ``adj_close`` is the close.
- ``YahooProvider``: Yahoo Finance's chart JSON (``/v8/finance/chart/AAPL``), with the
  adjusted close. Dates are taken in the exchange's time zone.
"""

from __future__ import annotations

import io
from abc import abstractmethod
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self
from urllib.parse import quote, urlencode

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from ...errors import MarketDataError
from ...models import FetchResult, PriceBar
from .base import PriceProvider, PriceQuery
from .tables import frame_to_bars, normalize_price_frame

if TYPE_CHECKING:
    from ...config import FetchSettings

__all__ = ["FetcherLike", "OnlineProvider", "StooqProvider", "YahooProvider"]


class FetcherLike(Protocol):
    """What the adapters need of ``broadsheet.fetch.Fetcher``."""

    def fetch(self, url: str, *, accept: str | None = None) -> FetchResult: ...

    def close(self) -> None: ...


class OnlineProvider(PriceProvider[PriceQuery, bytes]):
    """Base of the HTTP adapters: builds a URL, fetches it through the Fetcher."""

    name = "online"
    base_url = ""
    accept: str | None = None

    def __init__(
        self,
        fetcher: FetcherLike | None = None,
        *,
        settings: FetchSettings | None = None,
        base_url: str | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._owns_fetcher = fetcher is None
        self._settings = settings
        if base_url is not None:
            self.base_url = base_url

    def _get_fetcher(self) -> FetcherLike:
        if self._fetcher is None:
            from ...config import FetchSettings
            from ...fetch import Fetcher  # lazy: the fetch package is a peer, used on demand

            self._fetcher = Fetcher(self._settings or FetchSettings.model_validate({}))
        return self._fetcher

    @abstractmethod
    def build_url(self, query: PriceQuery) -> str:
        """The address that answers ``query`` (each online source has its own)."""

    def extract_data(self, query: PriceQuery) -> bytes:
        result = self._get_fetcher().fetch(self.build_url(query), accept=self.accept)
        return result.body

    def close(self) -> None:
        """Close the Fetcher if this provider made it."""
        if self._owns_fetcher and self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class StooqProvider(OnlineProvider):
    """Daily bars from Stooq's CSV download. US tickers get Stooq's ``.us`` suffix."""

    name = "stooq"
    base_url = "https://stooq.com/q/d/l/"
    accept = "text/csv"

    @staticmethod
    def stooq_symbol(ticker: str) -> str:
        return ticker if "." in ticker else f"{ticker.lower()}.us"

    def build_url(self, query: PriceQuery) -> str:
        params: dict[str, str] = {"s": self.stooq_symbol(query.ticker), "i": "d"}
        if query.start is not None:
            params["d1"] = query.start.strftime("%Y%m%d")
        if query.end is not None:
            params["d2"] = query.end.strftime("%Y%m%d")
        return f"{self.base_url}?{urlencode(params)}"

    def transform_data(self, query: PriceQuery, raw: bytes) -> list[PriceBar]:
        text = raw.decode("utf-8-sig", errors="replace").strip()
        if not text or text.lower().startswith("no data"):
            return []  # Stooq's answer for an unknown symbol or an empty range
        if "," not in text.splitlines()[0]:
            raise MarketDataError(f"stooq: unexpected response for {query.ticker}: {text[:80]!r}")
        try:
            frame = pd.read_csv(io.StringIO(text))
        except (ValueError, pd.errors.ParserError) as exc:
            raise MarketDataError(f"stooq: unreadable CSV for {query.ticker}: {exc}") from exc
        frame = frame.drop(columns=[c for c in frame.columns if c.lower() == "ticker"])
        return list(frame_to_bars(normalize_price_frame(frame, ticker=query.ticker)))


# --------------------------------------------------------------------------- Yahoo JSON


class _YahooModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _YahooQuote(_YahooModel):
    open: list[float | None] = []
    high: list[float | None] = []
    low: list[float | None] = []
    close: list[float | None] = []
    volume: list[float | None] = []


class _YahooAdjClose(_YahooModel):
    adjclose: list[float | None] = []


class _YahooIndicators(_YahooModel):
    quote: list[_YahooQuote]
    adjclose: list[_YahooAdjClose] = []


class _YahooMeta(_YahooModel):
    symbol: str
    exchangeTimezoneName: str = "America/New_York"  # Yahoo's field name
    currency: str | None = None


class _YahooResult(_YahooModel):
    meta: _YahooMeta
    timestamp: list[int] = []
    indicators: _YahooIndicators


class _YahooError(_YahooModel):
    code: str
    description: str | None = None


class _YahooChart(_YahooModel):
    result: list[_YahooResult] | None = None
    error: _YahooError | None = None


class _YahooResponse(_YahooModel):
    chart: _YahooChart


class YahooProvider(OnlineProvider):
    """Daily bars from Yahoo Finance's chart endpoint (the JSON behind its web charts)."""

    name = "yahoo"
    base_url = "https://query1.finance.yahoo.com/v8/finance/chart/"
    accept = "application/json"

    def build_url(self, query: PriceQuery) -> str:
        start = query.start or date(1970, 1, 2)
        end = (query.end or datetime.now(UTC).date()) + timedelta(days=1)
        params = {
            "period1": str(
                int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
            ),
            "period2": str(int(datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp())),
            "interval": "1d",
            "events": "div,split",
            "includeAdjustedClose": "true",
        }
        return f"{self.base_url}{quote(query.ticker)}?{urlencode(params)}"

    def extract_data(self, query: PriceQuery) -> bytes:
        from ...errors import HTTPStatusError

        try:
            return super().extract_data(query)
        except HTTPStatusError as exc:
            if exc.status == 404:  # Yahoo's answer for an unknown symbol
                return b""
            raise

    def transform_data(self, query: PriceQuery, raw: bytes) -> list[PriceBar]:
        if not raw.strip():
            return []
        try:
            response = _YahooResponse.model_validate_json(raw)
        except ValidationError as exc:
            raise MarketDataError(f"yahoo: unexpected response for {query.ticker}: {exc}") from exc
        chart = response.chart
        if chart.error is not None:
            if chart.error.code.lower().replace(" ", "") == "notfound":
                return []
            raise MarketDataError(
                f"yahoo: {chart.error.code} for {query.ticker}: {chart.error.description}"
            )
        if not chart.result:
            return []
        result = chart.result[0]
        if not result.timestamp or not result.indicators.quote:
            return []
        q = result.indicators.quote[0]
        n = len(result.timestamp)
        adj = result.indicators.adjclose[0].adjclose if result.indicators.adjclose else q.close
        columns: Mapping[str, list[Any]] = {
            "open": q.open,
            "high": q.high,
            "low": q.low,
            "close": q.close,
            "volume": q.volume,
            "adj_close": adj,
        }
        if any(len(v) != n for v in columns.values()):
            raise MarketDataError(f"yahoo: ragged arrays for {query.ticker}")
        stamps = pd.to_datetime(pd.Series(result.timestamp), unit="s", utc=True)
        days = stamps.dt.tz_convert(result.meta.exchangeTimezoneName).dt.strftime("%Y-%m-%d")
        frame = pd.DataFrame({"date": days, **columns}, dtype=object)
        # Yahoo leaves holes (null rows) and sometimes repeats the live day; keep one per day
        frame = frame.dropna(subset=["open", "high", "low", "close"])
        frame = frame.drop_duplicates(subset="date", keep="last")
        return list(frame_to_bars(normalize_price_frame(frame, ticker=query.ticker)))
