"""Extraction: bytes -> :class:`~broadsheet.models.Article`.

extract_document(doc)        dispatch on ``doc.media_type``; feed hints fill gaps
extract_html(body, url=, charset=)
extract_textdump(text, url=) (``extract.textdump``: visible-text page dumps)
decode_html(body, declared)  BOM > transport charset > <meta> > UTF-8 > cp1252
article_to_row(doc_id, article) the ``broadsheet extract`` JSON row
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from broadsheet.errors import ExtractionError
from broadsheet.extract.encoding import decode_html
from broadsheet.extract.html import extract_html
from broadsheet.textsafe import clean_article

if TYPE_CHECKING:
    from broadsheet.models import Article, Document

__all__ = [
    "article_to_row",
    "decode_html",
    "doc_id_for",
    "extract_document",
    "extract_html",
    "extract_text_document",
]

_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm", ".txt")


def doc_id_for(path: str | PurePath) -> str:
    """The benchmark id of a file: its name without .html, .htm, .html.gz or .txt."""
    name = PurePath(path).name
    lower = name.lower()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def extract_text_document(text: str, *, url: str | None = None) -> Article:
    """A visible-text page dump -> Article (``extract.textdump``, imported when first needed)."""
    from broadsheet.extract.textdump import extract_textdump

    return extract_textdump(text, url=url)


def _decode_text(body: bytes, charset: str | None) -> str:
    if charset:
        with contextlib.suppress(LookupError):  # an unknown label: sniff instead
            return body.decode(charset, errors="replace")
    return decode_html(body)  # same BOM/UTF-8/cp1252 sniffing; no <meta> in text, harmless


def extract_document(doc: Document) -> Article:
    """Read one document (HTML page or text dump); raises ExtractionError if it has no article.

    Every text field of the result is free of control characters (``textsafe.clean_text``)."""
    url = doc.uri if doc.uri.startswith(("http://", "https://")) else None
    media = (doc.media_type or "").lower()
    if media.startswith("text/plain"):
        article = extract_text_document(_decode_text(doc.body, doc.charset), url=url)
    else:
        article = extract_html(doc.body, url=url, charset=doc.charset)
    if article.url is None and url is not None:
        article = replace(article, url=url)
    article = clean_article(
        replace(
            article,
            headline=article.headline or doc.title,
            published_at=_published(article.published_at, doc.published_at),
            byline=article.byline or doc.author,
        )
    )
    if not article.paragraphs or not article.body.strip():
        raise ExtractionError(f"no article text in {doc.uri}")
    return article


def _published(page: datetime | None, hint: datetime | None) -> datetime | None:
    """The page's own date, unless the feed knows the same day to the minute: a date with
    no time of day (midnight) read off a page is less precise than the feed's timestamp."""
    if page is None or hint is None:
        return page or hint
    midnight = (page.hour, page.minute, page.second, page.microsecond) == (0, 0, 0, 0)
    if midnight and abs((page - hint).total_seconds()) < 36 * 3600:
        return hint
    return page


def article_to_row(doc_id: str, article: Article) -> dict[str, object]:
    """The ``broadsheet extract --format jsonl`` row of BENCHMARKS.md."""
    return {
        "id": doc_id,
        "headline": article.headline,
        "byline": article.byline,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "images": [  # images the page says something about (a bare og:image URL is left out)
            {"title": img.title, "caption": img.caption, "credit": img.credit}
            for img in article.images
            if img.title or img.caption or img.credit
        ],
        "sections": list(article.sections),
        "articleBody": article.body,
    }
