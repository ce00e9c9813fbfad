"""Event studies on crafted series with known answers; news counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from broadsheet.errors import MarketDataError
from broadsheet.markets.calendar import expected_sessions
from broadsheet.markets.events import event_study, market_index, news_counts, summarise

NY = ZoneInfo("America/New_York")
SESSIONS = expected_sessions("2013-01-02", "2013-03-28")


def growth_frame(rate: float, sessions: pd.DatetimeIndex = SESSIONS) -> pd.DataFrame:
    """adj_close grows by ``rate`` each session from 100; the unadjusted close is twice it."""
    adj = 100.0 * (1 + rate) ** np.arange(len(sessions))
    return pd.DataFrame(
        {"open": adj, "high": adj, "low": adj, "close": adj * 2, "volume": 1.0, "adj_close": adj},
        index=pd.DatetimeIndex(sessions, name="date"),
    )


BARS = {"A": growth_frame(0.01)}
MARKET = pd.Series(100.0 * 1.002 ** np.arange(len(SESSIONS)), index=SESSIONS)


def ny(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=NY)


@pytest.mark.parametrize(
    ("when", "base"),
    [
        (ny(2013, 1, 15, 10), "2013-01-14"),  # during the session: the previous close
        (ny(2013, 1, 15, 17), "2013-01-15"),  # after the close: that day's close
        (ny(2013, 1, 15, 16), "2013-01-14"),  # exactly at the close: strictly before
        (ny(2013, 1, 15, 16, 1), "2013-01-15"),
        (ny(2013, 1, 19, 12), "2013-01-18"),  # Saturday
        (ny(2013, 1, 21, 12), "2013-01-18"),  # Martin Luther King Jr. Day, closed
        (ny(2013, 1, 15, 4), "2013-01-14"),  # before the open
        (datetime(2013, 1, 15, 21, 30), "2013-01-15"),  # naive = UTC = 16:30 New York
        (datetime(2013, 1, 15, 20, 30, tzinfo=UTC), "2013-01-14"),  # 15:30 New York
        (date(2013, 1, 15), "2013-01-14"),  # a bare date: midnight New York
        ("2013-01-15", "2013-01-14"),  # the same as a string
        ("2013-01-15T17:00:00-05:00", "2013-01-15"),  # an ISO time with its offset
        (ny(2013, 3, 11, 17), "2013-03-11"),  # after the switch to daylight saving time
    ],
)
def test_base_is_the_last_close_strictly_before_the_story(
    when: datetime | date | str, base: str
) -> None:
    row = event_study(BARS, [("A", when)], market=MARKET).iloc[0]
    assert row["base_date"] == pd.Timestamp(base)
    i = SESSIONS.get_loc(pd.Timestamp(base))
    assert row["base_close"] == pytest.approx(200.0 * 1.01**i)


def test_returns_market_and_abnormal_have_the_known_answer() -> None:
    study = event_study(BARS, [("A", ny(2013, 1, 15, 17)), ("a", ny(2013, 2, 1, 9))], market=MARKET)
    assert list(study["ticker"]) == ["A", "A"]
    for h in (1, 5, 20):
        assert study[f"return_{h}d"].to_numpy() == pytest.approx([1.01**h - 1] * 2)
        assert study[f"market_{h}d"].to_numpy() == pytest.approx([1.002**h - 1] * 2)
        assert study[f"abnormal_{h}d"].to_numpy() == pytest.approx([1.01**h - 1.002**h] * 2)


def test_horizons_beyond_the_series_are_missing() -> None:
    near_end = SESSIONS[-4]  # three sessions left after the base
    when = datetime.combine(near_end.date(), datetime.min.time(), NY).replace(hour=17)
    row = event_study(BARS, [("A", when)], market=MARKET, horizons=(1, 3, 4)).iloc[0]
    assert row["return_1d"] == pytest.approx(0.01)
    assert row["return_3d"] == pytest.approx(1.01**3 - 1)
    assert np.isnan(row["return_4d"]) and np.isnan(row["abnormal_4d"])


@pytest.mark.parametrize(
    ("ticker", "when"),
    [
        ("A", ny(2013, 1, 2, 9)),  # before the first close
        ("A", ny(2013, 4, 20, 12)),  # weeks after the series ends
        ("NOPE", ny(2013, 1, 15, 17)),  # no bars at all
    ],
)
def test_events_without_a_base(ticker: str, when: datetime) -> None:
    row = event_study(BARS, [(ticker, when)], market=MARKET).iloc[0]
    assert pd.isna(row["base_date"]) and np.isnan(row["base_close"])
    assert np.isnan(row["return_1d"]) and np.isnan(row["abnormal_20d"])


def test_default_market_is_an_equal_weight_index() -> None:
    bars = {"A": growth_frame(0.01), "B": growth_frame(0.03)}
    level = market_index(bars)
    assert level.iloc[0] == 1.0
    assert level.iloc[5] == pytest.approx(1.02**5)
    row = event_study(bars, [("B", ny(2013, 1, 15, 17))]).iloc[0]
    assert row["market_5d"] == pytest.approx(1.02**5 - 1)
    assert row["abnormal_5d"] == pytest.approx(1.03**5 - 1.02**5)


def test_default_market_is_the_bundled_tickers_when_present() -> None:
    bars = {"AAPL": growth_frame(0.01), "IBM": growth_frame(0.03), "XYZ": growth_frame(0.10)}
    row = event_study(bars, [("XYZ", ny(2013, 1, 15, 17))]).iloc[0]
    assert row["market_1d"] == pytest.approx(0.02)  # XYZ, imported by the user, is not in it
    assert row["abnormal_1d"] == pytest.approx(0.08)


def test_equal_weight_index_uses_the_tickers_trading_that_day() -> None:
    short = SESSIONS[10:]
    bars = {"A": growth_frame(0.01), "B": growth_frame(0.03, short)}
    level = market_index(bars)
    assert level.iloc[10] / level.iloc[9] == pytest.approx(1.01)  # B's first day has no return
    assert level.iloc[12] / level.iloc[11] == pytest.approx(1.02)


def test_market_as_a_dataframe_and_event_order_kept() -> None:
    market = pd.DataFrame({"adj_close": MARKET.to_numpy()}, index=SESSIONS)
    events = [("A", ny(2013, 2, 1, 17)), ("NOPE", ny(2013, 2, 1, 17)), ("A", ny(2013, 1, 15, 17))]
    study = event_study(BARS, events, market=market)
    assert list(study["base_date"].dt.strftime("%Y-%m-%d").fillna("-")) == [
        "2013-02-01",
        "-",
        "2013-01-15",
    ]
    with pytest.raises(MarketDataError, match="adj_close"):
        event_study(BARS, events, market=pd.DataFrame({"x": [1.0]}))
    with pytest.raises(MarketDataError, match="horizons"):
        event_study(BARS, events, horizons=(0,), market=MARKET)


def test_summarise_known_values() -> None:
    study = pd.DataFrame(
        {
            "return_1d": [0.02, 0.04, 0.0, np.nan],
            "market_1d": [0.01, 0.01, 0.01, np.nan],
            "abnormal_1d": [0.01, 0.03, -0.01, np.nan],
        }
    )
    table = summarise(study)
    row = table.loc[1]
    assert row["count"] == 3
    assert row["mean"] == pytest.approx(0.01)
    assert row["median"] == pytest.approx(0.01)
    assert row["std"] == pytest.approx(0.02)
    assert row["t_stat"] == pytest.approx(0.01 / (0.02 / np.sqrt(3)))
    assert row["mean_return"] == pytest.approx(0.02)


def test_summarise_of_a_study() -> None:
    events = [("A", ny(2013, 1, d, 17)) for d in (14, 15, 16, 17)]
    table = summarise(event_study(BARS, events, market=MARKET))
    assert list(table.index) == [1, 5, 20]
    assert list(table["count"]) == [4, 4, 4]
    assert table.loc[5, "mean"] == pytest.approx(1.01**5 - 1.002**5)
    assert np.isnan(table.loc[5, "t_stat"])  # no spread at all: t is undefined, not infinite


def test_news_counts_by_new_york_day_with_zeros() -> None:
    stamps = [
        datetime(2013, 1, 15, 3, 0, tzinfo=UTC),  # 22:00 on the 14th in New York
        datetime(2013, 1, 15, 15, 0, tzinfo=UTC),
        datetime(2013, 1, 15, 20, 0, tzinfo=UTC),
        date(2013, 1, 18),
    ]
    counts = news_counts(stamps)
    assert counts.index[0] == pd.Timestamp("2013-01-14")
    assert counts.to_dict() == {
        pd.Timestamp("2013-01-14"): 1,
        pd.Timestamp("2013-01-15"): 2,
        pd.Timestamp("2013-01-16"): 0,
        pd.Timestamp("2013-01-17"): 0,
        pd.Timestamp("2013-01-18"): 1,
    }
    weekly = news_counts(stamps, freq="W")
    assert int(weekly.sum()) == 4
    ranged = news_counts(stamps, start="2013-01-10", end="2013-01-20")
    assert len(ranged) == 11 and int(ranged.sum()) == 4
    assert news_counts([]).empty
