"""The backend contract suite: the same tests against every store and search backend.

A backend joins by adding its name to ``STORE_BACKENDS`` / ``SEARCH_BACKENDS`` and a branch
to the factories below; each test gets a fresh, empty backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from broadsheet.config import Settings
from broadsheet.search import SearchBackend, open_search
from broadsheet.store import Store, open_store

STORE_BACKENDS = ["sqlite"]
SEARCH_BACKENDS = ["tantivy"]


def make_store(backend: str, tmp_path: Path) -> Store:
    if backend == "sqlite":
        return open_store(str(tmp_path / "contract.db"))
    raise AssertionError(f"no factory for store backend {backend}")


def make_search(backend: str, tmp_path: Path, store: Store) -> SearchBackend:
    if backend == "tantivy":
        settings = Settings(home=tmp_path)
        return open_search(settings)
    raise AssertionError(f"no factory for search backend {backend}")


@pytest.fixture(params=STORE_BACKENDS)
def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = make_store(request.param, tmp_path)
    yield store
    assert store.integrity_check() == []
    store.close()


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
