"""The one shape every price provider has (after OpenBB's fetcher):

    params ─transform_query─► query ─extract_data─► raw ─transform_data─► list[PriceBar]

``fetch_bars`` is the template method that runs the three steps and then holds the result
to the provider contract (``conform_bars``): bars sorted by date, one per date, inside the
requested range, upper-case ticker, positive prices, ``low <= open, close <= high`` and
non-negative volume. A provider that hands back bars breaking the contract raises
``MarketDataError``; nothing is silently rewritten.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ...errors import MarketDataError
from ...models import PriceBar
from ..securities import normalize_ticker

__all__ = [
    "PriceProvider",
    "PriceQuery",
    "conform_bars",
    "contract_violations",
]

# relative slack for float noise in vendor data (a high of 10.0 against a close of 10.000000001)
_TOLERANCE = 1e-9


class PriceQuery(BaseModel):
    """What a caller asks a provider for: daily bars of one ticker over a date range."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticker: str = Field(description="Ticker symbol; normalised to upper case (BRK.B → BRK-B).")
    start: date | None = Field(None, description="First date wanted (inclusive); None = earliest.")
    end: date | None = Field(None, description="Last date wanted (inclusive); None = latest.")

    @field_validator("ticker")
    @classmethod
    def _ticker(cls, value: str) -> str:
        t = normalize_ticker(value)
        if not t:
            raise ValueError("empty ticker")
        return t

    @model_validator(mode="after")
    def _range(self) -> PriceQuery:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def contains(self, day: str) -> bool:
        """Whether ``day`` (``YYYY-MM-DD``) falls inside the query's range."""
        if self.start is not None and day < self.start.isoformat():
            return False
        return not (self.end is not None and day > self.end.isoformat())


QueryT = TypeVar("QueryT", bound=PriceQuery)
RawT = TypeVar("RawT")


class PriceProvider(ABC, Generic[QueryT, RawT]):
    """Base class of every price provider."""

    name: ClassVar[str] = "provider"
    query_type: ClassVar[type[PriceQuery]] = PriceQuery

    def transform_query(self, params: Mapping[str, Any]) -> QueryT:
        """Validate the caller's parameters into this provider's query."""
        try:
            return self.query_type.model_validate(dict(params))  # type: ignore[return-value]
        except ValidationError as exc:
            raise MarketDataError(f"{self.name}: invalid price query: {exc}") from exc

    @abstractmethod
    def extract_data(self, query: QueryT) -> RawT:
        """Get the raw data (file rows, HTTP body) for the query."""

    @abstractmethod
    def transform_data(self, query: QueryT, raw: RawT) -> list[PriceBar]:
        """Turn raw data into bars of the query's ticker."""

    def fetch_bars(
        self, ticker: str, start: date | str | None = None, end: date | str | None = None
    ) -> list[PriceBar]:
        """Daily bars of ``ticker`` from ``start`` to ``end`` (inclusive), oldest first."""
        query = self.transform_query({"ticker": ticker, "start": start, "end": end})
        raw = self.extract_data(query)
        bars = self.transform_data(query, raw)
        return conform_bars(query, bars, provider=self.name)


def contract_violations(query: PriceQuery | None, bars: Sequence[PriceBar]) -> list[str]:
    """Every way ``bars`` break the provider contract (empty when they keep it)."""
    problems: list[str] = []
    previous: dict[str, str] = {}  # last date seen per ticker
    for i, bar in enumerate(bars):
        where = f"bar {i} ({bar.ticker} {bar.date})"
        if bar.ticker != bar.ticker.upper() or not bar.ticker:
            problems.append(f"{where}: ticker is not upper case")
        if query is not None:
            if bar.ticker != query.ticker:
                problems.append(f"{where}: ticker is not {query.ticker}")
            if not query.contains(bar.date):
                problems.append(f"{where}: date outside {query.start}..{query.end}")
        if len(bar.date) != 10:
            problems.append(f"{where}: date is not YYYY-MM-DD")
        last = previous.get(bar.ticker)
        if last is not None and bar.date <= last:
            problems.append(f"{where}: dates not strictly increasing")
        previous[bar.ticker] = bar.date
        prices = (bar.open, bar.high, bar.low, bar.close, bar.adj_close)
        if not all(p > 0 for p in prices):  # also catches NaN
            problems.append(f"{where}: non-positive or missing price")
            continue
        slack = _TOLERANCE * bar.high
        if bar.high + slack < max(bar.open, bar.close):
            problems.append(f"{where}: high below open or close")
        if bar.low - slack > min(bar.open, bar.close):
            problems.append(f"{where}: low above open or close")
        if not bar.volume >= 0:
            problems.append(f"{where}: negative or missing volume")
    return problems


def conform_bars(
    query: PriceQuery, bars: Iterable[PriceBar], *, provider: str = "provider"
) -> list[PriceBar]:
    """Sort ``bars`` by date, keep those inside the query's range, and raise
    ``MarketDataError`` if what is left breaks the contract (duplicate dates included)."""
    kept = sorted((b for b in bars if query.contains(b.date)), key=lambda b: b.date)
    problems = contract_violations(query, kept)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise MarketDataError(
            f"{provider}: bad bars for {query.ticker}: " + "; ".join(problems[:5]) + more
        )
    return kept
