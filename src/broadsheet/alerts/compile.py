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
from datetime import UTC, datetime, timedelta
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
    "Moment",
    "compile_search",
    "required_keys",
    "story_keys",
    "story_terms",
    "story_words",
]

Key = str
_SEP = "\x1f"
# fields filled by enrichment: a story has none of them until it is annotated
ANNOTATION_FIELDS = frozenset({"person", "org", "place", "ticker", "topic", "by", "quote"})
# how a search depends on annotations: not at all; only positively (a match without them
# stays a match with them); or under a NOT (the answer can flip: wait for them)
AnnotationNeed = Literal["none", "monotone", "awaits"]

_FAR_APART = (datetime(2001, 1, 1, 12, tzinfo=UTC), datetime(2003, 7, 9, 3, tzinfo=UTC))
_CHECK_AT = datetime(2011, 3, 15, 17, 42, 9, tzinfo=UTC)  # a third moment, to verify a reading


class Moment:
    """The clock a percolator's relative searches read (``since:7d``, ``today``): set once
    per batch, so a relative search is compiled once, not parsed again every second."""

    __slots__ = ("day", "now")

    def __init__(self, now: datetime | None = None) -> None:
        self.set(now or datetime.now(UTC))

    def set(self, now: datetime) -> None:
        # as parse_query anchors dates: aware UTC, whole seconds
        moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
        self.now = moment.replace(microsecond=0)
        self.day = self.now.replace(hour=0, minute=0, second=0)


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
    relative: bool  # since:7d, today...: its dates move with the clock
    annotations: AnnotationNeed
    # ``tree`` compiled; for a relative search compiled with a ``Moment``, the dates are
    # read from the moment at match time (``timed``), else they are those of ``tree``
    matcher: Matcher = dataclasses.field(compare=False, repr=False)
    timed: bool = False

    def tree_at(self, now: datetime) -> Query:
        return parse_query(self.query, now=now) if self.relative else self.tree

    def matches(self, story: PreparedArticle, now: datetime) -> bool:
        return matches(self.tree_at(now), story)


def compile_search(search: SavedSearch, moment: Moment | None = None) -> CompiledSearch:
    """Parse a saved search once (``QuerySyntaxError`` for a malformed one).

    ``moment``: the clock a relative search's compiled matcher reads its dates from (the
    percolator sets it once per batch); without one, its matcher keeps the dates of the
    moment it was parsed at (``tree_at`` gives them at another)."""
    tree = parse_query(search.query)
    first, second = (parse_query(search.query, now=at) for at in _FAR_APART)
    relative = first != second
    matcher = None
    if relative and moment is not None:
        matcher = _timed_matcher(search.query, first, second, moment)
    return CompiledSearch(
        id=search.id,
        owner=search.owner,
        name=search.name,
        query=search.query,
        created_at=search.created_at,
        tree=tree,
        relative=relative,
        annotations=_annotation_need(tree),
        matcher=matcher or compile_matcher(tree),
        timed=matcher is not None,
    )


# a date bound as a function of the moment: fixed, ``now - offset`` (7d, 24h, now) or
# ``start of today + offset`` (today, yesterday)
_Bound = tuple[Literal["fixed", "now", "day"], datetime | timedelta | None]


def _bound(first: datetime | None, second: datetime | None) -> _Bound | None:
    if first == second:
        return ("fixed", first)
    if first is None or second is None:
        return None
    a, b = _FAR_APART
    if a - first == b - second:
        return ("now", a - first)
    day_a, day_b = (m.replace(hour=0, minute=0, second=0) for m in _FAR_APART)
    if first - day_a == second - day_b:
        return ("day", first - day_a)
    return None


def _bound_at(bound: _Bound, now: datetime, day: datetime) -> datetime | None:
    kind, value = bound
    if kind == "fixed":
        assert value is None or isinstance(value, datetime)
        return value
    assert isinstance(value, timedelta)
    return now - value if kind == "now" else day + value


