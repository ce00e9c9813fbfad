"""News beside prices: news-count series and event studies.

Event study (market-adjusted returns): for a story about ``ticker`` published at time
``t``, the *base* is the close of the last session that closed strictly before ``t``
(sessions close at 16:00 New York time, so a story at 17:00 is measured from that same
day's close, one at 10:00 from the day before). The return after ``h`` sessions is
``adj_close[base + h] / adj_close[base] - 1`` (adjusted closes, so splits and dividends do
not show as moves); the market return is the same ratio of a market index over the same
sessions; the abnormal return is the difference.

The default market is an equal-weight index (daily rebalanced: the mean of the day's
returns of the tickers trading that day) of the bundled tickers found in ``bars`` (AAPL,
GOOGL, IBM, META, MSFT), or of every series in ``bars`` when none of them is there. Pass
``market`` (a Series of index levels, or a DataFrame with ``adj_close``) to use another.

Naive datetimes are taken as UTC. A bare ``date`` (or a ``YYYY-MM-DD`` string) is taken as
midnight New York time (the story is measured from the previous session's close). A story
more than 7 days after the last bar before it gets no base (the series has ended or has a
hole).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TypeAlias

import numpy as np
import pandas as pd

from ..errors import MarketDataError
from .calendar import EXCHANGE_TZ, session_close_times

__all__ = [
    "DEFAULT_HORIZONS",
    "Event",
    "event_study",
    "market_index",
    "news_counts",
    "summarise",
]

Event: TypeAlias = tuple[str, datetime | date | str]
DEFAULT_HORIZONS = (1, 5, 20)
_STALE = np.int64(7 * 24 * 3600 * 10**9)  # ns


def to_utc_ns(when: Sequence[datetime | date | str | pd.Timestamp]) -> np.ndarray:
    """UTC nanoseconds since the epoch for each time (see the module docstring)."""
    if all(isinstance(w, datetime) for w in when):
        if not when:
            return np.empty(0, dtype="int64")
        # naive → UTC, aware → converted to UTC (pd.to_datetime treats naive as UTC here)
        return np.asarray(pd.DatetimeIndex(pd.to_datetime(list(when), utc=True)).as_unit("ns").asi8)
    out = np.empty(len(when), dtype="int64")
    for i, w in enumerate(when):
        if isinstance(w, str):  # "YYYY-MM-DD" is a date; anything longer a time
            w = date.fromisoformat(w) if len(w.strip()) == 10 else pd.Timestamp(w)
        if isinstance(w, datetime):  # pd.Timestamp is a datetime
            ts = pd.Timestamp(w)
            ts = ts.tz_localize(UTC) if ts.tzinfo is None else ts.tz_convert(UTC)
        elif isinstance(w, date):
            ts = pd.Timestamp(w.isoformat()).tz_localize(EXCHANGE_TZ).tz_convert(UTC)
        else:
            raise MarketDataError(f"not a date or time: {w!r}")
        out[i] = ts.as_unit("ns").value
    return out


def news_counts(
    dates: Iterable[datetime | date | str | pd.Timestamp],
    *,
    freq: str = "D",
    start: date | str | None = None,
    end: date | str | None = None,
) -> pd.Series:
    """Stories per day (``freq="D"``), week (``"W"``) or month (``"MS"``), counted on the
    story's date in New York time; every period from ``start`` (default: the first story)
    to ``end`` (default: the last) appears, zeros included."""
    stamps = pd.DatetimeIndex(pd.to_datetime(to_utc_ns(list(dates)), unit="ns", utc=True))
    local = stamps.tz_convert(EXCHANGE_TZ).tz_localize(None).normalize()
    counts = pd.Series(1, index=local, dtype="int64").groupby(level=0).sum()
    lo = pd.Timestamp(start) if start is not None else (local.min() if len(local) else None)
    hi = pd.Timestamp(end) if end is not None else (local.max() if len(local) else None)
    if lo is None or hi is None:
        return pd.Series([], index=pd.DatetimeIndex([], name="date"), dtype="int64", name="stories")
    days = pd.date_range(lo.normalize(), hi.normalize(), freq="D")
    daily = counts.reindex(days, fill_value=0)
    daily = daily[(daily.index >= lo.normalize()) & (daily.index <= hi.normalize())]
    out = daily if freq == "D" else daily.resample(freq).sum()
    out.index.name = "date"
    out.name = "stories"
    return out.astype("int64")


def _clean_series(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[~frame.index.duplicated(keep="last")]
    return frame.sort_index()


def market_index(bars: Mapping[str, pd.DataFrame]) -> pd.Series:
    """An equal-weight index (level 1.0 on the first day) of the adjusted closes in
    ``bars``, rebalanced daily over the tickers that trade each day."""
    if not bars:
        raise MarketDataError("market_index needs at least one price series")
    returns = pd.DataFrame(
        {t: _clean_series(df)["adj_close"].pct_change() for t, df in bars.items()}
    ).sort_index()
    mean = returns.mean(axis=1, skipna=True).fillna(0.0)
    level = (1.0 + mean).cumprod()
    level.name = "market"
    level.index.name = "date"
    return level


def _default_market(bars: Mapping[str, pd.DataFrame]) -> pd.Series | None:
    from .providers.files import BUNDLED_TICKERS

    members = {t: f for t, f in bars.items() if t in BUNDLED_TICKERS and not f.empty}
    members = members or {t: f for t, f in bars.items() if not f.empty}
    return market_index(members) if members else None


def _market_levels(market: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(market, pd.DataFrame):
        for col in ("adj_close", "close", "level"):
            if col in market.columns:
                return _clean_series(market[[col]])[col].astype("float64")
        raise MarketDataError("a market DataFrame needs an adj_close, close or level column")
    return market[~market.index.duplicated(keep="last")].sort_index().astype("float64")


def event_study(
    bars: Mapping[str, pd.DataFrame],
    events: Sequence[Event],
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    market: pd.Series | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per event, in the order given: ``ticker``, ``event_time`` (UTC),
    ``base_date`` and ``base_close`` (the close before the story), and for each horizon
    ``h``: ``return_{h}d``, ``market_{h}d``, ``abnormal_{h}d`` (NaN when the series does not
    reach ``h`` sessions after the base, or the ticker has no bars).

    ``bars`` maps tickers to ``bars_frame`` DataFrames (DatetimeIndex of sessions, with
    ``close`` and ``adj_close``)."""
    horizons = [int(h) for h in horizons]
    if any(h <= 0 for h in horizons):
        raise MarketDataError("horizons are positive numbers of sessions")
    n = len(events)
    tickers = np.array([str(t).upper() for t, _ in events], dtype=object)
    times = to_utc_ns([w for _, w in events])
    base_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    base_close = np.full(n, np.nan)
    cols = {h: (np.full(n, np.nan), np.full(n, np.nan)) for h in horizons}
    levels = _market_levels(market) if market is not None else _default_market(bars)
    for ticker in pd.unique(tickers):
        frame = bars.get(ticker)
        if frame is None or frame.empty:
            continue
        frame = _clean_series(frame)
        pos = np.flatnonzero(tickers == ticker)
        closes_at = session_close_times(pd.DatetimeIndex(frame.index)).as_unit("ns").asi8
        base = np.searchsorted(closes_at, times[pos], side="left") - 1
        ok = base >= 0
        ok[ok] &= times[pos][ok] - closes_at[base[ok]] <= _STALE
        pos, base = pos[ok], base[ok]
        adj = frame["adj_close"].to_numpy(dtype="float64")
        mkt = (
            levels.reindex(frame.index).ffill().to_numpy(dtype="float64")
            if levels is not None
            else np.full(len(frame), np.nan)
        )
        base_date[pos] = frame.index.to_numpy(dtype="datetime64[ns]")[base]
        close = frame["close"] if "close" in frame.columns else frame["adj_close"]
        base_close[pos] = close.to_numpy(dtype="float64")[base]
        for h in horizons:
            after = base + h
            reach = after < len(frame)
            ret, mret = cols[h]
            ret[pos[reach]] = adj[after[reach]] / adj[base[reach]] - 1.0
            mret[pos[reach]] = mkt[after[reach]] / mkt[base[reach]] - 1.0
    out = pd.DataFrame(
        {
            "ticker": tickers,
            "event_time": pd.to_datetime(times, unit="ns", utc=True),
            "base_date": base_date,
            "base_close": base_close,
        }
    )
    for h in horizons:
        ret, mret = cols[h]
        out[f"return_{h}d"] = ret
        out[f"market_{h}d"] = mret
        out[f"abnormal_{h}d"] = ret - mret
    return out


