"""Price charts with news markers: PNG and self-contained HTML (matplotlib, Agg, no
display, no pyplot global state) and a text chart for the terminal (Unicode braille).

A marker is placed on the first session whose close is at or after the story's time —
the session whose price the story could move — at that session's adjusted close.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MarketDataError
from ..models import PriceBar
from .calendar import session_close_times
from .events import to_utc_ns
from .frames import bars_frame

__all__ = [
    "ChartMarker",
    "place_markers",
    "render_chart_html",
    "render_chart_png",
    "render_chart_svg",
    "render_chart_terminal",
]


@dataclass(frozen=True, slots=True)
class ChartMarker:
    """A story to show on a chart."""

    at: datetime | date | str  # when it was published (naive = UTC; "YYYY-MM-DD" = a day)
    label: str = ""  # headline, shown in the HTML table and as tooltips
    article_id: int | None = None


MarkerLike = ChartMarker | datetime | date | str


def _frame(bars: Sequence[PriceBar] | pd.DataFrame) -> pd.DataFrame:
    frame = bars if isinstance(bars, pd.DataFrame) else bars_frame(list(bars))
    if frame.empty:
        raise MarketDataError("no bars to chart")
    return frame[~frame.index.duplicated(keep="last")].sort_index()


def _markers(markers: Sequence[MarkerLike]) -> list[ChartMarker]:
    return [m if isinstance(m, ChartMarker) else ChartMarker(at=m) for m in markers]


def place_markers(frame: pd.DataFrame, markers: Sequence[MarkerLike]) -> np.ndarray:
    """For each marker, the row of ``frame`` (a session) it belongs on, or -1 when the
    story is after the last session."""
    items = _markers(markers)
    if not items:
        return np.empty(0, dtype="int64")
    closes = session_close_times(pd.DatetimeIndex(frame.index)).as_unit("ns").asi8
    times = to_utc_ns([m.at for m in items])
    rows = np.searchsorted(closes, times, side="left")
    return np.where(rows < len(frame), rows, -1).astype("int64")


def _short_number(value: float, _pos: object = None) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:g}{suffix}"
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class _Drawn:
    fig: Any  # matplotlib Figure
    ax: Any  # the price axes
    placed: list[tuple[int, ChartMarker]]  # (session row, marker) for markers on the chart


def _figure(
    frame: pd.DataFrame, markers: Sequence[MarkerLike], title: str | None, log_scale: bool
) -> _Drawn:
    from matplotlib.figure import Figure  # no pyplot: no global figure registry
    from matplotlib.ticker import FuncFormatter

    items = _markers(markers)
    placed = [
        (r, m) for r, m in zip(place_markers(frame, items).tolist(), items, strict=True) if r >= 0
    ]
    rows = np.array([r for r, _ in placed], dtype="int64")
    x = frame.index.to_numpy()
    price = frame["adj_close"].to_numpy(dtype="float64")
    fig = Figure(figsize=(12, 6), dpi=100)  # fixed margins: layout engines cost ~0.4 s
    grid = fig.add_gridspec(
        2, 1, height_ratios=(3, 1), left=0.07, right=0.98, top=0.94, bottom=0.06, hspace=0.08
    )
    ax = fig.add_subplot(grid[0])
    axv = fig.add_subplot(grid[1], sharex=ax)
    ax.plot(x, price, color="#1f4e79", linewidth=1.0, label="adjusted close")
    if len(rows):
        stories = f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'}"
        ax.scatter(
            x[rows],
            price[rows],
            s=22,
            marker="o",
            color="#d62728",
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
            label=f"news ({stories})",
            gid="news-markers",
        )
    ax.set_ylabel("price (adjusted, log scale)" if log_scale else "price (adjusted)")
    if log_scale:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    ticker = frame.attrs.get("ticker")
    ax.set_title(title or (f"{ticker} daily" if ticker else "daily prices"))
    volume = frame["volume"].to_numpy(dtype="float64") if "volume" in frame else np.zeros(len(x))
    axv.fill_between(x, 0, volume, step="mid", color="#7f7f7f", linewidth=0)
    axv.set_ylabel("volume")
    axv.yaxis.set_major_formatter(FuncFormatter(_short_number))
    axv.set_ylim(bottom=0)
    axv.grid(True, alpha=0.3)
    ax.tick_params(labelbottom=False)
    return _Drawn(fig, ax, placed)


def render_chart_png(
    bars: Sequence[PriceBar] | pd.DataFrame,
    markers: Sequence[MarkerLike],
    out_path: Path | str,
    title: str | None = None,
    *,
    log_scale: bool = False,
) -> Path:
    """Write a PNG (1200×600) of the adjusted close with news markers and a volume panel.
    ``log_scale`` suits long histories (equal moves in percent look equal)."""
    fig = _figure(_frame(bars), markers, title, log_scale).fig
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png", metadata={"Software": None})
    return out


def render_chart_svg(
    bars: Sequence[PriceBar] | pd.DataFrame,
    markers: Sequence[MarkerLike],
    title: str | None = None,
    *,
    log_scale: bool = False,
) -> str:
    """The chart as an SVG document (text). Each session with news carries an invisible
    hover target whose ``<title>`` lists the headlines (browsers show it as a tooltip)."""
    frame = _frame(bars)
    drawn = _figure(frame, markers, title, log_scale)
    buf = io.StringIO()
    drawn.fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    if drawn.placed:
        svg = svg.replace("</svg>", _tooltips(frame, drawn) + "</svg>")
    return svg


def _tooltips(frame: pd.DataFrame, drawn: _Drawn) -> str:
    from matplotlib.dates import date2num

    labels: dict[int, list[str]] = {}
    for row, marker in drawn.placed:
        labels.setdefault(row, []).append(marker.label or str(marker.at))
    rows = sorted(labels)
    x = date2num(frame.index.to_numpy()[rows])  # type: ignore[no-untyped-call]
    y = frame["adj_close"].to_numpy(dtype="float64")[rows]
    points = drawn.ax.transData.transform(np.column_stack([x, y]))  # pixels, origin bottom left
    scale = 72.0 / drawn.fig.dpi  # matplotlib's SVG unit is the point
    height = drawn.fig.get_size_inches()[1] * 72.0
    parts = ['<g id="news-tooltips">']
    for row, (px, py) in zip(rows, points.tolist(), strict=True):
        day = frame.index[row].strftime("%Y-%m-%d")
        text = html.escape(day + "\n" + "\n".join(labels[row]))
        parts.append(
            f'<circle cx="{px * scale:.3f}" cy="{height - py * scale:.3f}" r="5" '
            f'fill="#000" fill-opacity="0"><title>{text}</title></circle>'
        )
    parts.append("</g>\n")
    return "".join(parts)


def render_chart_html(
    bars: Sequence[PriceBar] | pd.DataFrame,
    markers: Sequence[MarkerLike],
    out_path: Path | str,
    title: str | None = None,
    *,
    log_scale: bool = False,
) -> Path:
    """Write a self-contained HTML page: the chart as inline SVG (hover a marker for its
    headlines) and a table of the stories (no scripts, no external links)."""
    frame = _frame(bars)
    items = _markers(markers)
    svg = render_chart_svg(frame, items, title, log_scale=log_scale)
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype
    rows = place_markers(frame, items)
    lines = []
    for m, r in sorted(zip(items, rows.tolist(), strict=True), key=lambda p: str(p[0].at)):
        session = frame.index[r].strftime("%Y-%m-%d") if r >= 0 else "—"
        lines.append(
            f"<tr><td>{html.escape(str(m.at))}</td><td>{session}</td>"
            f"<td>{html.escape(m.label)}</td></tr>"
        )
    heading = html.escape(title or str(frame.attrs.get("ticker") or "Prices"))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<style>body{{font-family:system-ui,sans-serif;margin:1.5em}}
svg{{max-width:100%;height:auto}} table{{border-collapse:collapse;font-size:.9em}}
td,th{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}}</style>
</head><body><h1>{heading}</h1>
{svg}
<h2>Stories ({len(items)})</h2>
<table><thead><tr><th>published</th><th>session</th><th>headline</th></tr></thead><tbody>
{"".join(lines)}
</tbody></table></body></html>
"""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, "utf-8")
    return out


