"""The system of record: one contract (``store.contract``), a backend per engine.

    store = open_store("broadsheet.db")            # SQLite (WAL), the default
    result = store.save_article(article, source_id=src.id, guid=entry.guid)
    for change in store.changes_since(position): ...

``open_store`` is the one factory: a file path (or ``:memory:``) opens SQLite; a
``postgresql://`` URL opens the PostgreSQL backend when it is installed.
"""

from __future__ import annotations

import importlib

from broadsheet.errors import ConfigError as _ConfigError
from broadsheet.store.contract import (
    AccountStore,
    AlertStore,
    AnnotationStore,
    ArticleStore,
    ChangeLog,
    FollowerStore,
    PeopleStore,
    PriceStore,
    SavedSearchStore,
    SourceStore,
    Store,
)
from broadsheet.store.sqlite import SQLiteStore, restore_backup
from broadsheet.store.sqlite import open_sqlite as _open_sqlite
from broadsheet.store.times import article_id_at
from broadsheet.store.types import (
    AccountSession,
    AlertHit,
    AlertReport,
    AlertStats,
    AlertWebhook,
    ApiToken,
    ArticleVersion,
    Change,
    ChangeKind,
    ChangeOp,
    DatedValue,
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
    "AccountSession",
    "AccountStore",
    "AlertHit",
    "AlertReport",
    "AlertStats",
    "AlertStore",
    "AlertWebhook",
    "AnnotationStore",
    "ApiToken",
    "ArticleStore",
    "ArticleVersion",
    "Change",
    "ChangeKind",
    "ChangeLog",
    "ChangeOp",
    "DatedValue",
    "FiredAlert",
    "FollowerStore",
    "InboxEntry",
    "PendingStory",
    "PeopleStore",
    "PersonProfile",
    "PriceStore",
    "SQLiteStore",
    "SavedSearch",
    "SavedSearchStore",
    "SourceStore",
    "SpeakerQuote",
    "Store",
    "TickerArticle",
    "User",
    "WebhookJob",
    "article_id_at",
    "is_server_url",
    "open_store",
    "restore_backup",
]

_SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(location: str) -> bool:
    """Whether ``location`` names a database server rather than a SQLite file."""
    return location.startswith(_SERVER_SCHEMES)


def open_store(location: str) -> Store:
    """Open (creating and migrating if needed) the store at ``location``: a SQLite file,
    ``:memory:``, or a ``postgresql://`` URL."""
    if is_server_url(location):
        try:
            backend = importlib.import_module("broadsheet.store.postgres")
        except ImportError as exc:
            raise _ConfigError(
                "store.url names PostgreSQL, but this installation has no PostgreSQL backend "
                f"({exc}); use a SQLite file path"
            ) from exc
        opened: Store = backend.open_postgres(location)
        return opened
    return _open_sqlite(location)
