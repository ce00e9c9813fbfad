"""Feed hints fill what a page lacks, and a feed's timestamp beats a bare date on the page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.extract import extract_document
from broadsheet.models import Document

PAGE = (
    "<html><head><title>Canal Tolls Rise</title>{meta}</head><body><article><h1>Canal Tolls "
    "Rise</h1><p>The canal authority raised tolls by 4 percent on Monday, citing higher "
    "dredging costs along the northern stretch of the waterway.</p><p>Shipping groups said "
    "the increase would be passed on to importers within weeks.</p></article></body></html>"
)
HINT = datetime(2011, 3, 7, 15, 42, tzinfo=UTC)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("", HINT),  # the page has no date: the feed's
        ("<meta property='article:published_time' content='2011-03-07'>", HINT),  # bare date
        (
            "<meta property='article:published_time' content='2011-03-07T09:05:00+00:00'>",
            datetime(2011, 3, 7, 9, 5, tzinfo=UTC),
        ),  # the page's own precise time wins
        (
            "<meta property='article:published_time' content='2011-02-01'>",
            datetime(2011, 2, 1, tzinfo=UTC),
        ),  # a different day: the page is believed
    ],
)
def test_published_time(meta: str, expected: datetime) -> None:
    doc = Document(
        uri="https://news.example/canal",
        body=PAGE.format(meta=meta).encode(),
        media_type="text/html",
        fetched_at=HINT,
        published_at=HINT,
        title="Feed title",
        author="Feed Author",
    )
    article = extract_document(doc)
    assert article.published_at == expected
    assert article.headline == "Canal Tolls Rise"  # the page's headline beats the feed's
    assert article.byline == "Feed Author"  # the feed fills what the page lacks
