"""The web app and its API on PostgreSQL: the service on a PostgreSQL store with PostgreSQL
search (``store.url``, ``search.backend = "postgres"``), and API tests of ``test_api`` run
again on it (this module's ``svc`` replaces the SQLite one of conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broadsheet.config import load_settings
from broadsheet.service import open_service
from tests.pg import fresh_database

from .test_api import (  # noqa: F401  (collected here: run on PostgreSQL)
    test_alerts_contract_and_lifecycle,
    test_articles_people_companies_prices,
    test_each_user_sees_only_their_own,
    test_search_contract_and_cursor_pagination,
    test_the_inbox_fills_and_is_marked_read,
    test_tokens_are_made_listed_and_revoked_at_once,
)


@pytest.fixture
def svc(home: Path) -> Iterator[Any]:
    with fresh_database("bs_web") as url:
        settings = load_settings(
            None, {"home": home, "store": {"url": url}, "search": {"backend": "postgres"}}
        )
        service = open_service(settings, enrich=False, follow=True)
        try:
            assert service.store.database.startswith("postgresql://")
            yield service
        finally:
            service.close()
