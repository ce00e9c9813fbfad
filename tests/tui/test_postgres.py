"""The terminal on PostgreSQL: the deterministic archive copied to a fresh PostgreSQL
database (``migrate-store``'s copy), searched there (``search.backend = "postgres"``), and
the app driven as on SQLite."""

from __future__ import annotations

from textual.pilot import Pilot

from broadsheet.config import Settings
from broadsheet.service import Service, open_service
from broadsheet.store import open_store
from broadsheet.store.copy import copy_store
from broadsheet.tui import BroadsheetApp
from broadsheet.tui.panels import NewsPanel, ReaderPanel
from tests.pg import fresh_database

from .archive import CORRECTION
from .pilot import type_command
from .test_app import CLUSTERED, FOLLOW_UP, run


def _on_postgres(archive: Settings, url: str) -> Settings:
    return archive.model_copy(
        update={
            "store": archive.store.model_copy(update={"url": url}),
            "search": archive.search.model_copy(update={"backend": "postgres"}),
        }
    )


def test_the_terminal_reads_and_searches_on_postgresql(archive: Settings) -> None:
    with open_service(archive, enrich=False) as on_sqlite:
        apple = on_sqlite.search("apple", limit=100, sort="newest")
    expected = [h.id for h in apple.hits]
    assert expected
    with fresh_database("bs_tui") as url:
        source = open_store(archive.database)
        try:
            copied = copy_store(source, url)
        finally:
            source.close()
        assert copied.articles > 0
        with open_service(_on_postgres(archive, url), enrich=False) as svc:
            assert svc.store.database.startswith("postgresql://")
            svc.reindex()
            _drive(svc, expected)


def _drive(svc: Service, expected: list[int]) -> None:
    async def script(pilot: Pilot[None]) -> None:
        await type_command(pilot, f"READ {FOLLOW_UP}")
        reader = pilot.app.query_one(ReaderPanel)
        assert CORRECTION[0][:40] in reader.view.article.body
        await pilot.press("v")  # its versions, from PostgreSQL
        assert reader.aside.display and reader.aside.row_count == 2
        await type_command(pilot, f"READ {CLUSTERED}")
        reader = pilot.app.query_one(ReaderPanel)
        await pilot.press("o")  # the other outlets of its story
        assert reader.aside.row_count == 1
        await type_command(pilot, "N apple")  # PostgreSQL full text
        news = pilot.app.query_one(NewsPanel)
        assert news.total == len(expected)  # the stories tantivy finds on SQLite
        assert news.table.row_count == len(expected)

    app: BroadsheetApp = run(svc, script)
    assert app is not None
