"""Search: the query language and the full-text index.

parse_query(text, now=None) -> Query       (raises QuerySyntaxError with .position)
matches(query, fields) -> bool             (one article in memory, for saved searches)
SearchIndex(path | None)                   (tantivy; index_articles, delete, commit, search,
                                            catch_up, rebuild, last_seq)
"""

from __future__ import annotations

from .fields import FieldSpec, article_fields, register_field
from .index import HIGHLIGHT_END, HIGHLIGHT_START, Hit, SearchIndex, SearchResults
from .query import (
    And,
    DateRange,
    Keyword,
    MatchAll,
    Not,
    Or,
    Phrase,
    PreparedArticle,
    Query,
    Term,
    matches,
    parse_query,
    prepare_article,
)

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "And",
    "DateRange",
    "FieldSpec",
    "Hit",
    "Keyword",
    "MatchAll",
    "Not",
    "Or",
    "Phrase",
    "PreparedArticle",
    "Query",
    "SearchIndex",
    "SearchResults",
    "Term",
    "article_fields",
    "matches",
    "parse_query",
    "prepare_article",
    "register_field",
]
