"""The search contract, backend-neutral: hits, results, and what a search backend does.

Backends: ``index.SearchIndex`` (tantivy, embedded, the default) and a server engine behind
the same Protocol (PostgreSQL full text) for deployments that outgrow one machine. The
factory ``broadsheet.search.open_search`` picks one from settings. ``tests/contract/`` holds
the suite every backend passes.

Snippets: ``Hit.snippet`` is a fragment of the body around the best match, each matched word
wrapped in ``HIGHLIGHT_START`` ("\\x02") and ``HIGHLIGHT_END`` ("\\x03"); those two control
characters never occur in indexed text otherwise (they are removed from it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from ..models import Annotations, StoredArticle
from .query import Query

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "ChangeLike",
    "Hit",
    "IndexedStore",
    "SearchBackend",
    "SearchResults",
    "SortOrder",
    "changed_articles",
    "plain_snippet",
]

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"

SortOrder = Literal["relevance", "newest"]


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    score: float  # relevance (0.0 when sorted by date)
    headline: str | None
    source: str | None
    published_at: datetime | None
    first_seen_at: datetime | None
    snippet: str  # body fragment; matched words between HIGHLIGHT_START and HIGHLIGHT_END
    story_id: int | None = None  # the near-duplicate cluster the article belongs to


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int  # every matching article, not just this page
    hits: list[Hit]
    # False: there are more than ``total`` matches (a backend that counts matches only up to
    # a cap: PostgreSQL past ``search.postgres.sql.COUNT_CAP``; say "more than N")
    total_exact: bool = True


def plain_snippet(snippet: str) -> str:
    """A snippet without its highlight marks."""
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


class ChangeLike(Protocol):
    @property
    def seq(self) -> int: ...
    @property
    def article_id(self) -> int | None: ...
    @property
    def op(self) -> str: ...


class IndexedStore(Protocol):
    """The part of the store (``broadsheet.store.contract``) a search backend reads."""

    def changes_since(self, seq: int, limit: int = ...) -> Sequence[ChangeLike]: ...
    def get_articles(self, ids: Sequence[int]) -> Sequence[StoredArticle]: ...
    def get_annotations(self, article_id: int) -> Annotations: ...
    def iter_articles(self, batch: int = ...) -> Iterator[StoredArticle]: ...
    def count_articles(self) -> int: ...
    def max_seq(self) -> int: ...


@runtime_checkable
class SearchBackend(Protocol):
    """A full-text index derived from the store, following its change log."""

    @property
    def last_seq(self) -> int:
        """The change-log position this index has applied up to (as last read)."""

    def refresh(self) -> int:
        """See what other processes have committed since; returns ``last_seq``."""

    def search(
        self,
        query: str | Query,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: SortOrder = "relevance",
        now: datetime | None = None,
    ) -> SearchResults:
        """Run a query; ``QuerySyntaxError`` for a malformed string."""

    def count(self) -> int:
        """Articles searchable now."""

    def catch_up(self, store: IndexedStore, *, batch: int = 1000) -> int:
        """Apply the store's changes after ``last_seq``; ``IndexBusyError`` when another
        process holds the right to write this index."""

    def rebuild(
        self, store: IndexedStore, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Re-index every article from scratch; returns how many were indexed."""

    def release(self) -> None:
        """Give up the right to write (others may then catch the index up); reading goes on."""

    def close(self) -> None: ...


def changed_articles(
    store: IndexedStore, changes: Sequence[ChangeLike]
) -> tuple[list[StoredArticle], list[int]]:
    """What a batch of change-log rows asks of an index: the articles to (re)index as they
    are now, and the ids to remove (deleted, or gone since the change was logged). Every
    search backend's ``catch_up`` applies a batch this one way."""
    latest: dict[int, str] = {}
    for change in changes:
        if change.op != "note" and change.article_id is not None:
            latest[change.article_id] = change.op
    upserts = [aid for aid, op in latest.items() if op != "delete"]
    articles = list(store.get_articles(upserts)) if upserts else []
    found = {a.id for a in articles}
    gone = [aid for aid, op in latest.items() if op == "delete" or aid not in found]
    return articles, gone
