"""Charts: a real PNG of sensible size, self-contained HTML, exact terminal dimensions."""

from __future__ import annotations

import re
import struct
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from broadsheet.errors import MarketDataError
from broadsheet.markets.chart import (
    ChartMarker,
    place_markers,
    render_chart_html,
    render_chart_png,
    render_chart_svg,
    render_chart_terminal,
)
from broadsheet.markets.frames import bars_frame
from broadsheet.markets.providers import BundledProvider


@pytest.fixture(scope="module")
def aapl() -> pd.DataFrame:
    return bars_frame(BundledProvider().fetch_bars("AAPL", "2010-01-01", "2013-03-01"))


MARKERS: list[ChartMarker | date | str] = [
    ChartMarker(datetime(2010, 1, 27, 18, 0, tzinfo=UTC), "iPad shown"),  # 13:00 New York
    ChartMarker(date(2011, 8, 24), "Chief executive steps down"),
    ChartMarker(datetime(2012, 9, 12, 22, 0, tzinfo=UTC), "New phone <after the close>"),
    date(2012, 12, 25),  # Christmas: lands on the next session
]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data[-8:-4] == b"IEND"
    return width, height


def test_png_is_a_valid_png_of_sensible_size(tmp_path: Path, aapl: pd.DataFrame) -> None:
    out = render_chart_png(aapl, MARKERS, tmp_path / "deep" / "aapl.png", "AAPL with news")
    assert out.exists()
    assert png_size(out) == (1200, 600)
    assert 20_000 < out.stat().st_size < 2_000_000


def test_png_differs_with_and_without_markers(tmp_path: Path, aapl: pd.DataFrame) -> None:
    a = render_chart_png(aapl, [], tmp_path / "a.png").read_bytes()
    b = render_chart_png(aapl, MARKERS, tmp_path / "b.png").read_bytes()
    assert a != b


def test_png_from_bars_list(tmp_path: Path) -> None:
    bars = BundledProvider().fetch_bars("IBM", "2013-01-01", "2013-03-01")
    assert png_size(render_chart_png(bars, [], tmp_path / "ibm.png")) == (1200, 600)
    with pytest.raises(MarketDataError, match="no bars"):
        render_chart_png([], [], tmp_path / "none.png")


def test_markers_land_on_the_session_the_story_can_move(aapl: pd.DataFrame) -> None:
    rows = place_markers(aapl, [*MARKERS, "2012-12-29", date(2014, 1, 1)])
    days = [aapl.index[r].strftime("%Y-%m-%d") if r >= 0 else None for r in rows]
    assert days == ["2010-01-27", "2011-08-24", "2012-09-13", "2012-12-26", "2012-12-31", None]


def test_html_is_self_contained(tmp_path: Path, aapl: pd.DataFrame) -> None:
    out = render_chart_html(aapl, MARKERS, tmp_path / "aapl.html", "AAPL")
    page = out.read_text("utf-8")
    assert page.startswith("<!doctype html>")
    assert "<svg" in page and "</svg>" in page
    assert "<script" not in page
    # no resource is loaded from anywhere: no src/href to the network, no CSS imports
    assert not re.search(r"""(src|href)\s*=\s*["']https?:""", page)
    assert "@import" not in page and "url(http" not in page
    assert "New phone &lt;after the close&gt;" in page  # headlines escaped
    assert page.count("<tr><td>") == 4
    assert page.count("<title>") == 1 + 4  # the page's, and one hover title per session


def test_svg_hover_titles_sit_on_the_drawn_markers(aapl: pd.DataFrame) -> None:
    svg = render_chart_svg(
        aapl, [*MARKERS, ChartMarker(date(2011, 8, 24), "Second story, same day")]
    )
    group = svg[svg.index('id="news-markers"') :]
    group = group[: group.index("</g>\n   </g>")]
    drawn = {
        (round(float(x), 2), round(float(y), 2))
        for x, y in re.findall(r'<use [^>]*x="([\d.]+)" y="([\d.]+)"', group)
    }
    targets = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]*)</title>', svg)
    assert len(targets) == 4  # one per session with news
    assert {(round(float(x), 2), round(float(y), 2)) for x, y, _ in targets} == drawn
    titles = [t for _, _, t in targets]
    assert "2011-08-24\nChief executive steps down\nSecond story, same day" in titles
    assert "2012-09-13\nNew phone &lt;after the close&gt;" in titles


