"""Stories from the store as chart markers, event-study events and news counts.

The store answers ``articles_for_ticker(ticker, start, end)`` with records carrying
``article_id``, ``date`` (``YYYY-MM-DD``: published, else first seen), ``headline`` and
``relevance``. Only the day is known, so a story counts from the close of the session
before its day (see ``events``): a story published after the close is measured one
session early.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

import pandas as pd

from .chart import ChartMarker
from .events import Event, news_counts
from .securities import normalize_ticker

__all__ = ["TickerNewsStore", "story_events", "story_markers", "ticker_news_counts"]


class TickerArticleLike(Protocol):
    @property
    def article_id(self) -> int: ...

    @property
    def date(self) -> str: ...

    @property
    def headline(self) -> str | None: ...

    @property
    def relevance(self) -> float: ...


class TickerNewsStore(Protocol):
    """What these helpers need of the store."""

    def articles_for_ticker(
        self, ticker: str, start: str | None = None, end: str | None = None
    ) -> Sequence[TickerArticleLike]: ...


def _day(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def story_markers(
    store: TickerNewsStore,
    ticker: str,
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    min_relevance: float = 0.0,
) -> list[ChartMarker]:
    """The stories tagged with ``ticker`` as chart markers, oldest first."""
    return [
        ChartMarker(at=date.fromisoformat(a.date), label=a.headline or "", article_id=a.article_id)
        for a in store.articles_for_ticker(normalize_ticker(ticker), _day(start), _day(end))
        if a.relevance >= min_relevance
    ]


def story_events(
    store: TickerNewsStore,
    tickers: Iterable[str],
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    min_relevance: float = 0.0,
) -> list[Event]:
    """``(ticker, day)`` events for ``event_study``: one per story and ticker."""
    events: list[Event] = []
    for ticker in tickers:
        t = normalize_ticker(ticker)
        events.extend(
            (t, date.fromisoformat(a.date))
            for a in store.articles_for_ticker(t, _day(start), _day(end))
            if a.relevance >= min_relevance
        )
    return events


def ticker_news_counts(
    store: TickerNewsStore,
    ticker: str,
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    freq: str = "D",
) -> pd.Series:
    """Stories per day (or ``freq``) tagged with ``ticker``, zeros included."""
    days = [
        date.fromisoformat(a.date)
        for a in store.articles_for_ticker(normalize_ticker(ticker), _day(start), _day(end))
    ]
    return news_counts(days, freq=freq, start=_day(start), end=_day(end))
