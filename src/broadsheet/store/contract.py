"""The store contract: one Protocol per role, and ``Store``, the whole backend.

Every backend (SQLite today, PostgreSQL for servers) implements all of them; the
application service, the pipeline, the search followers and the markets code depend on
these Protocols, never on a concrete class. ``tests/contract/`` holds the one contract
suite that every backend must pass (the shape of ``markets.providers.base``: the contract is
written down once and checked against each implementation).

Roles:

- ``SourceStore``: subscriptions and their polling state.
- ``ArticleStore``: articles, their versions, story clusters, tombstones; idempotent saves.
- ``ChangeLog``: the sequence of writes, which is also the event log (``broadsheet.wire``).
- ``AnnotationStore``: entities, tickers, quotes, facts, topics, tone of each article.
- ``PeopleStore``: what the archive says about a person; quotes by speaker; ticker news.
- ``PriceStore``: daily bars.
- ``SavedSearchStore``: saved searches (their owner, query and state).
- ``FollowerStore``: the saved positions of change-log followers that live in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from broadsheet.models import (
    Annotations,
    Article,
    PriceBar,
    SaveResult,
    Source,
    SourceKind,
    StoredArticle,
)
from broadsheet.store.types import (
    ArticleVersion,
    Change,
    PersonProfile,
    SavedSearch,
    SpeakerQuote,
    TickerArticle,
)

__all__ = [
    "AnnotationStore",
    "ArticleStore",
    "ChangeLog",
    "FollowerStore",
    "PeopleStore",
    "PriceStore",
    "SavedSearchStore",
    "SourceStore",
    "Store",
]

DateLike = date | datetime | str | None


@runtime_checkable
class SourceStore(Protocol):
    def add_source(self, url: str, kind: SourceKind, title: str | None = None) -> Source:
        """Subscribe to ``url``; adding a URL twice returns the existing source."""

    def get_source(self, source_id: int) -> Source:
        """The source, or ``NotFoundError``."""

    def find_source(self, url: str) -> Source | None: ...

    def list_sources(self) -> list[Source]:
        """Every source, in id order."""

    def update_source(self, source_id: int, **fields: object) -> Source:
        """Set polling state (any ``Source`` field but ``id`` and ``added_at``)."""

    def remove_source(self, source_id: int) -> None:
        """Unsubscribe; its articles stay."""

    def due_sources(self, now: datetime) -> list[Source]:
        """Unpaused sources whose next poll is unset or at or before ``now``, soonest first."""


@runtime_checkable
class ArticleStore(Protocol):
    def save_article(
        self,
        article: Article,
        *,
        source_id: int | None = None,
        first_seen_at: datetime | None = None,
        guid: str | None = None,
    ) -> SaveResult:
        """Store ``article`` unless it is already held: new, new_version, unchanged, deleted."""

    def delete_article(self, article_id: int) -> None:
        """Delete and leave a tombstone: the same story is never stored again."""

    def get_article(self, article_id: int) -> StoredArticle: ...

    def find_article(self, url: str) -> StoredArticle | None: ...

    def get_articles(self, ids: Iterable[int]) -> list[StoredArticle]:
        """In the order asked; missing ids are skipped."""

    def article_versions(self, article_id: int) -> list[ArticleVersion]:
        """Oldest first; the last is the current text."""

    def count_articles(self) -> int: ...

    def iter_articles(self, batch: int = 1000) -> Iterator[StoredArticle]:
        """Every article in id (first-seen) order."""

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]: ...

    def story_articles(self, story_id: int) -> list[StoredArticle]:
        """The articles of one near-duplicate cluster, first seen first."""

    def seen_guid(self, source_id: int, guid: str) -> bool: ...


@runtime_checkable
class ChangeLog(Protocol):
    def changes_since(self, seq: int, limit: int = 10000) -> list[Change]:
        """Writes after ``seq``, oldest first; ``seq`` only ever grows."""

    def max_seq(self) -> int: ...


@runtime_checkable
class AnnotationStore(Protocol):
    def save_annotations(self, article_id: int, annotations: Annotations) -> None:
        """Replace the article's annotations, all or nothing."""

    def mark_enrich_failed(self, article_id: int, error: str) -> None: ...

    def get_annotations(self, article_id: int) -> Annotations:
        """Exactly as saved (empty when not enriched)."""


@runtime_checkable
class PeopleStore(Protocol):
    def quotes_by_speaker(self, name: str, limit: int = 50) -> list[SpeakerQuote]: ...

    def person_profile(self, name: str) -> PersonProfile | None: ...

    def articles_for_ticker(
        self, ticker: str, start: DateLike = None, end: DateLike = None
    ) -> list[TickerArticle]: ...


@runtime_checkable
class PriceStore(Protocol):
    def save_bars(self, bars: Iterable[PriceBar]) -> int: ...

    def get_bars(self, ticker: str, start: DateLike = None, end: DateLike = None) -> list[PriceBar]:
        """Bars within [start, end] (inclusive), oldest first."""

    def tickers_with_bars(self) -> list[str]: ...


@runtime_checkable
class SavedSearchStore(Protocol):
    def add_saved_search(
        self, name: str, query: str, *, owner: str = "local", active: bool = True
    ) -> SavedSearch:
        """A new saved search; ``StoreError`` when the owner already has one of that name."""

    def get_saved_search(self, search_id: int) -> SavedSearch: ...

    def find_saved_search(self, name: str, *, owner: str = "local") -> SavedSearch | None: ...

    def list_saved_searches(
        self, *, owner: str | None = None, active: bool | None = None
    ) -> list[SavedSearch]:
        """In id order; ``owner=None`` lists everyone's."""

    def update_saved_search(self, search_id: int, **fields: object) -> SavedSearch:
        """Change ``name``, ``query`` or ``active``."""

    def remove_saved_search(self, search_id: int) -> None: ...


@runtime_checkable
class FollowerStore(Protocol):
    def follower_position(self, name: str) -> int:
        """The change-log position a follower has applied up to (0 when new)."""

    def set_follower_position(self, name: str, seq: int) -> None: ...


@runtime_checkable
class Store(
    SourceStore,
    ArticleStore,
    ChangeLog,
    AnnotationStore,
    PeopleStore,
    PriceStore,
    SavedSearchStore,
    FollowerStore,
    Protocol,
):
    """A whole backend: every role, plus its lifecycle and maintenance."""

    @property
    def database(self) -> str:
        """Where it lives: a file path or a URL (passwords never included)."""

    def integrity_check(self) -> list[str]:
        """Problems found; empty when healthy."""

    def backup(self, path: str | Path) -> None: ...

    def close(self) -> None: ...
