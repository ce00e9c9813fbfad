"""Price cleaning: find what is wrong or notable in a daily series and REPORT it.

Nothing here changes a bar. ``check_bars`` returns typed ``Issue`` records:

| kind | severity | what |
|---|---|---|
| ``duplicate_day`` | error | the same date more than once |
| ``non_positive`` | error | an open/high/low/close/adjusted close that is ≤ 0 or missing |
| ``high_below_low`` | error | high < low |
| ``ohlc_inconsistent`` | warning | open or close outside [low, high] |
| ``unit_error`` | error | a run of closes ~100× (or 1/100×) their neighbours: cents for dollars |
| ``split`` | info | close jumps by a split ratio that the adjusted close does not show |
| ``dividend`` | info | close falls a little more than the adjusted close (ex-dividend) |
| ``adjustment`` | warning | close and adjusted close disagree in any other way |
| ``unadjusted_split`` | warning | close AND adjusted close jump by a split ratio (an |
|  | | unadjusted split, or a real crash) |
| ``gap`` | warning | trading sessions missing (weekends and exchange holidays excluded) |
| ``non_session`` | warning | a bar on a weekend or exchange holiday |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd

from ..models import PriceBar
from .calendar import expected_sessions

__all__ = ["SPLIT_RATIOS", "Issue", "IssueKind", "Severity", "check_bars", "issues_frame"]

IssueKind = Literal[
    "duplicate_day",
    "non_positive",
    "high_below_low",
    "ohlc_inconsistent",
    "unit_error",
    "split",
    "dividend",
    "adjustment",
    "unadjusted_split",
    "gap",
    "non_session",
]
Severity = Literal["info", "warning", "error"]

# new shares per old share: forward splits and reverse splits seen in practice
SPLIT_RATIOS: tuple[Fraction, ...] = tuple(
    Fraction(r)
    for r in (
        "2", "3", "4", "5", "6", "7", "8", "10", "15", "20", "3/2", "5/4", "4/3", "5/3",
        "1/2", "1/3", "1/4", "1/5", "1/8", "1/10", "1/15", "1/20", "1/25", "1/50", "2/3",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing found in a price series."""

    kind: IssueKind
    ticker: str
    date: str  # the bar concerned; the first day of a range
    severity: Severity
    message: str
    end_date: str | None = None  # the last day, for ranges (gaps, unit-error runs)
    value: float | None = None  # split ratio, dividend fraction, missing sessions, factor


def _ratio_text(r: Fraction) -> str:
    return f"{r.numerator}-for-{r.denominator}"


