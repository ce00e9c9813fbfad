"""Markets with the real store (SQLite on a temporary file)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from broadsheet.errors import MarketDataError
from broadsheet.markets import (
    BundledProvider,
    event_study,
    events_for_articles,
    import_prices,
    load_bundled_prices,
    render_chart_terminal,
    store_frames,
    story_events,
    story_markers,
    summarise,
    ticker_news_counts,
)
from broadsheet.models import Annotations, Article, Paragraph, PriceBar, TickerMention
from broadsheet.store import SQLiteStore, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(str(tmp_path / "broadsheet.db"))
    yield s
    s.close()


def test_load_bundled_prices_is_idempotent(store: SQLiteStore) -> None:
    assert load_bundled_prices(store) == 12_154
    assert load_bundled_prices(store) == 0
    assert store.tickers_with_bars() == ["AAPL", "GOOGL", "IBM", "META", "MSFT"]
    assert store.get_bars("AAPL") == BundledProvider().fetch_bars("AAPL")
    assert len(store.get_bars("META")) == 196


def test_load_bundled_prices_fills_what_is_missing(store: SQLiteStore) -> None:
    store.save_bars(BundledProvider().fetch_bars("IBM", "2013-01-01", "2013-03-01"))
    written = load_bundled_prices(store)
    assert written == 12_154  # IBM was incomplete: all of it is rewritten (upsert by date)
    assert len(store.get_bars("IBM")) == 3270


def test_import_prices_csv_and_parquet(tmp_path: Path, store: SQLiteStore) -> None:
    frame = pd.DataFrame(
        {
            "Symbol": ["xyz", "XYZ", "abc"],
            "Date": ["2013-03-04", "2013-03-01", "2013-03-01"],
            "Open": [10.0, 9.5, 3.0],
            "High": [10.5, 10.1, 3.2],
            "Low": [9.8, 9.4, 2.9],
            "Close": [10.2, 10.0, 3.1],
            "Volume": [100, 200, 300],
        }
    )
    csv = tmp_path / "p.csv"
    frame.to_csv(csv, index=False)
    assert import_prices(store, csv) == 3
    assert store.get_bars("XYZ") == [
        PriceBar("XYZ", "2013-03-01", 9.5, 10.1, 9.4, 10.0, 200.0, 10.0),
        PriceBar("XYZ", "2013-03-04", 10.0, 10.5, 9.8, 10.2, 100.0, 10.2),
    ]
    pq = tmp_path / "p.parquet"
    frame.assign(Close=[10.3, 10.0, 3.1]).to_parquet(pq)
    assert import_prices(store, pq) == 3
    assert store.get_bars("XYZ", "2013-03-04")[0].close == 10.3  # upsert by ticker and date


def test_import_refuses_a_broken_file(tmp_path: Path, store: SQLiteStore) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "ticker,date,open,high,low,close\nX,2013-03-01,10,9,8,9.5\nX,2013-03-01,10,11,9,10\n"
    )
    with pytest.raises(MarketDataError) as err:
        import_prices(store, path)
    assert "high below" in str(err.value) and "not strictly increasing" in str(err.value)
    assert store.get_bars("X") == []  # nothing half-imported


def _tag(
    store: SQLiteStore, headline: str, published: datetime, ticker: str, relevance: float = 0.9
) -> int:
    article = Article(
        paragraphs=(Paragraph(f"{headline}. A story written for the markets tests."),),
        headline=headline,
        published_at=published,
        url=f"https://example.test/{abs(hash(headline))}",
    )
    saved = store.save_article(article, first_seen_at=published)
    assert saved.article_id is not None
    store.save_annotations(
        saved.article_id,
        Annotations(tickers=(TickerMention(0, 5, ticker, "Company", relevance),)),
    )
    return saved.article_id


def test_stories_beside_prices(store: SQLiteStore) -> None:
    load_bundled_prices(store)
    tablet = datetime(2010, 4, 5, 14, tzinfo=UTC)
    results = datetime(2012, 1, 24, 21, 30, tzinfo=UTC)  # 16:30 in New York: after the close
    merger = datetime(2012, 1, 25, 12, tzinfo=UTC)
    a1 = _tag(store, "Apple ships a tablet", tablet, "AAPL")
    a2 = _tag(store, "Apple results beat forecasts", results, "AAPL")
    a3 = _tag(store, "IBM buys a software firm", merger, "IBM", 0.2)
    markers = story_markers(store, "aapl")
    assert [(m.at, m.label, m.article_id) for m in markers] == [
        (tablet, "Apple ships a tablet", a1),
        (results, "Apple results beat forecasts", a2),
    ]
    assert story_markers(store, "IBM", min_relevance=0.5) == []
    text = render_chart_terminal(store.get_bars("AAPL"), markers, width=80, height=12)
    assert text.split("\n")[-2].count("▲") == 2

    events = story_events(store, ["AAPL", "IBM"])
    assert events == [("AAPL", tablet), ("AAPL", results), ("IBM", merger)]
    assert events_for_articles(store, [a3, a2, a3]) == [("IBM", merger), ("AAPL", results)]
    assert events_for_articles(store, [a1, a2, a3], ticker="ibm") == [("IBM", merger)]
    study = event_study(store_frames(store), events)
    # after the close on 2012-01-24: measured from that day's close
    assert list(study["base_date"].dt.strftime("%Y-%m-%d")) == [
        "2010-04-01",
        "2012-01-24",
        "2012-01-24",
    ]
    aapl = store.get_bars("AAPL", "2012-01-24", "2012-01-25")
    assert study.loc[1, "return_1d"] == pytest.approx(aapl[1].adj_close / aapl[0].adj_close - 1)
    table = summarise(study)
    assert list(table["count"]) == [3, 3, 3]

    counts = ticker_news_counts(store, "AAPL", "2012-01-01", "2012-01-31")
    assert len(counts) == 31 and int(counts.sum()) == 1
    assert counts[pd.Timestamp("2012-01-24")] == 1