def _timed_matcher(query: str, first: Query, second: Query, moment: Moment) -> Matcher | None:
    """A matcher of the relative search ``query`` (parsed at the two ``_FAR_APART``
    moments: ``first``, ``second``) whose dates are read from ``moment`` when it runs; None
    when its dates cannot be read as bounds of the clock (then it is parsed as before).
    The reading is checked against the parser at a third moment."""
    day = _CHECK_AT.replace(hour=0, minute=0, second=0)
    if _tree_at(first, second, _CHECK_AT, day) != parse_query(query, now=_CHECK_AT):
        return None
    return _moving_matcher(first, second, moment)


def _tree_at(a: Query, b: Query, now: datetime, day: datetime) -> Query | None:
    """The tree at ``now`` read from the trees at the two ``_FAR_APART`` moments."""
    if isinstance(a, DateRange) and isinstance(b, DateRange):
        start, end = _bound(a.start, b.start), _bound(a.end, b.end)
        if start is None or end is None:
            return None
        return DateRange(_bound_at(start, now, day), _bound_at(end, now, day))
    if a == b:
        return a
    if isinstance(a, And | Or) and type(a) is type(b):
        assert isinstance(b, And | Or)
        if len(a.parts) != len(b.parts):
            return None
        parts = [_tree_at(x, y, now, day) for x, y in zip(a.parts, b.parts, strict=True)]
        known = tuple(p for p in parts if p is not None)
        if len(known) != len(parts):
            return None
        return And(known) if isinstance(a, And) else Or(known)
    if isinstance(a, Not) and isinstance(b, Not):
        inner = _tree_at(a.part, b.part, now, day)
        return None if inner is None else Not(inner)
    return None


def _moving_matcher(a: Query, b: Query, moment: Moment) -> Matcher | None:
    """``_tree_at``'s reading compiled once, its dates read from ``moment`` at each call."""
    if isinstance(a, DateRange) and isinstance(b, DateRange):
        start, end = _bound(a.start, b.start), _bound(a.end, b.end)
        if start is None or end is None:
            return None
        return _date_matcher(start, end, moment)
    if a == b:  # no moving date in here
        return compile_matcher(a)
    if isinstance(a, And | Or) and type(a) is type(b):
        assert isinstance(b, And | Or)
        if len(a.parts) != len(b.parts):
            return None
        parts = [_moving_matcher(x, y, moment) for x, y in zip(a.parts, b.parts, strict=True)]
        known = tuple(p for p in parts if p is not None)
        if len(known) != len(parts):
            return None
        if isinstance(a, And):
            return lambda art: all(m(art) for m in known)
        return lambda art: any(m(art) for m in known)
    if isinstance(a, Not) and isinstance(b, Not):
        inner = _moving_matcher(a.part, b.part, moment)
        if inner is None:
            return None
        return lambda art: not inner(art)
    return None


def _date_matcher(start: _Bound, end: _Bound, moment: Moment) -> Matcher:
    def in_range(art: PreparedArticle) -> bool:
        date = art.date
        if date is None:
            return False
        low = _bound_at(start, moment.now, moment.day)
        high = _bound_at(end, moment.now, moment.day)
        return (low is None or date >= low) and (high is None or date < high)

    return in_range


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
    return story_words(story), other_keys(story)


def story_words(story: PreparedArticle, fields: Iterable[str] = INDEXED_TEXT_FIELDS) -> set[str]:
    """The words (bare tokens) of a story's text ``fields``."""
    words: set[str] = set()
    for field in fields:
        for index in story.positions(field):
            words.update(index)
    return words


def other_keys(story: PreparedArticle) -> set[Key]:
    """A story's keys other than its words: whole keyword values and runs of names."""
    others: set[Key] = set()
    for field in INDEXED_KEYWORD_FIELDS:
        others.update(keyword_key(field, value) for value in story.keywords(field))
        if field in NAME_FIELDS:
            others.update(part_key(field, part) for part in story.name_parts(field))
    return others


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