def _match_ratio(factor: np.ndarray, tolerance: float) -> np.ndarray:
    """Index into SPLIT_RATIOS of the ratio each price factor (new/old price = 1/ratio)
    matches within ``tolerance`` (relative), or -1."""
    logs = np.log(np.array([float(1 / r) for r in SPLIT_RATIOS]))
    with np.errstate(divide="ignore", invalid="ignore"):
        lf = np.log(factor)
    dist = np.abs(lf[:, None] - logs[None, :])
    best = np.argmin(dist, axis=1) if len(SPLIT_RATIOS) else np.zeros(len(factor), dtype=int)
    ok = dist[np.arange(len(factor)), best] < np.log1p(tolerance)
    return np.where(ok & np.isfinite(lf), best, -1)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index pairs of consecutive True runs."""
    out: list[tuple[int, int]] = []
    start = -1
    for i, f in enumerate(flags.tolist()):
        if f and start < 0:
            start = i
        elif not f and start >= 0:
            out.append((start, i - 1))
            start = -1
    if start >= 0:
        out.append((start, len(flags) - 1))
    return out


def check_bars(
    bars: Iterable[PriceBar],
    *,
    split_tolerance: float = 0.03,
    dividend_max: float = 0.25,
    adjustment_min: float = 0.001,
    gap_min_sessions: int = 1,
    unit_window: int = 21,
) -> list[Issue]:
    """Every issue in ``bars`` (one or several tickers), ordered by ticker then date.

    ``split_tolerance``: relative slack when matching a jump to a split ratio.
    ``dividend_max``: the largest ex-dividend drop (as a fraction) reported as a dividend.
    ``adjustment_min``: close/adjusted-close disagreements smaller than this are noise.
    ``gap_min_sessions``: report gaps of at least this many missing sessions.
    ``unit_window``: sessions in the rolling median a 100× error is judged against
    (finds runs up to half of it).
    """
    rows = list(bars)
    issues: list[Issue] = []
    by_ticker: dict[str, list[PriceBar]] = {}
    for bar in rows:
        by_ticker.setdefault(bar.ticker, []).append(bar)
    for ticker in sorted(by_ticker):
        issues.extend(
            _check_one(
                ticker,
                sorted(by_ticker[ticker], key=lambda b: b.date),
                split_tolerance=split_tolerance,
                dividend_max=dividend_max,
                adjustment_min=adjustment_min,
                gap_min_sessions=gap_min_sessions,
                unit_window=unit_window,
            )
        )
    return issues


def _check_one(
    ticker: str,
    bars: list[PriceBar],
    *,
    split_tolerance: float,
    dividend_max: float,
    adjustment_min: float,
    gap_min_sessions: int,
    unit_window: int,
) -> list[Issue]:
    found: list[tuple[str, int, Issue]] = []

    def add(issue: Issue) -> None:
        found.append((issue.date, len(found), issue))

    dates = np.array([b.date for b in bars], dtype=object)
    o = np.array([b.open for b in bars], dtype="float64")
    h = np.array([b.high for b in bars], dtype="float64")
    lo = np.array([b.low for b in bars], dtype="float64")
    c = np.array([b.close for b in bars], dtype="float64")
    a = np.array([b.adj_close for b in bars], dtype="float64")

    # --- row checks
    for day, count in pd.Series(dates).value_counts().items():
        if count > 1:
            same = len({bars[i] for i in np.flatnonzero(dates == day)}) == 1
            what = "identical rows" if same else "rows that differ"
            add(
                Issue(
                    "duplicate_day",
                    ticker,
                    str(day),
                    "error",
                    f"{day} appears {count} times ({what})",
                    value=float(count),
                )
            )
    prices = np.vstack([o, h, lo, c, a])
    bad = ~(prices > 0).all(axis=0)
    for i in np.flatnonzero(bad):
        add(
            Issue(
                "non_positive",
                ticker,
                str(dates[i]),
                "error",
                f"{dates[i]}: a price is zero, negative or missing "
                f"(open {o[i]}, high {h[i]}, low {lo[i]}, close {c[i]}, adj {a[i]})",
            )
        )
    hl = (h < lo) & ~bad
    for i in np.flatnonzero(hl):
        add(
            Issue(
                "high_below_low",
                ticker,
                str(dates[i]),
                "error",
                f"{dates[i]}: high {h[i]} is below low {lo[i]}",
            )
        )
    incons = ~bad & ~hl & ((np.maximum(o, c) > h) | (np.minimum(o, c) < lo))
    for i in np.flatnonzero(incons):
        add(
            Issue(
                "ohlc_inconsistent",
                ticker,
                str(dates[i]),
                "warning",
                f"{dates[i]}: open {o[i]} or close {c[i]} outside low {lo[i]}..high {h[i]}",
            )
        )

    # --- series checks on one good row per date
    frame = pd.DataFrame({"date": dates, "close": c, "adj": a})[~bad]
    frame = frame.drop_duplicates("date", keep="last").reset_index(drop=True)
    if len(frame) >= 3:
        close = frame["close"]
        med = close.rolling(unit_window, center=True, min_periods=3).median()
        rel = (close / med).to_numpy()
        unit = ((rel > 100 / 1.5) & (rel < 150)) | ((rel < 1.5 / 100) & (rel > 1 / 150))
        fdates = frame["date"].to_numpy()
        for first, last in _runs(unit):
            direction = "100× too high" if rel[first] > 1 else "100× too low"
            span = f"{fdates[first]}" + (f" to {fdates[last]}" if last > first else "")
            add(
                Issue(
                    "unit_error",
                    ticker,
                    str(fdates[first]),
                    "error",
                    f"{span}: close {close.iloc[first]} is {direction} against its "
                    f"neighbours (cents for dollars?)",
                    end_date=str(fdates[last]),
                    value=100.0 if rel[first] > 1 else 0.01,
                )
            )
        good = frame[~unit].reset_index(drop=True)
        _check_jumps(ticker, good, add, split_tolerance, dividend_max, adjustment_min)

    # --- calendar checks
    present = pd.DatetimeIndex(pd.to_datetime(pd.unique(dates), format="%Y-%m-%d")).sort_values()
    if len(present):
        sessions = expected_sessions(present[0], present[-1])
        for day in present.difference(sessions):
            add(
                Issue(
                    "non_session",
                    ticker,
                    day.strftime("%Y-%m-%d"),
                    "warning",
                    f"{day:%Y-%m-%d} ({day:%A}) is not a trading session",
                )
            )
        missing = ~sessions.isin(present)
        for first, last in _runs(np.asarray(missing)):
            n = last - first + 1
            if n < gap_min_sessions:
                continue
            d0, d1 = sessions[first].strftime("%Y-%m-%d"), sessions[last].strftime("%Y-%m-%d")
            span = d0 if n == 1 else f"{d0} to {d1}"
            add(
                Issue(
                    "gap",
                    ticker,
                    d0,
                    "warning",
                    f"{n} trading session{'s' if n > 1 else ''} missing: {span}",
                    end_date=d1,
                    value=float(n),
                )
            )
    found.sort(key=lambda t: (t[0], t[1]))
    return [issue for _, _, issue in found]


def _check_jumps(
    ticker: str,
    frame: pd.DataFrame,
    add: Callable[[Issue], None],
    split_tolerance: float,
    dividend_max: float,
    adjustment_min: float,
) -> None:
    if len(frame) < 2:
        return
    c = frame["close"].to_numpy()
    a = frame["adj"].to_numpy()
    dates = frame["date"].to_numpy()
    r_close = c[1:] / c[:-1]
    r_adj = a[1:] / a[:-1]
    factor = r_close / r_adj  # 1 when the adjusted close moves exactly as the close
    split_idx = _match_ratio(factor, split_tolerance)
    raw_idx = _match_ratio(r_close, split_tolerance / 3)
    for j in range(len(factor)):
        day = str(dates[j + 1])
        f = float(factor[j])
        if split_idx[j] >= 0 and abs(np.log(f)) > np.log1p(0.2):
            ratio = SPLIT_RATIOS[split_idx[j]]
            add(
                Issue(
                    "split",
                    ticker,
                    day,
                    "info",
                    f"{day}: {_ratio_text(ratio)} split: close {c[j]:g} → {c[j + 1]:g} "
                    f"({r_close[j] - 1:+.1%}) while the adjusted close moved {r_adj[j] - 1:+.1%}",
                    value=float(ratio),
                )
            )
        elif 1 - dividend_max <= f < 1 - adjustment_min:
            add(
                Issue(
                    "dividend",
                    ticker,
                    day,
                    "info",
                    f"{day}: ex-dividend of about {1 - f:.2%} of the price "
                    f"({(1 - f) * c[j]:.4g} a share)",
                    value=1 - f,
                )
            )
        elif abs(f - 1) >= adjustment_min:
            add(
                Issue(
                    "adjustment",
                    ticker,
                    day,
                    "warning",
                    f"{day}: close moved {r_close[j] - 1:+.2%} but the adjusted close "
                    f"{r_adj[j] - 1:+.2%}; not a split or dividend",
                    value=f,
                )
            )
        elif raw_idx[j] >= 0 and abs(np.log(r_close[j])) > np.log1p(0.2):
            ratio = SPLIT_RATIOS[raw_idx[j]]
            add(
                Issue(
                    "unadjusted_split",
                    ticker,
                    day,
                    "warning",
                    f"{day}: close and adjusted close both moved {r_close[j] - 1:+.1%}, as a "
                    f"{_ratio_text(ratio)} split would: split not adjusted for, or a real move",
                    value=float(ratio),
                )
            )


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Issues as a DataFrame (one row each), for the Python API and the CLI."""
    cols = ["ticker", "date", "end_date", "kind", "severity", "value", "message"]
    return pd.DataFrame([{k: getattr(i, k) for k in cols} for i in issues], columns=cols)
