"""Matching parsed queries against one article's fields, without an index: the alerts'
percolator checks each new story against the saved searches this way (``matches`` and, for
many articles, ``compile_matcher``), with the same answers as the search backends."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TypeAlias

from .analysis import keyword_value, name_part_key, name_parts, token_positions
from .fields import DEFAULT_TEXT_FIELDS, NAME_FIELDS, FieldValue, effective_date
from .query import And, DateRange, Keyword, Not, Or, Phrase, Query, Term

__all__ = ["Matcher", "PreparedArticle", "compile_matcher", "matches", "prepare_article"]


# --------------------------------------------------------------------------- matching


class PreparedArticle:
    """An article's fields with tokens computed once, for matching many queries against it."""

    __slots__ = ("_date", "_fields", "_keywords", "_parts", "_positions", "_tokens")

    def __init__(self, fields: Mapping[str, FieldValue]) -> None:
        self._fields = fields
        self._positions: dict[str, list[dict[str, list[int]]]] = {}
        self._keywords: dict[str, frozenset[str]] = {}
        self._parts: dict[str, frozenset[str]] = {}
        self._tokens: dict[tuple[str, ...], frozenset[str]] = {}
        self._date = effective_date(fields)

    @property
    def date(self) -> datetime | None:
        return self._date

    def positions(self, field: str) -> list[dict[str, list[int]]]:
        """Per value of a text field: token -> positions."""
        cached = self._positions.get(field)
        if cached is None:
            cached = []
            for value in _values(self._fields.get(field)):
                index: dict[str, list[int]] = {}
                tokens, positions = token_positions(value)
                for token, pos in zip(tokens, positions, strict=True):
                    index.setdefault(token, []).append(pos)
                cached.append(index)
            self._positions[field] = cached
        return cached

    def tokens(self, fields: tuple[str, ...]) -> frozenset[str]:
        """Every token of the text fields ``fields`` (any value, any position)."""
        cached = self._tokens.get(fields)
        if cached is None:
            cached = frozenset().union(*(idx for f in fields for idx in self.positions(f)))
            self._tokens[fields] = cached
        return cached

    def reuse(self, other: PreparedArticle) -> None:
        """Take ``other``'s tokens of every text field whose value is the same here (the
        same story read again with new annotations is not tokenised again)."""
        for field, cached in other._positions.items():
            if field not in self._positions and self._fields.get(field) == other._fields.get(field):
                self._positions[field] = cached

    def keywords(self, field: str) -> frozenset[str]:
        cached = self._keywords.get(field)
        if cached is None:
            cached = frozenset(keyword_value(v) for v in _values(self._fields.get(field)))
            self._keywords[field] = cached
        return cached

    def name_parts(self, field: str) -> frozenset[str]:
        """Every ``name_parts`` run of every value of a name field."""
        cached = self._parts.get(field)
        if cached is None:
            cached = frozenset().union(*(name_parts(v) for v in _values(self._fields.get(field))))
            self._parts[field] = cached
        return cached


def _values(value: object) -> list[str]:
    if value is None or isinstance(value, datetime):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [v for v in value if isinstance(v, str)]
    return []


def prepare_article(fields: Mapping[str, FieldValue]) -> PreparedArticle:
    """Tokenize an article's fields once (see ``article_fields``) for repeated ``matches``."""
    return PreparedArticle(fields)


def _has_phrase(index: dict[str, list[int]], tokens: tuple[str, ...]) -> bool:
    firsts = index.get(tokens[0])
    if not firsts:
        return False
    rest = []
    for token in tokens[1:]:
        positions = index.get(token)
        if not positions:
            return False
        rest.append(set(positions))
    return any(all(p + k + 1 in s for k, s in enumerate(rest)) for p in firsts)


def _eval(node: Query, art: PreparedArticle) -> bool:
    if isinstance(node, Term):
        fields = DEFAULT_TEXT_FIELDS if node.field is None else (node.field,)
        return any(node.token in idx for f in fields for idx in art.positions(f))
    if isinstance(node, Phrase):
        fields = DEFAULT_TEXT_FIELDS if node.field is None else (node.field,)
        return any(_has_phrase(idx, node.tokens) for f in fields for idx in art.positions(f))
    if isinstance(node, Keyword):
        if node.value in art.keywords(node.field):
            return True
        if node.field not in NAME_FIELDS:
            return False
        key = name_part_key(node.value)
        return key is not None and key in art.name_parts(node.field)
    if isinstance(node, DateRange):
        date = art.date
        if date is None:
            return False
        return (node.start is None or date >= node.start) and (node.end is None or date < node.end)
    if isinstance(node, And):
        return all(_eval(p, art) for p in node.parts)
    if isinstance(node, Or):
        return any(_eval(p, art) for p in node.parts)
    if isinstance(node, Not):
        return not _eval(node.part, art)
    return True  # MatchAll


Matcher: TypeAlias = Callable[[PreparedArticle], bool]


def compile_matcher(query: Query) -> Matcher:
    """``query`` as a function of a ``PreparedArticle``: the same answer as ``matches``,
    without walking the tree again for every article (a saved search checked against every
    story that could match it)."""
    if isinstance(query, Term):
        fields = DEFAULT_TEXT_FIELDS if query.field is None else (query.field,)
        token = query.token
        return lambda art: token in art.tokens(fields)
    if isinstance(query, Phrase):
        fields = DEFAULT_TEXT_FIELDS if query.field is None else (query.field,)
        tokens = query.tokens
        needed = frozenset(tokens)

        def phrase(art: PreparedArticle) -> bool:
            if not needed <= art.tokens(fields):
                return False
            return any(_has_phrase(idx, tokens) for f in fields for idx in art.positions(f))

        return phrase
    if isinstance(query, Keyword):
        field, value = query.field, query.value
        if field not in NAME_FIELDS:
            return lambda art: value in art.keywords(field)
        key = name_part_key(value)
        if key is None:
            return lambda art: value in art.keywords(field)
        return lambda art: value in art.keywords(field) or key in art.name_parts(field)
    if isinstance(query, DateRange):
        start, end = query.start, query.end

        def in_range(art: PreparedArticle) -> bool:
            date = art.date
            if date is None:
                return False
            return (start is None or date >= start) and (end is None or date < end)

        return in_range
    if isinstance(query, And):
        parts = tuple(compile_matcher(p) for p in query.parts)
        if len(parts) == 2:
            first, second = parts
            return lambda art: first(art) and second(art)
        return lambda art: all(p(art) for p in parts)
    if isinstance(query, Or):
        parts = tuple(compile_matcher(p) for p in query.parts)
        if len(parts) == 2:
            first, second = parts
            return lambda art: first(art) or second(art)
        return lambda art: any(p(art) for p in parts)
    if isinstance(query, Not):
        inner = compile_matcher(query.part)
        return lambda art: not inner(art)
    return lambda _art: True  # MatchAll


def matches(query: Query, fields: Mapping[str, FieldValue] | PreparedArticle) -> bool:
    """Does one article (``article_fields(...)`` or a ``PreparedArticle``) match ``query``?

    Same semantics as ``SearchIndex.search``: lower-cased tokens, phrases are consecutive
    tokens within one value, keywords compare whole values (name fields also runs of their
    words), dates use published or else first-seen time.
    """
    art = fields if isinstance(fields, PreparedArticle) else PreparedArticle(fields)
    return _eval(query, art)
