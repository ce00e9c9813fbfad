"""The provider contract, run by every provider, and each provider's own behaviour.

``ProviderContract`` is the base: a subclass supplies a ``provider`` fixture and ``cases``
(ticker, range, the ticker the bars must carry, at least how many bars) and inherits every
contract test. The online adapters are exercised through the real ``Fetcher`` against
recorded responses served on 127.0.0.1 — never over the network.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest

from broadsheet.config import FetchSettings
from broadsheet.errors import MarketDataError
from broadsheet.markets.providers import (
    BUNDLED_TICKERS,
    BundledProvider,
    CSVProvider,
    ParquetProvider,
    PriceProvider,
    PriceQuery,
    StooqProvider,
    YahooProvider,
    contract_violations,
)
from broadsheet.models import PriceBar

from .conftest import FIXTURES, RecordedServer


@dataclass(frozen=True)
class Case:
    id: str
    ticker: str
    start: str | None
    end: str | None
    expect_ticker: str
    min_bars: int
    max_bars: int | None = None


class ProviderContract:
    """Every provider keeps this contract for every case it lists."""

    cases: ClassVar[list[Case]]

    def _bars(self, provider: PriceProvider[Any, Any], case: Case) -> list[PriceBar]:
        return provider.fetch_bars(case.ticker, case.start, case.end)

    def test_bar_count(self, provider: PriceProvider[Any, Any], case: Case) -> None:
        bars = self._bars(provider, case)
        assert len(bars) >= case.min_bars
        if case.max_bars is not None:
            assert len(bars) <= case.max_bars

    def test_sorted_unique_dates(self, provider: PriceProvider[Any, Any], case: Case) -> None:
        dates = [b.date for b in self._bars(provider, case)]
        assert dates == sorted(dates)
        assert len(dates) == len(set(dates))
        for d in dates:
            assert date.fromisoformat(d).isoformat() == d  # YYYY-MM-DD

    def test_dates_in_range(self, provider: PriceProvider[Any, Any], case: Case) -> None:
        for bar in self._bars(provider, case):
            if case.start:
                assert bar.date >= case.start
            if case.end:
                assert bar.date <= case.end

    def test_ticker_upper_case(self, provider: PriceProvider[Any, Any], case: Case) -> None:
        for bar in self._bars(provider, case):
            assert bar.ticker == case.expect_ticker
            assert bar.ticker == bar.ticker.upper()

    def test_prices_consistent(self, provider: PriceProvider[Any, Any], case: Case) -> None:
        for bar in self._bars(provider, case):
            assert bar.high >= max(bar.open, bar.close), bar
            assert bar.low <= min(bar.open, bar.close), bar
            assert bar.low > 0 and bar.adj_close > 0, bar
            assert bar.volume >= 0, bar

    def test_transform_data_keeps_contract(
        self, provider: PriceProvider[Any, Any], case: Case
    ) -> None:
        """The three steps by hand give what the template method gives."""
        query = provider.transform_query(
            {"ticker": case.ticker, "start": case.start, "end": case.end}
        )
        raw = provider.extract_data(query)
        bars = sorted(provider.transform_data(query, raw), key=lambda b: b.date)
        bars = [b for b in bars if query.contains(b.date)]
        assert contract_violations(query, bars) == []
        assert bars == self._bars(provider, case)


# --------------------------------------------------------------------------- bundled


class TestBundledContract(ProviderContract):
    cases: ClassVar[list[Case]] = [
        Case("aapl-2000-split", "AAPL", "2000-06-01", "2000-07-31", "AAPL", 42, 42),
        Case("ibm-lowercase", "ibm", "2013-02-25", "2013-03-01", "IBM", 5, 5),
        Case("fb-is-meta", "FB", None, None, "META", 196, 196),
        Case("googl-all", "GOOGL", None, None, "GOOGL", 2148, 2148),
        Case("msft-after-end", "MSFT", "2013-03-02", "2013-03-31", "MSFT", 0, 0),
        Case("unknown", "ZZZZ", None, None, "ZZZZ", 0, 0),
    ]

    @pytest.fixture
    def provider(self) -> BundledProvider:
        return BundledProvider()


def test_bundled_tickers_and_history() -> None:
    provider = BundledProvider()
    assert provider.tickers() == ["AAPL", "GOOGL", "IBM", "META", "MSFT"] == list(BUNDLED_TICKERS)
    aapl = provider.fetch_bars("AAPL")
    assert (aapl[0].date, aapl[-1].date, len(aapl)) == ("2000-03-01", "2013-03-01", 3270)
    # a known row, read back exactly (Quandl WIKI, 2005-02-28: the day of the 2:1 split)
    bar = provider.fetch_bars("AAPL", "2005-02-28", "2005-02-28")[0]
    assert (bar.open, bar.close, bar.volume) == (44.68, 44.86, 11635900.0)
    assert bar.adj_close == pytest.approx(5.7651352430039)
    # GOOG today is Alphabet class C; the bundled GOOG history is served as GOOGL
    assert provider.fetch_bars("GOOG") == []


# --------------------------------------------------------------------------- CSV / Parquet


def _write_table(path: Path) -> Path:
    """A table with messy headers and unsorted rows, two tickers, US dates."""
    rows = [
        ("spy", "03/04/2013", 152.0, 152.5, 151.0, 152.1, 1000, 140.0),
        ("SPY", "03/01/2013", 151.0, 151.8, 150.2, 151.6, 1200, 139.5),
        ("dia", "03/01/2013", 140.0, 141.0, 139.5, 140.6, 300, 130.0),
        ("SPY", "03/05/2013", 152.2, 154.0, 152.0, 153.9, 900, 141.7),
    ]
    frame = pd.DataFrame(
        rows, columns=["Symbol", "Date", "OPEN", "High", "low", "Close", "Volume", "Adj Close"]
    )
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    elif path.suffix == ".gz":
        with gzip.open(path, "wt") as fh:
            frame.to_csv(fh, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


class TestCSVContract(ProviderContract):
    cases: ClassVar[list[Case]] = [
        Case("spy-all", "SPY", None, None, "SPY", 3, 3),
        Case("spy-range", "spy", "2013-03-02", "2013-03-04", "SPY", 1, 1),
        Case("dia", "DIA", None, None, "DIA", 1, 1),
        Case("missing", "QQQ", None, None, "QQQ", 0, 0),
    ]

    @pytest.fixture(params=["prices.csv", "prices.csv.gz"])
    def provider(self, request: pytest.FixtureRequest, tmp_path: Path) -> CSVProvider:
        path = tmp_path / request.param
        return CSVProvider(_write_table(path))


class TestParquetContract(ProviderContract):
    cases: ClassVar[list[Case]] = TestCSVContract.cases

    @pytest.fixture
    def provider(self, tmp_path: Path) -> ParquetProvider:
        return ParquetProvider(_write_table(tmp_path / "prices.parquet"))


class TestEuropeanCSVContract(ProviderContract):
    """Semicolons, decimal commas, DD/MM/YYYY, odd headers (Opening, Closing, Vol)."""

    cases: ClassVar[list[Case]] = [Case("msft", "MSFT", None, None, "MSFT", 3, 3)]

    @pytest.fixture
    def provider(self) -> CSVProvider:
        return CSVProvider(FIXTURES / "prices_eu.csv")


def test_european_csv_values() -> None:
    bars = CSVProvider(FIXTURES / "prices_eu.csv").fetch_bars("MSFT")
    assert [b.date for b in bars] == ["2013-02-28", "2013-03-01", "2013-03-04"]
    assert (bars[1].open, bars[1].close, bars[1].adj_close) == (27.72, 27.95, 25.10)


def test_csv_without_ticker_column_needs_a_ticker(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("date,close\n2013-03-01,10.5\n2013-03-04,10.7\n")
    with pytest.raises(MarketDataError, match="no ticker column"):
        CSVProvider(path).fetch_bars("X")
    bars = CSVProvider(path, ticker="x").fetch_bars("X")
    # close-only: open = high = low = close, volume 0, adj_close = close
    assert bars[0] == PriceBar("X", "2013-03-01", 10.5, 10.5, 10.5, 10.5, 0.0, 10.5)


def test_csv_missing_file_and_bad_columns(tmp_path: Path) -> None:
    with pytest.raises(MarketDataError, match="no such price file"):
        CSVProvider(tmp_path / "nope.csv").fetch_bars("X")
    path = tmp_path / "bad.csv"
    path.write_text("when,value\n2013-03-01,1\n")
    with pytest.raises(MarketDataError, match="lacks"):
        CSVProvider(path, ticker="X").fetch_bars("X")


# --------------------------------------------------------------------------- online


class TestStooqContract(ProviderContract):
    cases: ClassVar[list[Case]] = [
        Case("ibm", "IBM", "2013-02-19", "2013-03-01", "IBM", 9, 9),
        Case("ibm-narrower", "ibm", "2013-02-26", "2013-02-28", "IBM", 3, 3),
        Case("unknown", "NOPE", None, None, "NOPE", 0, 0),
    ]

    @pytest.fixture
    def provider(
        self, recorded_server: RecordedServer, loopback_fetch_settings: FetchSettings
    ) -> Iterator[StooqProvider]:
        with StooqProvider(
            settings=loopback_fetch_settings, base_url=f"{recorded_server.base}/stooq/q/d/l/"
        ) as provider:
            yield provider


class TestYahooContract(ProviderContract):
    cases: ClassVar[list[Case]] = [
        Case("aapl", "AAPL", "2013-02-19", "2013-03-01", "AAPL", 8, 8),
        Case("aapl-open-start", "aapl", None, "2013-02-22", "AAPL", 4, 4),
        Case("unknown", "NOPE", "2013-01-01", "2013-03-01", "NOPE", 0, 0),
    ]

    @pytest.fixture
    def provider(
        self, recorded_server: RecordedServer, loopback_fetch_settings: FetchSettings
    ) -> Iterator[YahooProvider]:
        with YahooProvider(
            settings=loopback_fetch_settings,
            base_url=f"{recorded_server.base}/yahoo/v8/finance/chart/",
        ) as provider:
            yield provider


def test_stooq_url_and_values(
    recorded_server: RecordedServer, loopback_fetch_settings: FetchSettings
) -> None:
    with StooqProvider(
        settings=loopback_fetch_settings, base_url=f"{recorded_server.base}/stooq/q/d/l/"
    ) as provider:
        bars = provider.fetch_bars("IBM", "2013-02-19", "2013-03-01")
    assert recorded_server.requests[-1] == "/stooq/q/d/l/?s=ibm.us&i=d&d1=20130219&d2=20130301"
    assert bars[-1] == PriceBar(
        "IBM", "2013-03-01", 200.65, 202.94, 199.36, 202.91, 3308300.0, 202.91
    )


def test_yahoo_recorded_response_through_transform_data() -> None:
    """Null rows dropped, the repeated last day kept once, dates in New York time."""
    provider = YahooProvider(fetcher=None)
    query = provider.transform_query({"ticker": "AAPL"})
    bars = provider.transform_data(query, (FIXTURES / "yahoo_aapl.json").read_bytes())
    assert [b.date for b in bars] == [
        "2013-02-19", "2013-02-20", "2013-02-21", "2013-02-22",
        "2013-02-25", "2013-02-27", "2013-02-28", "2013-03-01",
    ]  # fmt: skip
    assert bars[0] == PriceBar(
        "AAPL", "2013-02-19", 461.1, 462.73, 453.85, 459.99, 15563700.0, 59.98703986432
    )
    assert provider.transform_data(query, (FIXTURES / "yahoo_notfound.json").read_bytes()) == []


def test_yahoo_url(recorded_server: RecordedServer, loopback_fetch_settings: FetchSettings) -> None:
    with YahooProvider(
        settings=loopback_fetch_settings, base_url=f"{recorded_server.base}/yahoo/v8/finance/chart/"
    ) as provider:
        provider.fetch_bars("AAPL", "2013-02-19", "2013-03-01")
    path = recorded_server.requests[-1]
    assert path.startswith("/yahoo/v8/finance/chart/AAPL?period1=1361232000&period2=1362182400")
    assert "interval=1d" in path and "includeAdjustedClose=true" in path


def test_yahoo_server_error_is_raised(
    recorded_server: RecordedServer, loopback_fetch_settings: FetchSettings
) -> None:
    from broadsheet.errors import HTTPStatusError

    with (
        YahooProvider(
            settings=loopback_fetch_settings,
            base_url=f"{recorded_server.base}/yahoo/v8/finance/chart/",
        ) as provider,
        pytest.raises(HTTPStatusError),
    ):
        provider.fetch_bars("BROKEN")


@pytest.mark.parametrize(
    "body",
    [b"<html>rate limited</html>", b'{"chart": {"result": [{"meta": {}}]}}', b"not json"],
)
def test_yahoo_unexpected_bodies_raise(body: bytes) -> None:
    provider = YahooProvider(fetcher=None)
    with pytest.raises(MarketDataError):
        provider.transform_data(provider.transform_query({"ticker": "AAPL"}), body)


@pytest.mark.parametrize("body", [b"<html>captcha</html>", b"Exceeded the daily hits limit"])
def test_stooq_unexpected_bodies_raise(body: bytes) -> None:
    provider = StooqProvider(fetcher=None)
    with pytest.raises(MarketDataError):
        provider.transform_data(provider.transform_query({"ticker": "IBM"}), body)


# --------------------------------------------------------------------------- the base class


class _BrokenProvider(PriceProvider[PriceQuery, list[PriceBar]]):
    """A provider that hands back whatever it was built with."""

    name = "broken"

    def __init__(self, bars: list[PriceBar]) -> None:
        self.bars = bars

    def extract_data(self, query: PriceQuery) -> list[PriceBar]:
        return self.bars

    def transform_data(self, query: PriceQuery, raw: list[PriceBar]) -> list[PriceBar]:
        return raw


GOOD = PriceBar("X", "2013-03-01", 10.0, 11.0, 9.0, 10.5, 100.0, 10.5)


@pytest.mark.parametrize(
    ("bars", "problem"),
    [
        ([GOOD, GOOD], "not strictly increasing"),
        ([PriceBar("X", "2013-03-01", 10.0, 10.2, 9.0, 10.5, 100.0, 10.5)], "high below"),
        ([PriceBar("X", "2013-03-01", 10.0, 11.0, 10.2, 10.5, 100.0, 10.5)], "low above"),
        ([PriceBar("X", "2013-03-01", 10.0, 11.0, 9.0, 10.5, -1.0, 10.5)], "volume"),
        ([PriceBar("X", "2013-03-01", 0.0, 11.0, 9.0, 10.5, 1.0, 10.5)], "non-positive"),
        ([PriceBar("x", "2013-03-01", 10.0, 11.0, 9.0, 10.5, 1.0, 10.5)], "upper case"),
        ([PriceBar("Y", "2013-03-01", 10.0, 11.0, 9.0, 10.5, 1.0, 10.5)], "ticker is not X"),
        ([PriceBar("X", "2013-3-1", 10.0, 11.0, 9.0, 10.5, 1.0, 10.5)], "YYYY-MM-DD"),
    ],
)
def test_contract_violations_refused(bars: list[PriceBar], problem: str) -> None:
    with pytest.raises(MarketDataError, match=problem):
        _BrokenProvider(bars).fetch_bars("X")


def test_template_sorts_and_trims_to_range() -> None:
    later = PriceBar("X", "2013-03-04", 10.5, 11.0, 10.0, 10.8, 50.0, 10.8)
    earlier = PriceBar("X", "2013-02-28", 10.0, 10.4, 9.9, 10.1, 50.0, 10.1)
    provider = _BrokenProvider([later, GOOD, earlier])
    assert provider.fetch_bars("X") == [earlier, GOOD, later]
    assert provider.fetch_bars("X", "2013-03-01", date(2013, 3, 1)) == [GOOD]


@pytest.mark.parametrize(
    "params",
    [
        {"ticker": ""},
        {"ticker": "X", "start": "2013-03-02", "end": "2013-03-01"},
        {"ticker": "X", "start": "soon"},
    ],
)
def test_bad_queries_refused(params: dict[str, Any]) -> None:
    with pytest.raises(MarketDataError, match="invalid price query"):
        BundledProvider().transform_query(params)
