"""Text analysis shared by the index and the in-memory matcher.

Both sides use tantivy's own analyzers, so a query's tokens, the indexed tokens and the tokens
``matches`` compares are produced by the very same code:

- ``text``: split on every character that is not a letter or a digit, drop tokens of 40 bytes
  or more, lower-case (tantivy's "default" analyzer, under our own name);
- ``keyword``: the whole value as one token, lower-cased (``source:``, ``person:``...).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import tantivy

__all__ = ["KEYWORD_ANALYZER", "TEXT_ANALYZER", "keyword_value", "text_tokens"]

TEXT_ANALYZER = "bs_text"
KEYWORD_ANALYZER = "bs_keyword"


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Any, Any]:
    text = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .build()
    )
    keyword = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.lowercase())
        .build()
    )
    return text, keyword


def text_analyzer() -> Any:
    return _analyzers()[0]


def keyword_analyzer() -> Any:
    return _analyzers()[1]


def text_tokens(text: str) -> list[str]:
    """The lower-cased word tokens of ``text``, exactly as the index sees them."""
    tokens: list[str] = _analyzers()[0].analyze(text)
    return tokens


def keyword_value(value: str) -> str:
    """A keyword as the index stores it: the whole value, lower-cased."""
    tokens: list[str] = _analyzers()[1].analyze(value)
    return tokens[0] if tokens else ""
