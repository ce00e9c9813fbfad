"""Price cleaning on crafted broken series: each fault is reported, typed and dated, and
nothing is rewritten."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from broadsheet.markets.calendar import expected_sessions
from broadsheet.markets.clean import Issue, check_bars, issues_frame
from broadsheet.markets.providers import BundledProvider
from broadsheet.models import PriceBar


def make_series(
    start: str = "2012-01-03", end: str = "2012-12-31", ticker: str = "T", base: float = 50.0
) -> list[PriceBar]:
    """A clean, gently moving series on real trading sessions (holidays skipped)."""
    out = []
    for i, day in enumerate(expected_sessions(start, end)):
        close = base * (1 + 0.05 * math.sin(i / 9))
        open_ = close * (1 - 0.004 * math.cos(i / 3))
        out.append(
            PriceBar(
                ticker,
                day.strftime("%Y-%m-%d"),
                round(open_, 4),
                round(max(open_, close) * 1.01, 4),
                round(min(open_, close) * 0.99, 4),
                round(close, 4),
                1_000_000.0 + i,
                round(close, 4),
            )
        )
    return out


def scale_from(
    bars: list[PriceBar], k: int, *, price: float = 1.0, adj_before: float = 1.0
) -> list[PriceBar]:
    """OHLC from bar k on times ``price``; adj_close before bar k times ``adj_before``."""
    out = []
    for i, b in enumerate(bars):
        f = price if i >= k else 1.0
        a = b.adj_close * f * (adj_before if i < k else 1.0)
        out.append(
            replace(
                b, open=b.open * f, high=b.high * f, low=b.low * f, close=b.close * f, adj_close=a
            )
        )
    return out


def kinds(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.kind, i.date) for i in issues]


BARS = make_series()
K = 100  # the bar where faults start
DAY = BARS[K].date


@pytest.mark.parametrize(
    ("start", "end"),
    [("2012-01-03", "2012-12-31"), ("2000-03-01", "2002-06-28"), ("2020-11-02", "2023-01-31")],
)
def test_clean_series_has_no_issues(start: str, end: str) -> None:
    """Weekends, holidays (Good Friday, Juneteenth from 2022, Sandy, 9/11) are not gaps."""
    assert check_bars(make_series(start, end)) == []


def test_bundled_history_reports_its_real_splits() -> None:
    issues = check_bars(BundledProvider().all_bars())
    splits = [(i.ticker, i.date, i.value) for i in issues if i.kind == "split"]
    assert splits == [
        ("AAPL", "2000-06-21", 2.0),
        ("AAPL", "2005-02-28", 2.0),
        ("MSFT", "2003-02-18", 2.0),
    ]
    assert not [i for i in issues if i.severity != "info"]
    dividends = {i.ticker for i in issues if i.kind == "dividend"}
    assert dividends == {"AAPL", "IBM", "MSFT"}


def test_duplicate_days() -> None:
    same = [*BARS[:K], BARS[K], *BARS[K:]]
    issues = check_bars(same)
    assert kinds(issues) == [("duplicate_day", DAY)]
    assert "identical" in issues[0].message and issues[0].severity == "error"
    differ = [*BARS[:K], replace(BARS[K], volume=1.0), *BARS[K:]]
    issues = check_bars(differ)
    assert kinds(issues) == [("duplicate_day", DAY)]
    assert "differ" in issues[0].message


@pytest.mark.parametrize(
    ("change", "kind", "severity"),
    [
        ({"close": 0.0}, "non_positive", "error"),
        ({"low": -1.0}, "non_positive", "error"),
        ({"adj_close": float("nan")}, "non_positive", "error"),
        ({"high": 40.0, "low": 45.0}, "high_below_low", "error"),
        ({"open": 1000.0}, "ohlc_inconsistent", "warning"),
        ({"open": 1.0}, "ohlc_inconsistent", "warning"),
    ],
)
def test_bad_rows(change: dict[str, Any], kind: str, severity: str) -> None:
    bars = list(BARS)
    bars[K] = replace(bars[K], **change)
    issues = check_bars(bars)
    assert kinds(issues) == [(kind, DAY)]
    assert issues[0].severity == severity


@pytest.mark.parametrize(("factor", "value"), [(100.0, 100.0), (0.01, 0.01)])
@pytest.mark.parametrize("length", [1, 3, 8])
def test_unit_errors(factor: float, value: float, length: int) -> None:
    bars = list(BARS)
    for i in range(K, K + length):
        b = bars[i]
        bars[i] = replace(
            b, open=b.open * factor, high=b.high * factor, low=b.low * factor,
            close=b.close * factor, adj_close=b.adj_close * factor,
        )  # fmt: skip
    issues = check_bars(bars)
    assert kinds(issues) == [("unit_error", DAY)]
    assert issues[0].end_date == BARS[K + length - 1].date
    assert issues[0].value == value


@pytest.mark.parametrize(
    ("ratio", "text"), [(2.0, "2-for-1"), (3.0, "3-for-1"), (1.5, "3-for-2"), (0.1, "1-for-10")]
)
def test_adjusted_splits_are_reported_not_flagged(ratio: float, text: str) -> None:
    bars = scale_from(BARS, K, price=1 / ratio, adj_before=1 / ratio)
    issues = check_bars(bars)
    assert kinds(issues) == [("split", DAY)]
    assert issues[0].severity == "info"
    assert issues[0].value == pytest.approx(ratio)
    assert text in issues[0].message


@pytest.mark.parametrize("ratio", [2.0, 4.0, 0.2])
def test_unadjusted_split_is_a_warning(ratio: float) -> None:
    bars = scale_from(BARS, K, price=1 / ratio)  # adj_close jumps too
    issues = check_bars(bars)
    assert kinds(issues) == [("unadjusted_split", DAY)]
    assert issues[0].severity == "warning"
    assert issues[0].value == pytest.approx(ratio)


def test_a_move_that_is_no_split_ratio_is_not_reported() -> None:
    assert check_bars(scale_from(BARS, K, price=0.63)) == []


@pytest.mark.parametrize("dividend", [0.005, 0.02, 0.10])
def test_dividends(dividend: float) -> None:
    bars = scale_from(BARS, K, adj_before=1 - dividend)
    issues = check_bars(bars)
    assert kinds(issues) == [("dividend", DAY)]
    assert issues[0].value == pytest.approx(dividend)


def test_adjustment_mismatch() -> None:
    bars = scale_from(
        BARS, K, adj_before=1.05
    )  # adjusted history above the close: no dividend does that
    issues = check_bars(bars)
    assert kinds(issues) == [("adjustment", DAY)]
    assert issues[0].severity == "warning"


@pytest.mark.parametrize("missing", [1, 3, 10])
def test_gaps(missing: int) -> None:
    bars = BARS[:K] + BARS[K + missing :]
    issues = check_bars(bars)
    assert kinds(issues) == [("gap", DAY)]
    assert issues[0].value == missing
    assert issues[0].end_date == BARS[K + missing - 1].date
    assert check_bars(bars, gap_min_sessions=missing + 1) == []


def test_bar_on_a_weekend_or_holiday() -> None:
    saturday = replace(BARS[K], date="2012-05-26")  # between Fri 25th and Tue 29th (Memorial Day)
    bars = sorted([*BARS, saturday], key=lambda b: b.date)
    assert ("non_session", "2012-05-26") in kinds(check_bars(bars))
    good_friday = replace(BARS[K], date="2012-04-06")
    assert ("non_session", "2012-04-06") in kinds(check_bars([*BARS, good_friday]))


def test_several_faults_several_tickers_sorted_and_nothing_rewritten() -> None:
    a = make_series(ticker="AAA")
    b = scale_from(make_series(ticker="BBB"), 50, price=0.5, adj_before=0.5)
    b[150] = replace(b[150], high=1.0)
    mixed = [*b, *a[:10], *a[12:]]
    before = list(mixed)
    issues = check_bars(mixed)
    assert mixed == before  # frozen bars, same list: reported, never rewritten
    assert [(i.ticker, i.kind) for i in issues] == [
        ("AAA", "gap"),
        ("BBB", "split"),
        ("BBB", "high_below_low"),
    ]
    frame = issues_frame(issues)
    assert list(frame.columns) == [
        "ticker",
        "date",
        "end_date",
        "kind",
        "severity",
        "value",
        "message",
    ]
    assert len(frame) == 3


def test_empty_and_tiny_inputs() -> None:
    assert check_bars([]) == []
    assert check_bars(BARS[:1]) == []
    assert check_bars(BARS[:2]) == []
