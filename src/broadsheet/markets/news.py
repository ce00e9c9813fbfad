"""Stories from the store as chart markers, event-study events and news counts.

The store answers ``articles_for_ticker(ticker, start, end)`` with records carrying
``article_id``, ``date`` (``YYYY-MM-DD``: published, else first seen), ``headline`` and
``relevance``; ``get_articles(ids)`` then gives each story's exact time (published, else
first seen), so a story after the close counts from that day's close (see ``events``).
``events_for_articles`` turns search hits (article ids) into events through each
article's ticker annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

import pandas as pd

from ..models import Annotations
from .chart import ChartMarker
from .events import Event, news_counts
from .securities import normalize_ticker

__all__ = [
    "TickerNewsStore",
    "events_for_articles",
    "story_events",
    "story_markers",
    "ticker_news_counts",
]


class TickerArticleLike(Protocol):
    @property
    def article_id(self) -> int: ...

    @property
    def date(self) -> str: ...

    @property
    def headline(self) -> str | None: ...

    @property
    def relevance(self) -> float: ...


class _StoredLike(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def published_at(self) -> datetime | None: ...

    @property
    def first_seen_at(self) -> datetime: ...


class TickerNewsStore(Protocol):
    """What these helpers need of the store."""

    def articles_for_ticker(
        self, ticker: str, start: str | None = None, end: str | None = None
    ) -> Sequence[TickerArticleLike]: ...

    def get_articles(self, ids: list[int]) -> Sequence[_StoredLike]: ...

    def get_annotations(self, article_id: int) -> Annotations: ...


def _times(store: TickerNewsStore, ids: list[int]) -> dict[int, datetime]:
    """Each article's time: published, else first seen."""
    out: dict[int, datetime] = {}
    for i in range(0, len(ids), 500):
        for art in store.get_articles(ids[i : i + 500]):
            out[art.id] = art.published_at or art.first_seen_at
    return out


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
    found = [
        a
        for a in store.articles_for_ticker(normalize_ticker(ticker), _day(start), _day(end))
        if a.relevance >= min_relevance
    ]
    times = _times(store, [a.article_id for a in found])
    return [
        ChartMarker(
            at=times.get(a.article_id) or date.fromisoformat(a.date),
            label=a.headline or "",
            article_id=a.article_id,
        )
        for a in found
    ]


def story_events(
    store: TickerNewsStore,
    tickers: Iterable[str],
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    min_relevance: float = 0.0,
) -> list[Event]:
    """``(ticker, time)`` events for ``event_study``: one per story and ticker."""
    events: list[Event] = []
    for ticker in tickers:
        t = normalize_ticker(ticker)
        found = [
            a
            for a in store.articles_for_ticker(t, _day(start), _day(end))
            if a.relevance >= min_relevance
        ]
        times = _times(store, [a.article_id for a in found])
        events.extend((t, times.get(a.article_id) or date.fromisoformat(a.date)) for a in found)
    return events


def events_for_articles(
    store: TickerNewsStore,
    article_ids: Iterable[int],
    *,
    ticker: str | None = None,
    min_relevance: float = 0.0,
) -> list[Event]:
    """Events for a set of stories (search hits): one per story and ticker it is tagged
    with (only ``ticker`` when given), at the story's time."""
    ids = list(dict.fromkeys(article_ids))
    times = _times(store, ids)
    want = normalize_ticker(ticker) if ticker else None
    events: list[Event] = []
    for article_id in ids:
        when = times.get(article_id)
        if when is None:
            continue
        tagged = {
            m.ticker.upper()
            for m in store.get_annotations(article_id).tickers
            if m.relevance >= min_relevance
        }
        for t in sorted(tagged):
            if want is None or t == want:
                events.append((t, when))
    return events


def ticker_news_counts(
    store: TickerNewsStore,
    ticker: str,
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    freq: str = "D",
) -> pd.Series:
    """Stories per day (or ``freq``) tagged with ``ticker``, zeros included; days are the
    store's (published, else first seen)."""
    days = [
        date.fromisoformat(a.date)
        for a in store.articles_for_ticker(normalize_ticker(ticker), _day(start), _day(end))
    ]
    return news_counts(days, freq=freq, start=_day(start), end=_day(end))
