"""Markets beside the news: prices, the chart with news markers, the company, event studies,
importing and checking prices. Which tickers mean one company is data (``aliases.json``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import MarketDataError, NotFoundError
from .news import NewsTasks
from .views import ChartView, CompanyNews, CompanyView, EventStudyView, PriceSeries

__all__ = ["MarketTasks"]

DateLike = date | datetime | str | None


def _day(value: DateLike) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


class MarketTasks(NewsTasks):
    def ensure_prices(self) -> int:
        """Load the bundled daily history the first time prices are needed; returns the bars
        written (0 when the store already has prices)."""
        if self._prices_checked:
            return 0
        from ..markets import load_bundled_prices

        written = 0 if self.store.tickers_with_bars() else load_bundled_prices(self.store)
        self._prices_checked = True
        return written

    def price_ticker(self, text: str) -> str:
        """The ticker whose bars the store keeps for ``text``: a ticker, a former ticker, a
        share class, an alias or a company name."""
        from ..markets.securities import company_tickers, normalize_ticker

        self.ensure_prices()
        have = set(self.store.tickers_with_bars())
        candidates = [normalize_ticker(text)]
        security = self.securities.lookup(text)
        if security is not None:
            candidates.append(security.ticker)
        for ticker in list(candidates):
            candidates += company_tickers(ticker)
        for ticker in candidates:
            if ticker in have:
                return ticker
        known = ", ".join(sorted(have)) or "none yet (import-prices FILE)"
        raise NotFoundError(f"no prices for {text!r}; tickers with prices: {known}")

    def prices(self, ticker: str, start: DateLike = None, end: DateLike = None) -> PriceSeries:
        """Daily bars: date, open, high, low, close, volume, adjusted close."""
        symbol = self.price_ticker(ticker)
        return PriceSeries(symbol, self.store.get_bars(symbol, _day(start), _day(end)))

    def chart(self, ticker: str, start: DateLike = None, end: DateLike = None) -> ChartView:
        """Prices with the stories tagged to the company (under any of its tickers)."""
        series = self.prices(ticker, start, end)
        if not series.bars:
            raise MarketDataError(f"no {series.ticker} prices in that period")
        markers = self.news_markers(series.ticker, series.bars[0].date, series.bars[-1].date)
        return ChartView(series.ticker, series.bars, markers)

    def news_markers(self, ticker: str, start: DateLike, end: DateLike) -> list[Any]:
        """Stories tagged to the company, as chart markers at their exact times."""
        from ..markets.news import story_markers
        from ..markets.securities import company_tickers

        seen: dict[int | None, Any] = {}
        for name in company_tickers(ticker):
            for marker in story_markers(self.store, name, _day(start), _day(end)):
                seen.setdefault(marker.article_id, marker)
        return sorted(seen.values(), key=lambda m: str(m.at))

    def company(self, text: str, *, news: int = 10) -> CompanyView:
        """A company (``DES``/``CN``): who it is, its latest price, its recent news and the
        people its stories name most."""
        from ..markets.securities import company_tickers

        security = self.securities.lookup(text)
        if security is None:
            raise NotFoundError(f"no listed company matches {text!r}")
        try:
            symbol = self.price_ticker(security.ticker)
            bars = self.store.get_bars(symbol)
        except NotFoundError:
            symbol, bars = security.ticker, []
        tickers = company_tickers(security.ticker)
        rows = [r for t in tickers for r in self.store.articles_for_ticker(t, None, None)]
        unique = {r.article_id: r for r in rows}
        ordered = sorted(unique.values(), key=lambda r: (r.date, r.article_id), reverse=True)
        people: Counter[str] = Counter()
        for r in ordered[:50]:
            names = {
                e.name
                for e in self.store.get_annotations(r.article_id).entities
                if e.type == "PERSON"
            }
            people.update(names)
        return CompanyView(
            security=security,
            ticker=symbol,
            tickers=tickers,
            last=bars[-1] if bars else None,
            previous=bars[-2] if len(bars) > 1 else None,
            first_date=bars[0].date if bars else None,
            news=[
                CompanyNews(r.article_id, r.date, r.headline, r.relevance) for r in ordered[:news]
            ],
            people=people.most_common(10),
        )

    def event_study(
        self,
        query: str,
        *,
        horizons: Sequence[int] = (1, 5, 20),
        market: str | None = None,
    ) -> EventStudyView:
        """How prices moved after the stories matching ``query``, against the market: one
        event per story (however many outlets carried it) and ticker it is tagged to."""
        from ..markets import event_study as run_study
        from ..markets import store_frames, summarise
        from ..markets.news import events_for_articles
        from ..markets.securities import company_tickers

        self.ensure_prices()
        hits = self.search(query, limit=10_000).hits
        have = set(self.store.tickers_with_bars())
        first_of_story: dict[Any, int] = {}
        for art in sorted(self.store.get_articles([h.id for h in hits]), key=lambda a: a.id):
            day = (art.published_at or art.first_seen_at).date()
            first_of_story.setdefault((art.story_id or art.id, day), art.id)
        events: list[tuple[str, Any]] = []
        for ticker, when in events_for_articles(self.store, list(first_of_story.values())):
            symbol = next((n for n in company_tickers(ticker) if n in have), None)
            if symbol:
                events.append((symbol, when))
        if not events:
            raise NotFoundError(f"no stories matching {query!r} are tagged to a ticker with prices")
        frames = store_frames(self.store)
        market_series = frames[self.price_ticker(market)] if market else None
        study = run_study(frames, events, horizons=list(horizons), market=market_series)
        return EventStudyView(query, len(hits), len(events), summarise(study), study)

    def import_prices(self, path: Path, *, ticker: str | None = None) -> int:
        """Daily prices from CSV or Parquet; re-importing updates, never duplicates."""
        from ..markets import import_prices

        self._prices_checked = True  # an archive with its own prices needs no bundled ones
        return import_prices(self.store, path, ticker=ticker)

    def check_prices(self, ticker: str | None = None) -> list[Any]:
        """Splits, dividends, 100x unit errors, gaps and duplicate days (never rewrites)."""
        from ..markets import check_bars

        self.ensure_prices()
        tickers = [self.price_ticker(ticker)] if ticker else self.store.tickers_with_bars()
        return [issue for t in tickers for issue in check_bars(self.store.get_bars(t))]
