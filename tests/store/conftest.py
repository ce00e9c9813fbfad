"""The store tests run on every backend: SQLite (a file) and PostgreSQL (a fresh database,
dropped afterwards; skipped when no server is reachable, and failed then in CI: tests/pg.py).
Tests of SQLite's own machinery (its files, migrations, backups) open SQLite directly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.store import SQLiteStore, open_store
from tests.pg import fresh_database

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a fresh store lives: a SQLite file path or a postgresql:// URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "broadsheet.db")
    else:
        with fresh_database("bs_store") as url:
            yield url


@pytest.fixture
def store(store_location: str) -> Iterator[SQLiteStore]:
    s = open_store(store_location)
    yield s  # type: ignore[misc]
    assert s.integrity_check() == []
    s.close()
