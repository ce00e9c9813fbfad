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
- ``AlertStore``: alerts of saved searches: webhooks, the inbox, the outbox of deliveries,
  stories awaiting annotations, written with the percolator's position (exactly once).
- ``AccountStore``: users, recovery codes, API tokens, login sessions, the login throttle;
  secrets arrive hashed (``broadsheet.accounts``); every write is durable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from broadsheet.models import (
    Annotations,
    Article,
    CueClass,
    PriceBar,
    SaveResult,
    Source,
    SourceKind,
    StoredArticle,
)
from broadsheet.store.types import (
    AccountSession,
    AlertHit,
    AlertStats,
    AlertWebhook,
    ApiToken,
    ArticleVersion,
    Change,
    FiredAlert,
    InboxEntry,
    PendingStory,
    PersonProfile,
    SavedSearch,
    SpeakerQuote,
    TickerArticle,
    User,
    WebhookJob,
)

__all__ = [
    "AccountStore",
    "AlertStore",
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
    def quotes_by_speaker(
        self, name: str, limit: int = 50, cue_classes: Collection[CueClass] | None = None
    ) -> list[SpeakerQuote]:
        """Quotes attributed to ``name``, newest first; only those whose cue is of
        ``cue_classes`` when given (a group's quotes are never a person's)."""

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
class AlertStore(Protocol):
    def saved_search_generation(self) -> int:
        """A number that changes whenever any saved search is added, changed or removed."""

    def add_alert(
        self,
        name: str,
        query: str,
        *,
        owner: str = "local",
        webhook: tuple[str, str] | None = None,
        follower: str | None = None,
    ) -> SavedSearch:
        """A saved search and its webhook ``(url, secret)``, durably; starts ``follower``'s
        position at the log's end when it has none."""

    def alert_webhook(self, search_id: int) -> AlertWebhook | None: ...

    def alert_stats(self, search_ids: Iterable[int]) -> dict[int, AlertStats]: ...

    def record_alerts(
        self,
        follower: str,
        *,
        expect: int,
        position: int,
        hits: Sequence[AlertHit],
        pending: Sequence[PendingStory] = (),
        settled: Sequence[int] = (),
        published: Sequence[int] = (),
    ) -> list[FiredAlert] | None:
        """Matches (grouped by story), outbox rows, awaited stories, the new position and the
        live marks of ``published`` items in one durable transaction; None, writing nothing,
        when the position is not ``expect``."""

    def saved_position(self, follower: str) -> int | None:
        """A store-kept follower's position, or None when it has never saved one."""

    def due_pending(self, now: datetime, *, limit: int = 500) -> list[PendingStory]: ...

    def pending_stories(self, article_ids: Iterable[int]) -> set[int]: ...

    def stored_times(self, article_ids: Iterable[int]) -> dict[int, datetime]:
        """When the current version of each story was stored."""

    def last_alert_item(self) -> int: ...

    def first_undelivered_live(self) -> int | None: ...

    def fired_alerts_after(self, item_id: int, limit: int = 1000) -> list[FiredAlert]:
        """Inbox items created after ``item_id``, oldest first."""

    def mark_live_delivered(self, item_ids: Sequence[int]) -> None: ...

    def next_webhook_due(self) -> datetime | None: ...

    def claim_webhooks(
        self, *, now: datetime, limit: int = 20, lease_seconds: float = 120.0
    ) -> list[WebhookJob]:
        """Due webhook deliveries nobody alive holds, now held by this process."""

    def finish_webhook(
        self,
        outbox_id: int,
        *,
        delivered: bool,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """One attempt made: delivered, or failed (retry at ``retry_at``; None: give up)."""

    def inbox_entries(
        self,
        owner: str,
        *,
        unread: bool = False,
        limit: int = 50,
        before: int | None = None,
        search_id: int | None = None,
    ) -> list[InboxEntry]:
        """``owner``'s inbox items, newest first."""

    def mark_inbox_read(self, owner: str, item_ids: Iterable[int], *, read: bool = True) -> int:
        """Mark ``owner``'s items read or unread (others' ids are ignored); how many changed."""


@runtime_checkable
class AccountStore(Protocol):
    """Users and their credentials. Names are unique without regard to case. Every write
    is on disk when it returns (power loss included)."""

    def add_user(
        self,
        name: str,
        password_hash: str,
        *,
        admin: bool = False,
        totp_secret: str | None = None,
        recovery_hashes: Sequence[str] = (),
        now: datetime,
    ) -> User:
        """A new user; ``AlreadyExistsError`` when the name (in any case) is taken."""

    def find_user(self, name: str) -> User | None:
        """The user of this name, in any case."""

    def get_user(self, user_id: int) -> User:
        """The user, or ``NotFoundError``."""

    def list_users(self) -> list[User]:
        """In id order."""

    def remove_user(self, user_id: int) -> None:
        """The user, their tokens, sessions, recovery codes and saved searches (with their
        alerts and inbox) go; ``NotFoundError`` when there is no such user."""

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def set_second_factor(
        self, user_id: int, totp_secret: str | None, recovery_hashes: Sequence[str]
    ) -> None:
        """A new TOTP key (the last used step forgotten) and a new set of recovery codes."""

    def accept_totp_step(self, user_id: int, step: int) -> bool:
        """Record ``step`` as the last TOTP step used, if it is later than the last one;
        False (nothing written) when it is not: a replayed or older code."""

    def use_recovery_code(self, user_id: int, code_hash: str, *, now: datetime) -> bool:
        """Spend an unused recovery code; False when it is unknown or spent already."""

    def claim_login_attempt(
        self, account: str, *, now: datetime, window: float, limit: int
    ) -> int | None:
        """Count a login attempt on ``account`` as failed until it is forgotten; None
        (nothing written) when ``limit`` are counted within the last ``window`` seconds."""

    def forget_login_attempt(self, attempt_id: int) -> None:
        """The attempt succeeded: it no longer counts."""

    def login_retry_at(
        self, account: str, *, now: datetime, window: float, limit: int
    ) -> datetime | None:
        """When a throttled account may try again (None when it is not throttled)."""

    def add_session(
        self, key_hash: str, public_id: str, user_id: int, *, client: str, now: datetime
    ) -> AccountSession: ...

    def session_by_key(self, key_hash: str) -> AccountSession | None: ...

    def touch_session(self, key_hash: str, *, now: datetime) -> None:
        """Move the session's last-seen time forward to ``now``."""

    def list_sessions(self, user_id: int) -> list[AccountSession]:
        """Oldest first."""

    def end_session(self, user_id: int, public_id: str) -> bool:
        """End one of the user's sessions; False when it has none of that id."""

    def end_session_by_key(self, key_hash: str) -> bool: ...

    def end_user_sessions(self, user_id: int) -> int: ...

    def prune_sessions(self, *, seen_before: datetime, created_before: datetime) -> int:
        """End every session idle since before ``seen_before`` or made before
        ``created_before``; how many."""

    def add_token(
        self, user_id: int, token_hash: str, *, label: str = "", now: datetime
    ) -> ApiToken: ...

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        """The unrevoked token with this hash."""

    def list_tokens(self, user_id: int) -> list[ApiToken]:
        """The user's tokens, revoked ones included, in id order."""

    def revoke_token(self, user_id: int, token_id: int, *, now: datetime) -> ApiToken:
        """Revoke one of the user's tokens (again: no change); ``NotFoundError`` for
        another user's or an unknown token."""

    def touch_token(self, token_id: int, *, now: datetime) -> None: ...


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
    AlertStore,
    AccountStore,
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
