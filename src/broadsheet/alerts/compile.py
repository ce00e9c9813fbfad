"""A saved search compiled once: its query tree, what it needs from a story's annotations,
whether its dates are relative, and the index terms a story must hold for it to match.

Index terms (``Key``) are strings a story's fields produce (``story_keys``) and a query
requires (``required_keys``):

- ``w␟token``: a word in the headline, the body or a quote (every text field shares them: a
  necessary condition for ``headline:``, ``quote:`` and bare words alike);
- ``k␟field␟value``: a whole keyword value (``ticker:aapl``, ``source:reuters.com``);
- ``n␟field␟words``: a run of words of a name (``person:merkel`` finds "Angela Merkel").

``required_keys`` returns a set of which a story must hold at least one, or None when the
query can match a story holding none (a pure NOT, dates only, ``*``): for an AND, the
cheapest part's set (the rarest term, by document frequency); for an OR, every branch's.
This is the presearcher of Lucene's Monitor and Elasticsearch's percolator, kept exact: a
story missing every required term cannot match, so skipping it never loses an alert.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from ..search import (
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
    compile_matcher,
    matches,
    parse_query,
)
from ..search.analysis import name_part_key
from ..search.fields import INDEXED_KEYWORD_FIELDS, INDEXED_TEXT_FIELDS, NAME_FIELDS
from ..search.matching import Matcher
from ..store import SavedSearch

__all__ = [
    "ANNOTATION_FIELDS",
    "AnnotationNeed",
    "CompiledSearch",
    "Key",
    "compile_search",
    "required_keys",
    "story_keys",
    "story_terms",
]

Key = str
_SEP = "\x1f"
# fields filled by enrichment: a story has none of them until it is annotated
ANNOTATION_FIELDS = frozenset({"person", "org", "place", "ticker", "topic", "by", "quote"})
# how a search depends on annotations: not at all; only positively (a match without them
# stays a match with them); or under a NOT (the answer can flip: wait for them)
AnnotationNeed = Literal["none", "monotone", "awaits"]

_FAR_APART = (datetime(2001, 1, 1, 12, tzinfo=UTC), datetime(2003, 7, 9, 3, tzinfo=UTC))


WORD_PREFIX = f"w{_SEP}"


def word_key(token: str) -> Key:
    return f"w{_SEP}{token}"


def keyword_key(field: str, value: str) -> Key:
    return f"k{_SEP}{field}{_SEP}{value}"


def part_key(field: str, part: str) -> Key:
    return f"n{_SEP}{field}{_SEP}{part}"


@dataclass(frozen=True, slots=True)
class CompiledSearch:
    """A saved search ready to match: parsed once (again per match only when relative)."""

    id: int
    owner: str
    name: str
    query: str
    created_at: datetime
    tree: Query
    relative: bool  # since:7d, today...: parsed again at match time
    annotations: AnnotationNeed
    # ``tree`` compiled (a relative tree is compiled again when parsed again)
    matcher: Matcher = dataclasses.field(compare=False, repr=False)

    def tree_at(self, now: datetime) -> Query:
        return parse_query(self.query, now=now) if self.relative else self.tree

    def matches(self, story: PreparedArticle, now: datetime) -> bool:
        return matches(self.tree_at(now), story)


def compile_search(search: SavedSearch) -> CompiledSearch:
    """Parse a saved search once (``QuerySyntaxError`` for a malformed one)."""
    tree = parse_query(search.query)
    first, second = (parse_query(search.query, now=moment) for moment in _FAR_APART)
    return CompiledSearch(
        id=search.id,
        owner=search.owner,
        name=search.name,
        query=search.query,
        created_at=search.created_at,
        tree=tree,
        relative=first != second,
        annotations=_annotation_need(tree),
        matcher=compile_matcher(tree),
    )


def _annotation_need(tree: Query) -> AnnotationNeed:
    found: set[bool] = set()

    def walk(node: Query, negated: bool) -> None:
        if isinstance(node, Term | Phrase | Keyword):
            if node.field in ANNOTATION_FIELDS:
                found.add(negated)
        elif isinstance(node, And | Or):
            for part in node.parts:
                walk(part, negated)
        elif isinstance(node, Not):
            walk(node.part, not negated)

    walk(tree, False)
    if not found:
        return "none"
    return "monotone" if found == {False} else "awaits"


def required_keys(tree: Query, cost: Callable[[Key], float]) -> frozenset[Key] | None:
    """Keys of which a matching story holds at least one; None when no such set exists."""
    if isinstance(tree, Term):
        return frozenset({word_key(tree.token)})
    if isinstance(tree, Phrase):  # every word is required: the rarest one will do
        return frozenset({min((word_key(t) for t in tree.tokens), key=lambda k: (cost(k), k))})
    if isinstance(tree, Keyword):
        keys = {keyword_key(tree.field, tree.value)}
        if tree.field in NAME_FIELDS:
            part = name_part_key(tree.value)
            if part is not None:
                keys.add(part_key(tree.field, part))
        return frozenset(keys)
    if isinstance(tree, And):
        options = [k for k in (required_keys(p, cost) for p in tree.parts) if k is not None]
        if not options:
            return None
        return min(options, key=lambda keys: (sum(cost(k) for k in keys), sorted(keys)))
    if isinstance(tree, Or):
        union: set[Key] = set()
        for branch in tree.parts:
            needed = required_keys(branch, cost)
            if needed is None:
                return None
            union |= needed
        return frozenset(union)
    assert isinstance(tree, Not | DateRange | MatchAll)
    return None


def story_terms(story: PreparedArticle) -> tuple[set[str], set[Key]]:
    """A story's words (bare tokens, the ``w`` keys without their prefix: a story has
    hundreds, so they are not made into strings again) and its other keys (uses, and
    fills, the story's token caches)."""
    words: set[str] = set()
    for field in INDEXED_TEXT_FIELDS:
        for index in story.positions(field):
            words.update(index)
    others: set[Key] = set()
    for field in INDEXED_KEYWORD_FIELDS:
        others.update(keyword_key(field, value) for value in story.keywords(field))
        if field in NAME_FIELDS:
            others.update(part_key(field, part) for part in story.name_parts(field))
    return words, others


def story_keys(story: PreparedArticle) -> set[Key]:
    """Every key a story holds."""
    words, others = story_terms(story)
    return {word_key(token) for token in words} | others


def count_keys(stories: Iterable[PreparedArticle]) -> dict[Key, int]:
    """How many of ``stories`` hold each key (document frequencies for ``required_keys``)."""
    counts: dict[Key, int] = {}
    for story in stories:
        for key in story_keys(story):
            counts[key] = counts.get(key, 0) + 1
    return counts
