"""The rows of ``search_docs``: one article (and its annotations) as ``tsvector`` literals
built from the index's own analyzer tokens, keyword keys and the columns a hit shows.

Headline and body are tokenised in Python by ``analysis.token_positions`` and stored with
explicit positions, the headline as weight A, the body as weight B one position further on
(a phrase never runs from the headline into the body); quotes are a second ``tsvector``;
keyword values and the runs of words of names are a ``text[]`` (``k:field:value``,
``p:field:words``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...models import Annotations, StoredArticle
from ..analysis import keyword_value, name_parts, token_positions
from ..contract import HIGHLIGHT_END, HIGHLIGHT_START
from ..fields import (
    INDEXED_KEYWORD_FIELDS,
    NAME_FIELDS,
    FieldValue,
    article_fields,
    effective_date,
    to_utc,
)

__all__ = ["COLUMNS", "MAX_POSITION", "UPSERT", "clean", "document_row", "quote_token"]

MAX_POSITION = 16383  # tsvector positions stop here
COLUMNS = "id, doc, quote, keys, date, published, first_seen, headline, body, source, story_id"


def _texts(value: FieldValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, datetime):
        return []
    return [v for v in value if v]


def clean(text: str) -> str:
    return text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


class _Vector:
    """A ``tsvector`` literal built from analyzer tokens at explicit positions."""

    def __init__(self) -> None:
        self.positions: dict[str, dict[int, str]] = {}
        self.next = 1  # the next free position (1-based)

    def add(self, text: str, weight: str) -> None:
        tokens, positions = token_positions(clean(text))
        if not tokens:
            return
        base = self.next
        for token, pos in zip(tokens, positions, strict=True):
            at = min(base + pos, MAX_POSITION)
            self.positions.setdefault(token, {}).setdefault(at, weight)
        # one position left empty after each value: a phrase never spans two values
        self.next = base + positions[-1] + 2

    def literal(self) -> str:
        parts = []
        for token, at in self.positions.items():
            marks = ",".join(
                f"{pos}{'' if weight == 'D' else weight}"
                for pos, weight in sorted(at.items())[:256]
            )
            parts.append(f"'{quote_token(token)}':{marks}")
        return " ".join(parts)


def quote_token(token: str) -> str:
    return token.replace("\\", "\\\\").replace("'", "''")


def _keys(fields: dict[str, FieldValue]) -> list[str]:
    keys: set[str] = set()
    for name in INDEXED_KEYWORD_FIELDS:
        for value in _texts(fields.get(name)):
            keys.add(f"k:{name}:{keyword_value(value)}")
            if name in NAME_FIELDS:
                keys.update(f"p:{name}:{part}" for part in name_parts(value))
    return sorted(keys)


def document_row(article: StoredArticle, annotations: Annotations | None) -> tuple[Any, ...]:
    fields = article_fields(article, annotations)
    doc = _Vector()
    headline = fields.get("headline")
    if isinstance(headline, str):
        doc.add(headline, "A")
    body = fields.get("body")
    if isinstance(body, str):
        doc.add(body, "B")
    quotes = _Vector()
    for text in _texts(fields.get("quote")):
        quotes.add(text, "D")
    published = fields.get("published")
    first_seen = fields.get("first_seen")
    sources = _texts(fields.get("source"))
    return (
        article.id,
        doc.literal(),
        quotes.literal(),
        _keys(fields),
        effective_date(fields),
        to_utc(published) if isinstance(published, datetime) else None,
        to_utc(first_seen) if isinstance(first_seen, datetime) else None,
        article.headline,
        clean(article.body),
        sources[0] if sources else None,
        article.story_id,
    )


UPSERT = (
    f"INSERT INTO search_docs ({COLUMNS}) VALUES"
    " (%s, %s::tsvector, %s::tsvector, %s, %s, %s, %s, %s, %s,"
    " %s, %s) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, quote = excluded.quote,"
    " keys = excluded.keys, date = excluded.date, published = excluded.published,"
    " first_seen = excluded.first_seen, headline = excluded.headline, body = excluded.body,"
    " source = excluded.source, story_id = excluded.story_id"
)
