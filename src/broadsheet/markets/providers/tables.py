"""Reading price tables (CSV, Parquet, DataFrames) whatever their column names and date
formats: ``Date``/``date``/``<DATE>``/``timestamp``, ``Adj Close``/``adj_close``/
``adjusted_close``, ``Symbol``/``Ticker``; ISO dates, ``YYYYMMDD``, ``MM/DD/YYYY``,
``DD/MM/YYYY``, ``DD.MM.YYYY``, ``01-Mar-2000``.

The canonical frame has the columns ``ticker, date, open, high, low, close, volume,
adj_close`` with ``date`` as ``YYYY-MM-DD`` strings. A missing adjusted close is the close;
a missing volume is 0; a close-only table gets open = high = low = close.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ...errors import MarketDataError
from ...models import PriceBar

__all__ = [
    "BAR_COLUMNS",
    "frame_to_bars",
    "normalize_price_frame",
    "parse_dates",
    "read_price_table",
]

BAR_COLUMNS = ("ticker", "date", "open", "high", "low", "close", "volume", "adj_close")

_SYNONYMS = {
    "ticker": ("ticker", "symbol", "code", "tickersymbol", "secid"),
    "date": ("date", "day", "timestamp", "datetime", "time", "tradedate", "tradingday", "dt"),
    "open": ("open", "openprice", "opening", "o"),
    "high": ("high", "highprice", "hi", "h"),
    "low": ("low", "lowprice", "lo", "l"),
    "close": ("close", "closeprice", "closing", "last", "price", "c"),
    "volume": ("volume", "vol", "v", "shares"),
    "adj_close": ("adjclose", "adjustedclose", "adjclosing", "adjcloseprice", "closeadj"),
}
_LOOKUP = {syn: canon for canon, syns in _SYNONYMS.items() for syn in syns}

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%Y/%m/%d",
    "%m/%d/%Y",  # US first; DD/MM/YYYY when a first field is over 12 or order says so
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%m/%d/%y",
    "ISO8601",
)


def _column_key(name: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates in any one of the supported formats → ``YYYY-MM-DD`` strings.

    The whole column must parse with one format; ``MM/DD`` against ``DD/MM`` is settled
    by which one parses every row, then by which one keeps the rows in date order.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.dt.strftime("%Y-%m-%d")
    text = values.astype(str).str.strip()
    if pd.api.types.is_numeric_dtype(values):
        text = text.str.replace(r"\.0$", "", regex=True)
    candidates: list[pd.Series] = []
    for fmt in _DATE_FORMATS:
        try:
            parsed = pd.to_datetime(text, format=fmt)
        except (ValueError, TypeError):
            continue
        if parsed.isna().any():
            continue
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(None)
        candidates.append(parsed)
        if fmt not in ("%m/%d/%Y", "%d/%m/%Y"):
            break
        if len(candidates) == 2:
            break
    if not candidates:
        sample = text.iloc[0] if len(text) else ""
        raise MarketDataError(f"unrecognised date format (first value {sample!r})")
    chosen = candidates[0]
    if len(candidates) == 2:
        us, eu = candidates
        us_ordered = us.is_monotonic_increasing or us.is_monotonic_decreasing
        eu_ordered = eu.is_monotonic_increasing or eu.is_monotonic_decreasing
        if eu_ordered and not us_ordered:
            chosen = eu
    return chosen.dt.strftime("%Y-%m-%d")


def _to_number(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    cleaned = values.astype(str).str.replace(r"[,$\s]", "", regex=True)
    cleaned = cleaned.replace({"": None, "null": None, "nan": None, "NaN": None, "-": None})
    return pd.to_numeric(cleaned, errors="coerce").astype("float64")


def normalize_price_frame(frame: pd.DataFrame, *, ticker: str | None = None) -> pd.DataFrame:
    """Any price table → the canonical frame (see the module docstring).

    ``ticker`` names the security when the table has no ticker column (and overrides
    nothing when it has one). Rows without a date or a close are dropped: they are not bars.
    """
    from ..securities import normalize_ticker

    renamed: dict[object, str] = {}
    for col in frame.columns:
        canon = _LOOKUP.get(_column_key(col))
        if canon is not None and canon not in renamed.values():
            renamed[col] = canon
    if not renamed and isinstance(frame.index, pd.DatetimeIndex):
        frame = frame.reset_index(names="date")
        return normalize_price_frame(frame, ticker=ticker)
    if (
        "date" not in renamed.values()
        and frame.index.name is not None
        and _LOOKUP.get(_column_key(frame.index.name)) == "date"
    ):
        return normalize_price_frame(frame.reset_index(), ticker=ticker)
    df = frame[list(renamed)].rename(columns=renamed)
    missing = {"date", "close"} - set(df.columns)
    if missing:
        raise MarketDataError(
            f"price table lacks {', '.join(sorted(missing))} column(s); "
            f"columns were {', '.join(map(str, frame.columns))}"
        )
    if "ticker" not in df.columns:
        if ticker is None:
            raise MarketDataError("price table has no ticker column; say which ticker it is")
        df = df.assign(ticker=ticker)
    df = df.dropna(subset=["date"])
    out = pd.DataFrame(index=df.index)
    out["ticker"] = df["ticker"].astype(str).map(normalize_ticker)
    out["date"] = parse_dates(df["date"])
    for col in ("open", "high", "low", "close", "volume", "adj_close"):
        if col in df.columns:
            out[col] = _to_number(df[col])
    out = out[out["close"].notna()]
    for col in ("open", "high", "low"):
        if col not in out.columns:
            out[col] = out["close"]
    if "adj_close" not in out.columns:
        out["adj_close"] = out["close"]
    else:
        out["adj_close"] = out["adj_close"].fillna(out["close"])
    out["volume"] = out["volume"].fillna(0.0) if "volume" in out.columns else 0.0
    return out[list(BAR_COLUMNS)].reset_index(drop=True)


def _sniff_separator(path: Path) -> str:
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ","


def read_price_table(
    path: Path, *, ticker: str | None = None, kind: Literal["csv", "parquet"] | None = None
) -> pd.DataFrame:
    """A CSV (optionally gzip-compressed) or Parquet file of prices → the canonical frame.
    ``kind`` is guessed from the file name when not given."""
    path = Path(path)
    if kind is None:
        kind = "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"
    try:
        if kind == "parquet":
            raw = pd.read_parquet(path)
        else:
            sep = _sniff_separator(path)
            # semicolon CSVs come from locales that write decimal commas (27,95)
            raw = pd.read_csv(path, sep=sep, decimal="," if sep == ";" else ".")
    except FileNotFoundError as exc:
        raise MarketDataError(f"no such price file: {path}") from exc
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise MarketDataError(f"cannot read price file {path}: {exc}") from exc
    raw.columns = [str(c).strip().strip("<>") for c in raw.columns]
    return normalize_price_frame(raw, ticker=ticker)


def frame_to_bars(frame: pd.DataFrame) -> Iterator[PriceBar]:
    """Canonical frame rows → ``PriceBar`` values, in frame order."""
    cols = [frame[c].to_numpy() for c in BAR_COLUMNS]
    floats = [np.asarray(c, dtype="float64").tolist() for c in cols[2:]]
    for ticker, day, o, h, lo, c, v, a in zip(
        cols[0].tolist(), cols[1].tolist(), *floats, strict=True
    ):
        yield PriceBar(ticker, day, o, h, lo, c, v, a)
