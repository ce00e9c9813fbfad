"""The store on SQLite (WAL): the default backend, one file per archive."""

from __future__ import annotations

from broadsheet.store.sqlite.connection import restore_backup
from broadsheet.store.sqlite.store import SQLiteStore, open_sqlite

__all__ = ["SQLiteStore", "open_sqlite", "restore_backup"]
