"""Benchmarks of the markets package (``python -m broadsheet.bench.markets``).

- price import: the bundled history into a fresh SQLite store (``load_bundled_prices``),
  and a synthetic CSV (random walks on real sessions) through ``import_prices``;
- chart rendering: 10 years of daily bars (AAPL 2003-03-03..2013-03-01, 2,518 bars) with
  500 news markers, as PNG, HTML and terminal text;
- event study: 10,000 stories over the bundled tickers (1, 5, 20 sessions, equal-weight
  market), and ``summarise``;
- cleaning: ``check_bars`` over the whole bundled history.

Timings are the median of ``repeat`` runs after one warm-up, on one thread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from broadsheet.markets.calendar import expected_sessions
from broadsheet.markets.chart import (
    ChartMarker,
    render_chart_html,
    render_chart_png,
    render_chart_terminal,
)
from broadsheet.markets.clean import check_bars
from broadsheet.markets.events import event_study, summarise
from broadsheet.markets.frames import bars_frame, import_prices, load_bundled_prices
from broadsheet.markets.providers import BundledProvider

__all__ = ["run_bench", "write_synthetic_prices"]


def _median_seconds(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    """Median wall-clock and CPU seconds of ``repeat`` runs after a warm-up. CPU time is
    the steadier figure on a shared machine."""
    fn()  # warm-up (imports, caches)
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return {"wall": round(statistics.median(wall), 4), "cpu": round(statistics.median(cpu), 4)}


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w0, time.process_time() - c0


def write_synthetic_prices(
    path: Path, tickers: int, start: str = "2004-01-02", end: str = "2013-12-31", seed: int = 7
) -> int:
    """A CSV of random-walk daily bars for ``tickers`` made-up tickers; returns its rows."""
    rng = np.random.default_rng(seed)
    days = expected_sessions(start, end).strftime("%Y-%m-%d")
    n = len(days)
    frames = []
    for t in range(tickers):
        close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
        open_ = close * np.exp(rng.normal(0, 0.005, n))
        high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.02, n))
        low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.02, n))
        frames.append(
            pd.DataFrame(
                {
                    "Ticker": f"T{t:04d}",
                    "Date": days,
                    "Open": open_.round(4),
                    "High": high.round(4),
                    "Low": low.round(4),
                    "Close": close.round(4),
                    "Volume": rng.integers(1_000, 10_000_000, n),
                    "Adj Close": close.round(4),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table.to_csv(path, index=False)
    return len(table)


def run_bench(*, tickers: int = 40, repeat: int = 5, events: int = 10_000) -> dict[str, Any]:
    """Run every markets benchmark; returns the figures as a JSON-able dict."""
    from broadsheet.store import open_store

    out: dict[str, Any] = {}
    provider = BundledProvider()
    with tempfile.TemporaryDirectory() as tmp:
        # --- price import
        def load_fresh() -> int:
            store = open_store(str(Path(tmp) / "bundled.db"))
            try:
                return load_bundled_prices(store)
            finally:
                store.close()

        written, bundled_wall, bundled_cpu = _timed(load_fresh)
        _, again_wall, _ = _timed(load_fresh)  # the same file again: idempotent, skips
        csv = Path(tmp) / "synthetic.csv"
        rows = write_synthetic_prices(csv, tickers)
        store = open_store(str(Path(tmp) / "import.db"))
        imported, import_wall, import_cpu = _timed(lambda: import_prices(store, csv))
        store.close()
        out["price_import"] = {
            "bundled_rows": written,
            "bundled_wall_s": round(bundled_wall, 3),
            "bundled_cpu_s": round(bundled_cpu, 3),
            "bundled_rows_per_s_wall": round(written / bundled_wall),
            "bundled_rows_per_s_cpu": round(written / bundled_cpu),
            "bundled_reload_wall_s": round(again_wall, 3),
            "csv_rows": imported,
            "csv_bytes": csv.stat().st_size,
            "csv_wall_s": round(import_wall, 3),
            "csv_cpu_s": round(import_cpu, 3),
            "csv_rows_per_s_wall": round(rows / import_wall),
            "csv_rows_per_s_cpu": round(rows / import_cpu),
        }

        # --- charts
        frame = bars_frame(provider.fetch_bars("AAPL", "2003-03-01", "2013-03-01"))
        rng = np.random.default_rng(3)
        first = datetime(2003, 3, 1, tzinfo=UTC)
        span = (datetime(2013, 3, 1, tzinfo=UTC) - first).total_seconds()
        markers = [
            ChartMarker(first + timedelta(seconds=float(s)), f"story {i}")
            for i, s in enumerate(rng.uniform(0, span, 500))
        ]
        png = Path(tmp) / "chart.png"
        html = Path(tmp) / "chart.html"
        out["chart"] = {
            "bars": len(frame),
            "markers": len(markers),
            "png_seconds": _median_seconds(
                lambda: render_chart_png(frame, markers, png, "AAPL"), repeat
            ),
            "png_bytes": png.stat().st_size,
            "html_seconds": _median_seconds(
                lambda: render_chart_html(frame, markers, html, "AAPL"), repeat
            ),
            "html_bytes": html.stat().st_size,
            "terminal_seconds": _median_seconds(
                lambda: render_chart_terminal(frame, markers, 120, 30), repeat
            ),
        }

    # --- event study
    bars = {t: bars_frame(provider.fetch_bars(t)) for t in provider.tickers()}
    rng = np.random.default_rng(5)
    names = provider.tickers()
    first = datetime(2000, 3, 1, tzinfo=UTC)
    span = (datetime(2013, 3, 1, tzinfo=UTC) - first).total_seconds()
    evs = [
        (names[int(k)], first + timedelta(seconds=float(s)))
        for k, s in zip(
            rng.integers(0, len(names), events), rng.uniform(0, span, events), strict=True
        )
    ]
    study = event_study(bars, evs)
    out["event_study"] = {
        "events": events,
        "with_base": int(study["base_date"].notna().sum()),
        "seconds": _median_seconds(lambda: event_study(bars, evs), repeat),
        "summarise_seconds": _median_seconds(lambda: summarise(study), repeat),
    }

    # --- cleaning
    all_bars = provider.all_bars()
    out["clean"] = {
        "bars": len(all_bars),
        "seconds": _median_seconds(lambda: check_bars(all_bars), repeat),
        "issues": len(check_bars(all_bars)),
    }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--tickers", type=int, default=40, help="synthetic tickers in the CSV import"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(
        json.dumps(
            run_bench(tickers=args.tickers, repeat=args.repeat, events=args.events), indent=2
        )
    )


if __name__ == "__main__":
    main()
