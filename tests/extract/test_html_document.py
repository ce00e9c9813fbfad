"""extract_document dispatch and hints, article_to_row (the `extract` CLI row), doc_id_for."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.errors import ExtractionError
from broadsheet.extract import article_to_row, doc_id_for, extract_document
from broadsheet.models import Article, Document, Image, Paragraph
from tests.extract.conftest import (
    FERRY_CAPTION,
    FERRY_CREDIT,
    FERRY_HEADLINE,
    MARKET_PARAGRAPHS,
    ferry_page,
    market_page_cp1252,
    navigation_only_page,
)

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)


def html_doc(body: bytes, **hints: object) -> Document:
    return Document(
        uri="https://news.example/story",
        body=body,
        media_type="text/html",
        fetched_at=NOW,
        **hints,  # type: ignore[arg-type]
    )


def test_html_document_is_extracted() -> None:
    article = extract_document(html_doc(ferry_page().encode()))
    assert article.headline == FERRY_HEADLINE
    assert article.url == "https://news.example/story"


def test_transport_charset_is_used() -> None:
    doc = Document(
        uri="/tmp/market.html",
        body=market_page_cp1252(),
        media_type="text/html",
        fetched_at=NOW,
        charset="windows-1252",
    )
    article = extract_document(doc)
    assert [p.text for p in article.paragraphs] == list(MARKET_PARAGRAPHS)
    assert article.url is None  # a file path is not a URL


def test_feed_hints_fill_gaps_only() -> None:
    hinted = datetime(2020, 1, 1, tzinfo=UTC)
    page = market_page_cp1252().replace(b'<meta name="author" content="Priya Natarajan">', b"")
    article = extract_document(
        html_doc(page, title="Feed title", published_at=hinted, author="Feed Author")
    )
    assert article.headline != "Feed title"  # the page has its own headline
    assert article.published_at == datetime(2026, 2, 6, 15, 45, tzinfo=UTC)  # and its own date
    assert article.byline == "Feed Author"  # but no byline: the hint fills it


def test_plain_text_goes_to_the_textdump_reader() -> None:
    lines = ["Home", "World", "Business", "Sign in", ""]
    lines += [
        "Cider Maker’s Shares Slide After Frost Cuts Forecast",
        "By Priya Natarajan",
        "",
    ]
    lines += list(MARKET_PARAGRAPHS)
    lines += ["", "Contact us", "Privacy policy", "© 2026 Valley Ledger"]
    doc = Document(
        uri="dump.txt",
        body="\n".join(lines).encode("utf-8"),
        media_type="text/plain",
        fetched_at=NOW,
    )
    article = extract_document(doc)
    assert MARKET_PARAGRAPHS[1] in article.body
    assert "Privacy policy" not in article.body


@pytest.mark.parametrize(
    "doc",
    [
        html_doc(navigation_only_page().encode()),
        html_doc(b""),
        Document(uri="empty.txt", body=b"", media_type="text/plain", fetched_at=NOW),
    ],
)
def test_no_article_raises(doc: Document) -> None:
    with pytest.raises(ExtractionError):
        extract_document(doc)


def test_article_to_row_is_the_cli_contract() -> None:
    article = extract_document(html_doc(ferry_page().encode()))
    row = article_to_row("ferry", article)
    assert list(row) == [
        "id",
        "headline",
        "byline",
        "published_at",
        "images",
        "sections",
        "articleBody",
    ]
    assert row["id"] == "ferry"
    assert row["headline"] == FERRY_HEADLINE
    assert row["byline"] == "Maria Okafor and Tom Reyes"
    assert row["published_at"] == "2026-03-14T09:30:00-04:00"
    assert row["images"] == [
        {
            "title": "The Harbor City ferry terminal at dawn",
            "caption": FERRY_CAPTION,
            "credit": FERRY_CREDIT,
        }
    ]
    assert row["sections"] == ["Funding the fleet", "What riders say"]
    assert row["articleBody"] == article.body
    assert json.loads(json.dumps(row)) == row  # plain JSON values only


def test_article_to_row_with_nothing_optional() -> None:
    article = Article(
        paragraphs=(Paragraph("Only text."),),
        images=(Image(url="https://img.example/a.jpg"), Image(credit="Photo: A. Roe")),
    )
    row = article_to_row("x", article)
    assert row["published_at"] is None and row["headline"] is None and row["byline"] is None
    assert row["images"] == [{"title": None, "caption": None, "credit": "Photo: A. Roe"}]
    assert row["sections"] == [] and row["articleBody"] == "Only text."


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pages/abc123.html.gz", "abc123"),
        ("abc.html", "abc"),
        ("abc.HTM", "abc"),
        ("dir/000_572ea1.txt", "000_572ea1"),
        (Path("a/b/story.v2.html"), "story.v2"),
        ("noext", "noext"),
        ("archive.warc.gz", "archive.warc.gz"),
        (".html", ".html"),
    ],
)
def test_doc_id_for(path: str | Path, expected: str) -> None:
    assert doc_id_for(path) == expected
