"""Text analysis shared by the index and the in-memory matcher.

Both sides use tantivy's own analyzers, so a query's tokens, the indexed tokens and the tokens
``matches`` compares are produced by the very same code:

- ``text``: split on every character that is not a letter or a digit, drop tokens of 40 bytes
  or more, lower-case (tantivy's "default" analyzer, under our own name);
- ``keyword``: the whole value as one token, lower-cased (``source:``, ``person:``...);
- name parts (``name_parts``): every run of up to ``MAX_PART_WORDS`` consecutive words of a
  name, so ``person:Merkel`` finds "Angela Merkel" with one term lookup, as ``by:Glaser`` does
  "Bonnie Glaser". Words are the ``text`` tokens of the lower-cased name, so they split where
  words in text do ("Jean-Claude" is "jean claude").
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

import tantivy

__all__ = [
    "GRAM_ANALYZER",
    "KEYWORD_ANALYZER",
    "MAX_PART_WORDS",
    "TEXT_ANALYZER",
    "gram_text",
    "keyword_value",
    "name_part_key",
    "name_parts",
    "text_tokens",
    "token_positions",
]

TEXT_ANALYZER = "bs_text"
KEYWORD_ANALYZER = "bs_keyword"
GRAM_ANALYZER = "bs_gram"  # word pairs made by ``gram_text``, split on spaces only


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Any, Any, Any]:
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
    gram = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    return text, keyword, gram


def gram_analyzer() -> Any:
    return _analyzers()[2]


def gram(first: str, second: str) -> str:
    """The index term for two consecutive tokens (tokens never contain "_")."""
    return f"{first}_{second}"


_LONG_RUN = re.compile(r"\S{10,}")


def _may_drop_tokens(text: str) -> bool:
    """Could the analyzer drop a token (40 bytes or more) from ``text``? Tokens never hold
    whitespace, so a text whose every non-space run is shorter cannot lose one."""
    return any(len(m.group().encode("utf-8")) >= 40 for m in _LONG_RUN.finditer(text))


def token_positions(text: str) -> tuple[list[str], list[int]]:
    """Tokens and their positions. A dropped over-long token leaves a gap in the positions,
    as in the index, so words on either side of it are not consecutive."""
    if not _may_drop_tokens(text):
        tokens = text_tokens(text)
        return tokens, list(range(len(tokens)))
    pre = _analyzers()[0].pre_tokenize(text)
    pairs = [(t.text, t.position) for t in pre.tokens]
    return [t for t, _ in pairs], [p for _, p in pairs]


def gram_text(text: str) -> str:
    """Every pair of consecutive tokens of ``text``, as space-separated ``gram`` terms.

    Indexed without positions, they answer a two-word phrase in headline or body with one
    term lookup, and let longer phrases check positions only in the few articles holding
    all of their word pairs, instead of in every article holding "said" and "the".
    """
    if not _may_drop_tokens(text):
        tokens = text_tokens(text)
        return " ".join([f"{a}_{b}" for a, b in itertools.pairwise(tokens)])
    tokens, positions = token_positions(text)
    return " ".join(
        f"{tokens[i]}_{tokens[i + 1]}"
        for i in range(len(tokens) - 1)
        if positions[i + 1] == positions[i] + 1
    )


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


# Longer names ("International Bank for Reconstruction and Development", 6) fit; the cap keeps
# a mis-extracted 50-word "name" from adding 1,275 terms, and a longer query value still
# matches the whole name exactly.
MAX_PART_WORDS = 8


def name_part_key(value: str) -> str | None:
    """The ``name_parts`` term for a query value (a run of words), or ``None`` when the value
    has no words, or more than ``MAX_PART_WORDS``, and can only match a whole name."""
    words = text_tokens(keyword_value(value))
    if not words or len(words) > MAX_PART_WORDS:
        return None
    return "_".join(words)  # tokens are letters and digits only: "_" cannot be in one


@lru_cache(maxsize=65_536)
def name_parts(value: str) -> frozenset[str]:
    """Every run of 1 to ``MAX_PART_WORDS`` consecutive words of a name, each joined as
    ``name_part_key`` joins a query value: a query matches a part of the name exactly when its
    key is in this set. The index stores the set; ``matches`` compares with it. Cached: an
    archive names the same sources, people and places over and over."""
    words = text_tokens(keyword_value(value))
    n = len(words)
    return frozenset(
        "_".join(words[i:j]) for i in range(n) for j in range(i + 1, min(n, i + MAX_PART_WORDS) + 1)
    )
