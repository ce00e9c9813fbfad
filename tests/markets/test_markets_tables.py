"""Reading price tables: column names, date formats, numbers; round trips under hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.errors import MarketDataError
from broadsheet.markets.frames import bars_frame, frame_bars
from broadsheet.markets.providers.tables import (
    frame_to_bars,
    normalize_price_frame,
    parse_dates,
    read_price_table,
)
from broadsheet.models import PriceBar


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2013-03-01", "2013-03-04"], ["2013-03-01", "2013-03-04"]),
        (["20130301", "20130304"], ["2013-03-01", "2013-03-04"]),
        ([20130301, 20130304], ["2013-03-01", "2013-03-04"]),
        (["2013/03/01", "2013/03/04"], ["2013-03-01", "2013-03-04"]),
        (["03/01/2013", "03/14/2013"], ["2013-03-01", "2013-03-14"]),  # US
        (["14/03/2013", "15/03/2013"], ["2013-03-14", "2013-03-15"]),  # a day over 12: D/M
        (["01/03/2013", "04/03/2013", "05/03/2013"], ["2013-01-03", "2013-04-03", "2013-05-03"]),
        (["28.02.2013", "01.03.2013"], ["2013-02-28", "2013-03-01"]),
        (["01-Mar-2013", "04-Mar-2013"], ["2013-03-01", "2013-03-04"]),
        (["Mar 01, 2013", "Mar 04, 2013"], ["2013-03-01", "2013-03-04"]),
        (["2013-03-01T00:00:00", "2013-03-04T00:00:00"], ["2013-03-01", "2013-03-04"]),
        (["2013-03-01 00:00:00+00:00"], ["2013-03-01"]),
    ],
)
def test_parse_dates(values: list[object], expected: list[str]) -> None:
    assert parse_dates(pd.Series(values)).tolist() == expected


def test_parse_dates_order_settles_ambiguity() -> None:
    # every field is <= 12, so both M/D and D/M parse; only D/M keeps the rows in order
    values = ["11/01/2013", "12/01/2013", "01/02/2013", "02/02/2013"]
    assert parse_dates(pd.Series(values)).tolist() == [
        "2013-01-11", "2013-01-12", "2013-02-01", "2013-02-02",
    ]  # fmt: skip


@pytest.mark.parametrize("values", [["yesterday"], ["2013-03-01", "garbage"], ["13/13/2013"]])
def test_parse_dates_refuses(values: list[str]) -> None:
    with pytest.raises(MarketDataError, match="date format"):
        parse_dates(pd.Series(values))


@pytest.mark.parametrize(
    "header",
    [
        "Date,Open,High,Low,Close,Volume,Adj Close",
        "date,open,high,low,close,volume,adj_close",
        "DATE,OPEN,HIGH,LOW,CLOSE,VOL,ADJUSTED_CLOSE",
        "<DATE>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,AdjClose",
        "timestamp,o,h,l,c,v,adjclose",
    ],
)
def test_header_synonyms(tmp_path: Path, header: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(header + '\n2013-03-01,1.5,2,1,1.75,"1,000",1.7\n')
    frame = read_price_table(path, ticker="abc")
    assert list(frame_to_bars(frame)) == [
        PriceBar("ABC", "2013-03-01", 1.5, 2.0, 1.0, 1.75, 1000.0, 1.7)
    ]


def test_rows_without_a_close_are_not_bars(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Date,Close,Volume\n2013-03-01,null,5\n2013-03-04,2.5,\n")
    frame = read_price_table(path, ticker="X")
    assert list(frame_to_bars(frame)) == [PriceBar("X", "2013-03-04", 2.5, 2.5, 2.5, 2.5, 0.0, 2.5)]


def test_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("Ticker\tDate\tClose\nAAA\t2013-03-01\t3.25\n")
    assert read_price_table(path)["close"].tolist() == [3.25]


def test_bars_frame_round_trip() -> None:
    bars = [
        PriceBar("X", "2013-03-04", 10.5, 11.0, 10.0, 10.8, 50.0, 10.7),
        PriceBar("X", "2013-03-01", 10.0, 10.6, 9.9, 10.5, 40.0, 10.4),
    ]
    frame = bars_frame(bars)
    assert frame.index.name == "date"
    assert list(frame.columns) == ["open", "high", "low", "close", "volume", "adj_close"]
    assert frame.index[0] == pd.Timestamp("2013-03-01")
    assert frame.attrs["ticker"] == "X"
    assert frame_bars(frame) == sorted(bars, key=lambda b: b.date)
    with pytest.raises(MarketDataError, match="one ticker"):
        bars_frame([*bars, PriceBar("Y", "2013-03-01", 1, 1, 1, 1, 1, 1)])


# --------------------------------------------------------------------------- hypothesis

_FORMATS = {
    "%Y-%m-%d": "%Y-%m-%d",
    "%Y%m%d": "%Y%m%d",
    "%d.%m.%Y": "%d.%m.%Y",
    "%m/%d/%Y": "%m/%d/%Y",
    "%d-%b-%Y": "%d-%b-%Y",
}
_NAMES = {
    "ticker": ["Ticker", "symbol", "SYMBOL", "<TICKER>"],
    "date": ["Date", "date", "DATE", "Timestamp"],
    "open": ["Open", "OPEN", "open"],
    "high": ["High", "high", "HIGH"],
    "low": ["Low", "low", "LOW"],
    "close": ["Close", "close", "CLOSE", "Last"],
    "volume": ["Volume", "vol", "VOL"],
    "adj_close": ["Adj Close", "adj_close", "ADJ_CLOSE", "Adjusted Close", "adjClose"],
}


@st.composite
def price_tables(draw: st.DrawFn) -> tuple[list[PriceBar], str, dict[str, str]]:
    n = draw(st.integers(1, 25))
    first = draw(st.dates(date(1990, 1, 1), date(2030, 1, 1)))
    steps = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    ticker = draw(st.sampled_from(["AAPL", "BRK-B", "X", "MSFT"]))
    bars = []
    day = first
    for step in steps:
        day += timedelta(days=step)
        lo = draw(st.floats(0.01, 5000, allow_nan=False))
        spread = draw(st.floats(0, 0.5))
        hi = round(lo * (1 + spread), 4)
        lo = round(lo, 4)
        o = draw(st.floats(lo, hi)) if hi > lo else lo
        c = draw(st.floats(lo, hi)) if hi > lo else lo
        vol = float(draw(st.integers(0, 10**10)))
        adj = round(c * draw(st.floats(0.01, 1.0)), 6) or 0.01
        bars.append(PriceBar(ticker, day.isoformat(), o, hi, lo, c, vol, adj))
    fmt = draw(st.sampled_from(sorted(_FORMATS)))
    names = {k: draw(st.sampled_from(v)) for k, v in _NAMES.items()}
    return bars, fmt, names


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=price_tables(), shuffle=st.randoms(use_true_random=False))
def test_any_header_and_date_format_round_trips(
    tmp_path: Path, table: tuple[list[PriceBar], str, dict[str, str]], shuffle: object
) -> None:
    bars, fmt, names = table
    columns = list(names)
    shuffle.shuffle(columns)  # type: ignore[attr-defined]
    rows = []
    for b in bars:
        values = {
            "ticker": b.ticker.lower(),
            "date": date.fromisoformat(b.date).strftime(fmt),
            "open": repr(b.open),
            "high": repr(b.high),
            "low": repr(b.low),
            "close": repr(b.close),
            "volume": str(int(b.volume)),
            "adj_close": repr(b.adj_close),
        }
        rows.append(",".join(values[c] for c in columns))
    path = tmp_path / "table.csv"
    path.write_text(",".join(names[c] for c in columns) + "\n" + "\n".join(rows) + "\n")
    frame = read_price_table(path)
    got = list(frame_to_bars(frame))
    assert got == bars


@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_parse_dates_never_crashes_otherwise(values: list[str]) -> None:
    try:
        out = parse_dates(pd.Series(values))
    except MarketDataError:
        return
    assert len(out) == len(values)
    assert all(len(v) == 10 for v in out)


def test_normalize_keeps_a_datetime_index() -> None:
    frame = pd.DataFrame(
        {"Close": [1.0, 2.0]}, index=pd.DatetimeIndex(["2013-03-01", "2013-03-04"], name="Date")
    )
    out = normalize_price_frame(frame, ticker="z")
    assert out["date"].tolist() == ["2013-03-01", "2013-03-04"]
    assert out["ticker"].tolist() == ["Z", "Z"]
