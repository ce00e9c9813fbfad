"""Typed views: what the application service returns, each with its one JSON form.

The command line, the Python API, the terminal, the web app and the REST API all show these
and serialise them with ``to_json``; ``annotations_json`` is the one conversion of an
article's annotations (``analyze``, ``read --format json``, ``export``, the API).
Text from outside stays text here: views carry strings, interfaces decide how to show them.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from ..models import (
    Annotations,
    PriceBar,
    Security,
    Source,
    StoredArticle,
)
from ..search import Hit, plain_snippet
from ..store import ArticleVersion, PersonProfile, SavedSearch, SpeakerQuote
from .annotations import annotation_json, annotations_json

__all__ = [
    "ArticleView",
    "ChartView",
    "CompanyNews",
    "CompanyView",
    "EventStudyView",
    "PersonView",
    "PriceSeries",
    "QuoteView",
    "SavedSearchView",
    "SearchPage",
    "SourceView",
    "StoreCopyView",
    "StoryCluster",
    "StoryHit",
    "VersionView",
    "annotation_json",
    "annotations_json",
    "article_record",
    "decode_cursor",
    "encode_cursor",
    "iso",
]


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_record(art: StoredArticle, annotations: Annotations | None = None) -> dict[str, Any]:
    """A flat record of one stored article (export rows; the head of ``ArticleView``)."""
    rec: dict[str, Any] = {
        "id": art.id,
        "version": art.version,
        "headline": art.headline,
        "byline": art.byline,
        "source": art.source_name,
        "source_id": art.source_id,
        "url": art.canonical_url or art.url,
        "published_at": iso(art.published_at),
        "first_seen_at": iso(art.first_seen_at),
        "language": art.language,
        "story_id": art.story_id,
        "sections": list(art.sections),
        "body": art.body,
        "enrich_status": art.enrich_status,
    }
    if annotations is not None:
        rec["people"] = sorted({e.name for e in annotations.entities if e.type == "PERSON"})
        rec["organizations"] = sorted({e.name for e in annotations.entities if e.type == "ORG"})
        rec["places"] = sorted({e.name for e in annotations.entities if e.type == "PLACE"})
        rec["tickers"] = sorted({t.ticker for t in annotations.tickers})
        rec["topics"] = list(annotations.topics)
        rec["tone"] = annotations.tone
    return rec


# --------------------------------------------------------------------------- cursors


def encode_cursor(offset: int) -> str:
    """An opaque cursor for the next page."""
    raw = json.dumps({"o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for; ``ValueError`` for a cursor this service never made."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("not a cursor this server gave out") from exc
    if offset < 0:
        raise ValueError("not a cursor this server gave out")
    return offset


# --------------------------------------------------------------------------- news


@dataclass(frozen=True, slots=True)
class StoryHit:
    """One article in a list of results."""

    id: int
    score: float
    headline: str | None
    source: str | None
    published_at: datetime | None
    first_seen_at: datetime | None
    snippet: str  # matched words between broadsheet.search.HIGHLIGHT_START and _END
    story_id: int | None = None

    @classmethod
    def from_hit(cls, hit: Hit) -> StoryHit:
        return cls(
            hit.article_id,
            hit.score,
            hit.headline,
            hit.source,
            hit.published_at,
            hit.first_seen_at,
            hit.snippet,
            hit.story_id,
        )

    @property
    def when(self) -> datetime | None:
        return self.published_at or self.first_seen_at

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "headline": self.headline,
            "source": self.source,
            "published_at": iso(self.published_at),
            "first_seen_at": iso(self.first_seen_at),
            "snippet": plain_snippet(self.snippet),
            "story_id": self.story_id,
        }


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of search results; ``next_cursor`` is None on the last page. ``total_exact``
    is False when the backend stopped counting at ``total`` (there are at least that many)."""

    query: str
    total: int
    hits: list[StoryHit]
    next_cursor: str | None = None
    total_exact: bool = True

    @property
    def total_text(self) -> str:
        """ "1,234" or, for a capped count, "more than 1,000"."""
        return f"{self.total:,}" if self.total_exact else f"more than {self.total:,}"

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "total_exact": self.total_exact,
            "items": [h.to_json() for h in self.hits],
            "next_cursor": self.next_cursor,
        }


@dataclass(frozen=True, slots=True)
class StoryCluster:
    """One story as several outlets carry it: the newest report leads."""

    story_id: int
    lead: StoryHit
    articles: list[StoryHit]  # every report found, newest first (the lead included)

    @property
    def sources(self) -> list[str]:
        return sorted({a.source for a in self.articles if a.source})

    def to_json(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "headline": self.lead.headline,
            "published_at": iso(self.lead.when),
            "sources": self.sources,
            "source_count": len(self.sources) or 1,
            "lead": self.lead.to_json(),
            "articles": [a.to_json() for a in self.articles],
        }