def summarise(study: pd.DataFrame) -> pd.DataFrame:
    """Per horizon (index ``horizon`` in sessions): ``count``, ``mean``, ``median``,
    ``std`` and ``t_stat`` of the abnormal returns, plus ``mean_return`` and
    ``mean_market``. ``t_stat`` is mean / (std / √count), NaN under two events."""
    rows = []
    horizons = sorted(
        int(c[len("abnormal_") : -1]) for c in study.columns if c.startswith("abnormal_")
    )
    for h in horizons:
        abn = study[f"abnormal_{h}d"].dropna()
        n = len(abn)
        mean = float(abn.mean()) if n else float("nan")
        std = float(abn.std(ddof=1)) if n > 1 else float("nan")
        # no spread (up to float noise): t is undefined, not huge
        t = mean / (std / np.sqrt(n)) if n > 1 and std > 1e-12 else float("nan")
        rows.append(
            {
                "horizon": h,
                "count": n,
                "mean": mean,
                "median": float(abn.median()) if n else float("nan"),
                "std": std,
                "t_stat": float(t),
                "mean_return": float(study[f"return_{h}d"].mean()),
                "mean_market": float(study[f"market_{h}d"].mean()),
            }
        )
    cols = ["horizon", "count", "mean", "median", "std", "t_stat", "mean_return", "mean_market"]
    return pd.DataFrame(rows, columns=cols).set_index("horizon")