# --------------------------------------------------------------------------- terminal

_BRAILLE_BASE = 0x2800
# dot bit for (x in 0..1, y in 0..3 from the top) within a braille cell
_DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


def _fmt_price(v: float) -> str:
    return f"{v:,.2f}" if abs(v) < 100_000 else f"{v:,.0f}"


def render_chart_terminal(
    bars: Sequence[PriceBar] | pd.DataFrame,
    markers: Sequence[MarkerLike] = (),
    width: int = 80,
    height: int = 20,
    *,
    log_scale: bool = False,
) -> str:
    """A text chart exactly ``height`` lines of exactly ``width`` characters: the adjusted
    close drawn in braille dots with a price axis, a row of ``▲`` under sessions with news,
    and the first, middle and last dates."""
    if width < 30 or height < 5:
        raise MarketDataError("a terminal chart needs at least 30 columns and 5 rows")
    frame = _frame(bars)
    price = frame["adj_close"].to_numpy(dtype="float64")
    lo, hi = float(np.nanmin(price)), float(np.nanmax(price))
    log_scale = log_scale and lo > 0
    mid = float(np.sqrt(hi * lo)) if log_scale else (hi + lo) / 2
    labels = [_fmt_price(hi), _fmt_price(mid), _fmt_price(lo)]
    label_w = max(len(s) for s in labels) + 1
    plot_w = width - label_w - 1
    plot_h = height - 2
    dots_x, dots_y = plot_w * 2, plot_h * 4
    n = len(price)
    # each dot column shows the last price of its slice of sessions
    edges = np.linspace(0, n, dots_x + 1)
    idx = np.clip(np.ceil(edges[1:]).astype(int) - 1, 0, n - 1)
    ys = price[idx]
    if log_scale:
        ys, lo, hi = np.log(ys), float(np.log(lo)), float(np.log(hi))
    span = hi - lo if hi > lo else 1.0
    dy = np.round((hi - ys) / span * (dots_y - 1)).astype(int)  # 0 = top
    grid = np.zeros((plot_h, plot_w), dtype=np.int64)
    prev = dy[0]
    for x in range(dots_x):
        y0, y1 = sorted((prev, dy[x])) if x else (dy[0], dy[0])
        for y in range(y0, y1 + 1):  # join to the previous column: a continuous line
            grid[y // 4, x // 2] |= _DOTS[x % 2][y % 4]
        prev = dy[x]
    lines = []
    label_rows = {0: labels[0], plot_h // 2: labels[1], plot_h - 1: labels[2]}
    for r in range(plot_h):
        label = label_rows.get(r, "")
        axis = "┤" if label else "│"
        cells = "".join(chr(_BRAILLE_BASE + int(v)) for v in grid[r])
        lines.append(f"{label:>{label_w - 1}} {axis}{cells}")
    marks = ["─"] * plot_w
    rows = place_markers(frame, _markers(markers))
    for r in rows[rows >= 0].tolist():
        col = min(plot_w - 1, int(r * plot_w / n))
        marks[col] = "▲"
    lines.append(" " * label_w + "└" + "".join(marks))
    first = frame.index[0].strftime("%Y-%m-%d")
    mid = frame.index[n // 2].strftime("%Y-%m-%d")
    last = frame.index[-1].strftime("%Y-%m-%d")
    axis_row = [" "] * plot_w
    for text, start in ((first, 0), (mid, (plot_w - len(mid)) // 2), (last, plot_w - len(last))):
        if plot_w >= 3 * len(text) + 2 or text != mid:
            axis_row[start : start + len(text)] = list(text)
    lines.append(" " * (label_w + 1) + "".join(axis_row)[:plot_w])
    return "\n".join(line[:width].ljust(width) for line in lines)
