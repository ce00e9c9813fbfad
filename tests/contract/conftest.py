"""The backend contract suite: the same tests against every store and search backend.

A backend joins by adding its name to ``STORE_BACKENDS`` / ``SEARCH_BACKENDS`` and a branch
to the factories below; each test gets a fresh, empty backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from broadsheet.config import Settings
from broadsheet.search import SearchBackend, open_search
from broadsheet.store import Store, open_store
from tests.pg import fresh_database

STORE_BACKENDS = ["sqlite", "postgres"]
SEARCH_BACKENDS = ["tantivy", "postgres"]


def make_store(backend: str, tmp_path: Path, resources: ExitStack) -> Store:
    """A fresh, empty store; ``resources`` cleans up after it (a PostgreSQL database is
    dropped)."""
    if backend == "sqlite":
        return open_store(str(tmp_path / "contract.db"))
    if backend == "postgres":
        return open_store(resources.enter_context(fresh_database("bs_contract")))
    raise AssertionError(f"no factory for store backend {backend}")


def make_search(backend: str, tmp_path: Path, store: Store) -> SearchBackend:
    """A search backend over ``store``. PostgreSQL search lives in the store's database, so
    over a SQLite store it gets a database of its own: each is checked over both stores."""
    if backend == "tantivy":
        settings = Settings(home=tmp_path)
        return open_search(settings)
    if backend == "postgres":
        from broadsheet.search.postgres import PostgresSearch

        url = getattr(store, "url", None)
        if url is None:
            url = _search_databases.enter_context(fresh_database("bs_search"))
        return PostgresSearch(url)
    raise AssertionError(f"no factory for search backend {backend}")


_search_databases = ExitStack()


@pytest.fixture(params=STORE_BACKENDS)
def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with ExitStack() as resources:
        store = make_store(request.param, tmp_path, resources)
        resources.callback(store.close)
        yield store
        assert store.integrity_check() == []


@pytest.fixture(params=SEARCH_BACKENDS)
def search_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[Store], SearchBackend]]:
    opened: list[SearchBackend] = []

    def build(store: Store) -> SearchBackend:
        backend = make_search(request.param, tmp_path, store)
        opened.append(backend)
        return backend

    yield build
    for backend in opened:
        backend.close()
    _search_databases.close()