@dataclass(frozen=True, slots=True)
class VersionView:
    version: int
    saved_at: datetime
    headline: str | None
    content_hash: str

    @classmethod
    def from_version(cls, v: ArticleVersion) -> VersionView:
        return cls(v.version, v.saved_at, v.headline, v.content_hash)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "saved_at": iso(self.saved_at),
            "headline": self.headline,
            "content_hash": self.content_hash,
        }


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A story read like an analyst: the article, its annotations with the sentence behind
    each, its earlier versions and the other outlets' reports of the same story."""

    article: StoredArticle
    annotations: Annotations
    versions: list[VersionView]
    others: list[StoryHit]  # the same story from other sources, first seen first

    def to_json(self) -> dict[str, Any]:
        """The article with its annotations at the top level (as ``analyze`` gives them),
        its versions and the same story from other sources."""
        rec = article_record(self.article)
        rec["images"] = [
            {"url": i.url, "title": i.title, "caption": i.caption, "credit": i.credit}
            for i in self.article.images
        ]
        rec.update(annotations_json(self.annotations, self.article.body))
        rec["versions"] = [v.to_json() for v in self.versions]
        rec["same_story"] = [o.to_json() for o in self.others]
        return rec

    def to_row(self) -> dict[str, Any]:
        """A flat row for tables (CSV, Parquet): who, what and where as lists of names."""
        return article_record(self.article, self.annotations)


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote in a story, with the sentence that says who said it."""

    article_id: int
    headline: str | None
    date: str | None
    speaker: str | None
    kind: str
    text: str
    sentence: str
    speaker_title: str | None = None
    speaker_affiliation: str | None = None
    cue_class: str = "speech"  # what the cue reports: speech, writing, thought, action
    speaker_type: str | None = None  # PERSON, ORG, or GROUP ("analysts", "officials")

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class PersonView:
    profile: PersonProfile
    quotes: list[SpeakerQuote]

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self.profile)
        data["quotes"] = [asdict(q) for q in self.quotes]
        return data


@dataclass(frozen=True, slots=True)
class SourceView:
    source: Source

    def to_json(self) -> dict[str, Any]:
        s = self.source
        data = {f.name: getattr(s, f.name) for f in fields(s)}
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class StoreCopyView:
    """An archive copied to another store (``migrate-store``): rows per table, both sides."""

    source: str
    target: str
    replaced: bool  # the target held an earlier copy of this archive, now replaced
    counts: dict[str, tuple[int, int]]  # table -> (source rows, target rows)

    @property
    def articles(self) -> int:
        return self.counts.get("articles", (0, 0))[1]

    @property
    def rows(self) -> int:
        return sum(target for _, target in self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "replaced": self.replaced,
            "articles": self.articles,
            "rows": self.rows,
            "tables": {
                name: {"source": src, "target": dst} for name, (src, dst) in self.counts.items()
            },
        }


@dataclass(frozen=True, slots=True)
class SavedSearchView:
    search: SavedSearch

    def to_json(self) -> dict[str, Any]:
        s = self.search
        return {
            "id": s.id,
            "owner": s.owner,
            "name": s.name,
            "query": s.query,
            "active": s.active,
            "created_at": iso(s.created_at),
        }


# --------------------------------------------------------------------------- markets


def _bar_json(b: PriceBar) -> dict[str, Any]:
    return {
        "ticker": b.ticker,
        "date": b.date,
        "open": b.open,
        "high": b.high,
        "low": b.low,
        "close": b.close,
        "volume": b.volume,
        "adj_close": b.adj_close,
    }


@dataclass(frozen=True, slots=True)
class PriceSeries:
    ticker: str  # the ticker the bars are kept under
    bars: list[PriceBar]

    def to_json(self) -> dict[str, Any]:
        return {"ticker": self.ticker, "bars": [_bar_json(b) for b in self.bars]}


@dataclass(frozen=True, slots=True)
class CompanyNews:
    article_id: int
    date: str
    headline: str | None
    relevance: float

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class CompanyView:
    """A company: who it is, its latest price, its news (``DES``, ``CN``)."""

    security: Security
    ticker: str  # the ticker its prices are kept under (may differ: GOOG -> GOOGL)
    tickers: list[str]  # every ticker its stories may be tagged with
    last: PriceBar | None
    previous: PriceBar | None
    first_date: str | None
    news: list[CompanyNews]
    people: list[tuple[str, int]] = field(default_factory=list)  # quoted or named, with counts

    @property
    def change(self) -> float | None:
        """The last session's move, as a fraction."""
        if self.last is None or self.previous is None or not self.previous.close:
            return None
        return self.last.close / self.previous.close - 1

    def to_json(self) -> dict[str, Any]:
        s = self.security
        return {
            "ticker": s.ticker,
            "name": s.name,
            "cik": s.cik,
            "exchange": s.exchange,
            "aliases": list(s.aliases),
            "price_ticker": self.ticker,
            "tickers": self.tickers,
            "last": _bar_json(self.last) if self.last else None,
            "change": self.change,
            "history_from": self.first_date,
            "news": [n.to_json() for n in self.news],
            "people": [{"name": n, "stories": c} for n, c in self.people],
        }


@dataclass(frozen=True, slots=True)
class ChartView:
    """Prices with the stories tagged to the company as markers."""

    ticker: str
    bars: list[PriceBar]
    markers: list[Any]  # broadsheet.markets.ChartMarker, oldest first

    @property
    def title(self) -> str:
        return f"{self.ticker}: adjusted close, {len(self.markers)} stories marked"

    def to_json(self) -> dict[str, Any]:
        return {
            "ticker": self.ticker,
            "title": self.title,
            "bars": [_bar_json(b) for b in self.bars],
            "markers": [
                {"at": str(m.at), "article_id": m.article_id, "headline": m.label}
                for m in self.markers
            ],
        }


@dataclass(frozen=True, slots=True)
class EventStudyView:
    """How prices moved after the stories matching a query, against the market."""

    query: str
    articles: int  # search hits
    events: int  # story-ticker events studied
    summary: Any  # pandas DataFrame indexed by horizon (see markets.summarise)
    study: Any  # pandas DataFrame, one row per event and horizon

    def to_json(self) -> dict[str, Any]:
        records = self.summary.reset_index().to_dict(orient="records")
        clean = [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
            for r in records
        ]
        return {
            "query": self.query,
            "articles": self.articles,
            "events": self.events,
            "summary": clean,
        }
