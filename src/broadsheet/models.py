"""Typed domain values shared by every package.

Everything here is a frozen dataclass with slots: values flow through the pipeline and
are never mutated in place. Offsets (``start``/``end``) are Python ``str`` indices into
the article's stored body text (``Article.body``), end exclusive.

This module imports nothing internal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "CUE_CLASSES",
    "READER_CUE_CLASSES",
    "Annotations",
    "Article",
    "CueClass",
    "Document",
    "Entity",
    "EntityType",
    "Fact",
    "FeedEntry",
    "FetchResult",
    "Image",
    "Paragraph",
    "ParagraphKind",
    "ParsedFeed",
    "PriceBar",
    "Quote",
    "QuoteKind",
    "SaveResult",
    "SaveStatus",
    "Security",
    "Source",
    "SourceKind",
    "SpeakerType",
    "StoredArticle",
    "TickerMention",
]

ParagraphKind = Literal["p", "heading", "quote", "list"]
EntityType = Literal["PERSON", "ORG", "PLACE", "PRODUCT", "EVENT", "MISC"]
QuoteKind = Literal["direct", "mixed", "indirect"]
# what a quote's cue reports: words said, words written, a thought or belief, an action
CueClass = Literal["speech", "writing", "thought", "action"]
CUE_CLASSES: tuple[CueClass, ...] = ("speech", "writing", "thought", "action")
READER_CUE_CLASSES: tuple[CueClass, ...] = ("speech", "writing")  # shown unless asked for all
# a quote's speaker: a person, an organisation, or a group named by a common noun
# ("analysts", "American officials")
SpeakerType = Literal["PERSON", "ORG", "PLACE", "PRODUCT", "EVENT", "MISC", "GROUP"]
SourceKind = Literal["feed", "page"]
SaveStatus = Literal["new", "unchanged", "new_version", "duplicate", "deleted"]


# --------------------------------------------------------------------------- fetching


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one HTTP GET made by ``broadsheet.fetch``."""

    url: str  # the URL finally answered (after redirects)
    status: int
    body: bytes  # empty on 304
    headers: dict[str, str]  # lower-cased names
    etag: str | None = None  # exactly as the server sent it
    last_modified: str | None = None  # exactly as the server sent it
    media_type: str | None = None  # "text/html", from Content-Type, without parameters
    charset: str | None = None  # from Content-Type, if any

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Document:
    """Raw bytes of one item to read: a fetched page, a file, a WARC record, a feed entry's page."""

    uri: str  # URL, or file path for local files
    body: bytes
    media_type: str  # "text/html" or "text/plain" (a visible-text page dump)
    fetched_at: datetime
    charset: str | None = None  # declared by the transport, if any
    # hints from a feed entry (used when the page itself lacks them)
    title: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    guid: str | None = None


# --------------------------------------------------------------------------- feeds


@dataclass(frozen=True, slots=True)
class FeedEntry:
    guid: str | None
    link: str | None
    title: str | None
    published_at: datetime | None
    updated_at: datetime | None
    author: str | None
    summary: str | None  # HTML or text as the feed gave it
    content_html: str | None  # full content, when the feed carries it


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None  # the site's home page
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...] = ()  # parser complaints (ill-formed XML, bad encoding...)
    format: str | None = None  # "rss20", "atom10", "json1"...


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Source:
    """A subscription and its polling state."""

    id: int
    url: str
    kind: SourceKind
    title: str | None = None
    paused: bool = False
    etag: str | None = None
    last_modified: str | None = None
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    next_poll_at: datetime | None = None
    added_at: datetime | None = None


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True, slots=True)
class Image:
    url: str | None = None
    title: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    kind: ParagraphKind = "p"


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article as extraction reads it. ``body`` is the text every offset indexes."""

    paragraphs: tuple[Paragraph, ...]
    headline: str | None = None
    byline: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    url: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    images: tuple[Image, ...] = ()

    @property
    def body(self) -> str:
        """Paragraphs (headings included) joined by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def sections(self) -> tuple[str, ...]:
        """Section headings, in order."""
        return tuple(p.text for p in self.paragraphs if p.kind == "heading")


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store holds it (current version)."""

    id: int  # assigned in time order
    version: int
    source_id: int | None
    url: str | None
    canonical_url: str | None
    headline: str | None
    byline: str | None
    published_at: datetime | None
    first_seen_at: datetime
    language: str | None
    body: str
    sections: tuple[str, ...]
    images: tuple[Image, ...]
    story_id: int | None  # near-duplicate cluster
    source_name: str | None = None
    content_hash: str = ""
    enrich_status: str | None = None  # None = not enriched, "ok", or an error message


@dataclass(frozen=True, slots=True)
class SaveResult:
    article_id: int | None
    version: int | None
    status: SaveStatus
    story_id: int | None = None


# --------------------------------------------------------------------------- annotations


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention of a named thing, with its canonical name within the article."""

    start: int
    end: int
    type: EntityType
    name: str  # canonical name ("Kim" -> "Kim Jong Il")
    text: str = ""  # the surface text body[start:end]
    entity_id: str | None = None  # archive-wide id, e.g. "person:kim-jong-il"


@dataclass(frozen=True, slots=True)
class TickerMention:
    start: int
    end: int
    ticker: str
    company: str
    relevance: float  # 0..1 for the article as a whole


@dataclass(frozen=True, slots=True)
class Quote:
    content: tuple[int, int]
    source: tuple[int, int] | None  # speaker mention span
    cue: tuple[int, int] | None  # cue verb span ("said")
    speaker: str | None  # canonical speaker name
    kind: QuoteKind
    speaker_type: SpeakerType | None = None  # PERSON, ORG, or GROUP ("analysts")
    speaker_title: str | None = None  # "analyst", "professor of ..."
    speaker_affiliation: str | None = None  # "Center for Strategic and International Studies"
    cue_class: CueClass = "speech"  # speech, writing, thought (or belief), action


@dataclass(frozen=True, slots=True)
class Fact:
    start: int
    end: int
    value: float | str
    unit: str | None  # "%", "USD", "people"...
    measure: str | None  # "economic growth"
    period: str | None  # "Q1", "last year"
    subject: str | None  # "China"
    text: str = ""  # the number as written ("11.9 percent")
    period_norm: str | None = None  # the period normalised where simple: "Q1", "H1", "FY2024"


@dataclass(frozen=True, slots=True)
class Annotations:
    entities: tuple[Entity, ...] = ()
    tickers: tuple[TickerMention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts: tuple[Fact, ...] = ()
    topics: tuple[str, ...] = ()
    tone: float = 0.0  # -1 (negative) .. 1 (positive)


# --------------------------------------------------------------------------- markets


@dataclass(frozen=True, slots=True)
class Security:
    ticker: str
    name: str
    cik: int | None = None
    exchange: str | None = None
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PriceBar:
    ticker: str
    date: str  # YYYY-MM-DD
    open: float
    high: float
    low: float
    close: float
    volume: float
    adj_close: float