@pytest.mark.parametrize(("width", "height"), [(80, 20), (30, 5), (120, 40), (57, 13)])
def test_terminal_chart_dimensions(aapl: pd.DataFrame, width: int, height: int) -> None:
    text = render_chart_terminal(aapl, MARKERS, width=width, height=height)
    lines = text.split("\n")
    assert len(lines) == height
    assert all(len(line) == width for line in lines)
    assert "2010-01-04" in lines[-1] or width < 60
    assert "2013-03-01" in lines[-1]


def test_terminal_chart_draws_the_line_and_markers(aapl: pd.DataFrame) -> None:
    text = render_chart_terminal(aapl, MARKERS, width=100, height=20)
    lines = text.split("\n")
    plot = lines[:-2]
    # every column of the plot has at least one dot: the line is continuous
    columns = [line.split("┤")[-1].split("│")[-1] for line in plot]
    width = len(columns[0])
    assert all(any(col[i] != "\u2800" for col in columns) for i in range(width))
    # the highest price is on the top row, the lowest on the bottom row
    assert plot[0].lstrip().startswith(f"{aapl['adj_close'].max():,.2f}")
    assert plot[-1].lstrip().startswith(f"{aapl['adj_close'].min():,.2f}")
    assert lines[-2].count("▲") == 4
    assert render_chart_terminal(aapl, [], width=100, height=20).split("\n")[-2].count("▲") == 0


def test_log_scale(tmp_path: Path) -> None:
    """Over 2000–2013 AAPL's adjusted close runs 0.84 → 90: linear squashes the early years
    onto the bottom row; log scale puts the geometric middle (≈8.7) in the middle row."""
    frame = bars_frame(BundledProvider().fetch_bars("AAPL"))
    linear = render_chart_terminal(frame, [], width=60, height=12).split("\n")
    logged = render_chart_terminal(frame, [], width=60, height=12, log_scale=True).split("\n")
    hi, lo = frame["adj_close"].max(), frame["adj_close"].min()
    assert logged[5].lstrip().startswith(f"{(hi * lo) ** 0.5:,.2f}")
    assert linear[5].lstrip().startswith(f"{(hi + lo) / 2:,.2f}")

    # the first fifth of the history: on the bottom rows in linear, spread out in log
    def rows_used(lines: list[str], cols: slice) -> int:
        return sum(any(c != "\u2800" for c in line[cols]) for line in lines[:-2])

    start = linear[0].index("┤") + 1  # first plot column
    assert rows_used(logged, slice(start, start + 10)) > rows_used(linear, slice(start, start + 10))
    a = render_chart_png(frame, [], tmp_path / "lin.png").read_bytes()
    b = render_chart_png(frame, [], tmp_path / "log.png", log_scale=True).read_bytes()
    assert a != b and png_size(tmp_path / "log.png") == (1200, 600)
    assert "log scale" in render_chart_svg(frame, [], log_scale=True)


def test_terminal_chart_refuses_tiny_sizes(aapl: pd.DataFrame) -> None:
    with pytest.raises(MarketDataError):
        render_chart_terminal(aapl, [], width=10, height=3)


def test_flat_series_terminal_chart() -> None:
    frame = pd.DataFrame(
        {"adj_close": [5.0] * 30, "volume": 1.0},
        index=pd.DatetimeIndex(pd.bdate_range("2013-01-01", periods=30), name="date"),
    )
    lines = render_chart_terminal(frame, [], width=40, height=6).split("\n")
    assert len(lines) == 6 and all(len(line) == 40 for line in lines)
