"""Search: the query language, the backend contract, and the full-text index.

parse_query(text, now=None) -> Query       (raises QuerySyntaxError with .position)
matches(query, fields) -> bool             (one article in memory, for saved searches)
compile_matcher(query)                     (the same, compiled once for many articles)
open_search(settings) -> SearchBackend     (tantivy by default; see ``contract``)
SearchIndex(path | None)                   (tantivy; catch_up, rebuild, search, last_seq)
IndexFollower(index, store, lock_dir)      (which process keeps the index caught up)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .contract import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Hit,
    IndexedStore,
    SearchBackend,
    SearchResults,
    SortOrder,
    plain_snippet,
)
from .fields import FieldSpec, article_fields, register_field
from .follower import IndexFollower
from .index import SearchIndex
from .matching import PreparedArticle, compile_matcher, matches, prepare_article
from .query import (
    And,
    DateRange,
    Keyword,
    MatchAll,
    Not,
    Or,
    Phrase,
    Query,
    Term,
    parse_query,
)

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "And",
    "DateRange",
    "FieldSpec",
    "Hit",
    "IndexFollower",
    "IndexedStore",
    "Keyword",
    "MatchAll",
    "Not",
    "Or",
    "Phrase",
    "PreparedArticle",
    "Query",
    "SearchBackend",
    "SearchIndex",
    "SearchResults",
    "SortOrder",
    "Term",
    "article_fields",
    "compile_matcher",
    "matches",
    "open_search",
    "parse_query",
    "plain_snippet",
    "prepare_article",
    "register_field",
]


def open_search(settings: Settings) -> SearchBackend:
    """The search backend the settings name (``search.backend``): the tantivy index in
    ``<home>/index`` by default."""
    from ..errors import ConfigError

    backend = settings.search.backend
    if backend == "tantivy":
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return SearchIndex(settings.index_dir)
    try:
        module = importlib.import_module("broadsheet.search.postgres")
    except ImportError as exc:
        raise ConfigError(
            f"search.backend is {backend!r}, but this installation has no such backend ({exc})"
        ) from exc
    opened: SearchBackend = module.open_postgres_search(settings)
    return opened
