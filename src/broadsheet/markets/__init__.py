"""Markets beside the news: the securities master, daily price providers, price
cleaning, event studies and charts with news markers.

The Python API speaks pandas: ``bars_frame`` turns bars into a DataFrame indexed by date;
``event_study`` and ``summarise`` return DataFrames; ``news_counts`` a Series.
"""

from __future__ import annotations

from .calendar import expected_sessions, session_close_times
from .chart import (
    ChartMarker,
    place_markers,
    render_chart_html,
    render_chart_png,
    render_chart_svg,
    render_chart_terminal,
)
from .clean import Issue, check_bars, issues_frame
from .events import event_study, market_index, news_counts, summarise
from .frames import (
    PriceStore,
    bars_frame,
    frame_bars,
    import_prices,
    load_bundled_prices,
    store_frames,
)
from .news import events_for_articles, story_events, story_markers, ticker_news_counts
from .providers import (
    BundledProvider,
    CSVProvider,
    ParquetProvider,
    PriceProvider,
    PriceQuery,
    StooqProvider,
    YahooProvider,
)
from .securities import SecuritiesMaster, current_ticker, load_securities

__all__ = [
    "BundledProvider",
    "CSVProvider",
    "ChartMarker",
    "Issue",
    "ParquetProvider",
    "PriceProvider",
    "PriceQuery",
    "PriceStore",
    "SecuritiesMaster",
    "StooqProvider",
    "YahooProvider",
    "bars_frame",
    "check_bars",
    "current_ticker",
    "event_study",
    "events_for_articles",
    "expected_sessions",
    "frame_bars",
    "import_prices",
    "issues_frame",
    "load_bundled_prices",
    "load_securities",
    "market_index",
    "news_counts",
    "place_markers",
    "render_chart_html",
    "render_chart_png",
    "render_chart_svg",
    "render_chart_terminal",
    "session_close_times",
    "store_frames",
    "story_events",
    "story_markers",
    "summarise",
    "ticker_news_counts",
]
