"""The system of record: SQLite in WAL mode, versioned migrations, idempotent saves.

store = open_store("broadsheet.db")
result = store.save_article(article, source_id=src.id, guid=entry.guid)
for change in store.changes_since(index.last_seq): ...
"""

from __future__ import annotations

from broadsheet.store.sqlite import SQLiteStore, open_store, restore_backup
from broadsheet.store.times import article_id_at
from broadsheet.store.types import (
    ArticleVersion,
    Change,
    ChangeOp,
    DatedValue,
    PersonProfile,
    SpeakerQuote,
    TickerArticle,
)

__all__ = [
    "ArticleVersion",
    "Change",
    "ChangeOp",
    "DatedValue",
    "PersonProfile",
    "SQLiteStore",
    "SpeakerQuote",
    "TickerArticle",
    "article_id_at",
    "open_store",
    "restore_backup",
]
