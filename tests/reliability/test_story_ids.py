"""Ids are in time order and a story starts with its first article: found end to end when
two poll processes save near-duplicates whose fetch times cross (scenario 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from broadsheet.models import Document
from broadsheet.pipeline import open_pipeline

from .helpers import make_settings, page, story


def _document(body: bytes, uri: str, fetched_at: datetime) -> Document:
    return Document(
        uri=uri, body=body, media_type="text/html", fetched_at=fetched_at, charset="utf-8"
    )


def test_near_duplicate_fetched_earlier_keeps_story_invariant(home: Path) -> None:
    now = datetime.now(UTC)
    original = page(42)
    headline = story(42)[0]
    edited = original.replace(b"on Thursday", b"on Thursday evening")
    assert edited != original
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        first = pipe.ingest_document(_document(original, "http://a.example/1", now))
        second = pipe.ingest_document(
            _document(edited, "http://b.example/1", now - timedelta(minutes=5))
        )
        assert (first.status, second.status) == ("new", "new")
        assert first.headline == second.headline == headline
        stored = pipe.store.get_articles([first.article_id or 0, second.article_id or 0])
        assert len({a.story_id for a in stored}) == 1
        assert pipe.store.integrity_check() == []
