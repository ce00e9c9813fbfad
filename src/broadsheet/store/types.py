"""Value types returned by the store (beyond the shared ones in ``broadsheet.models``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from broadsheet.models import QuoteKind

__all__ = [
    "ArticleVersion",
    "Change",
    "ChangeKind",
    "ChangeOp",
    "DatedValue",
    "PersonProfile",
    "SavedSearch",
    "SpeakerQuote",
    "TickerArticle",
]

# what a change does to the set of searchable articles: upsert or delete one, or nothing
# ("note": an event about a source, not an article)
ChangeOp = Literal["upsert", "delete", "note"]
# what happened: an article first stored, a new version of it, its annotations saved, its
# story cluster renamed, its deletion; a source failing, or answering again after failures
ChangeKind = Literal[
    "stored", "updated", "annotated", "story", "deleted", "source_failed", "source_recovered"
]


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the store's write log, which is also its event log (``broadsheet.wire``):
    ``seq`` only ever grows. ``article_id`` is None for an event about a source."""

    seq: int
    article_id: int | None
    op: ChangeOp
    kind: ChangeKind = "stored"
    source_id: int | None = None
    at: datetime | None = None  # when the write was made (None for logs older than kinds)
    detail: str | None = None  # e.g. a source's error


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """One version of an article's text (1 = as first seen)."""

    article_id: int
    version: int
    saved_at: datetime  # when this version was stored
    headline: str | None
    byline: str | None
    published_at: datetime | None
    url: str | None
    canonical_url: str | None
    body: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class TickerArticle:
    """An article that mentions a ticker; ``date`` is YYYY-MM-DD (published, else first seen)."""

    article_id: int
    date: str
    headline: str | None
    relevance: float


@dataclass(frozen=True, slots=True)
class SpeakerQuote:
    """A quote attributed to a speaker, with the quoted text cut from the stored body."""

    article_id: int
    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None
    title: str | None
    affiliation: str | None
    date: str  # YYYY-MM-DD of the article


@dataclass(frozen=True, slots=True)
class DatedValue:
    """A value (a title, an affiliation) seen across the archive, with when it was seen."""

    value: str
    first_seen: str  # YYYY-MM-DD
    last_seen: str  # YYYY-MM-DD
    count: int


@dataclass(frozen=True, slots=True)
class PersonProfile:
    """What the archive knows about one person."""

    name: str
    entity_id: str | None
    aliases: tuple[str, ...]  # surface forms and names seen, most frequent first
    titles: tuple[DatedValue, ...]
    affiliations: tuple[DatedValue, ...]
    article_count: int
    quotes: tuple[SpeakerQuote, ...]  # newest first
    co_occurring: tuple[tuple[str, int], ...]  # (person, articles in common), most first


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query in the query language kept under a name, matched against every new story."""

    id: int
    owner: str  # the user it belongs to ("local": the user of this machine's command line)
    name: str
    query: str
    active: bool
    created_at: datetime
