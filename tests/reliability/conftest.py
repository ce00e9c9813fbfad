"""Fixtures of the reliability suite: a loopback publisher and a fresh home per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import fresh_database

from .helpers import STORE, Publisher


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    pub = Publisher().start()
    yield pub
    pub.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def scenario_store(request: pytest.FixtureRequest) -> Iterator[str]:
    """Scenarios 14-16 on SQLite, and on PostgreSQL (scenario 19: the same runs, the same
    counts, with ``store.url`` naming a fresh database)."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    with fresh_database("bs_scenario19") as url:
        STORE["url"] = url
        try:
            yield url
        finally:
            STORE["url"] = None
