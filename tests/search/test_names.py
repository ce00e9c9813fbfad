"""Name fields (person, org, place, by, source) match a whole name or a run of its words.

The index and ``matches`` must agree with each other and with the plain definition: the
query's lower-cased words appear, consecutively and in order, among a name's words.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tantivy import Query as TQuery

from broadsheet.models import Annotations, Entity, Quote, StoredArticle
from broadsheet.search import (
    FieldSpec,
    SearchIndex,
    article_fields,
    matches,
    parse_query,
    register_field,
)
from broadsheet.search.analysis import MAX_PART_WORDS, text_tokens

from .conftest import PAIRS

BASE = PAIRS[0][0]


def article(article_id: int = 1, body: str = "Nothing to see.", source: str = "X") -> StoredArticle:
    fields = {f: getattr(BASE, f) for f in BASE.__slots__}
    return StoredArticle(
        **{**fields, "id": article_id, "body": body, "source_name": source, "url": None}
    )


def annotated(
    people: tuple[str, ...] = (),
    orgs: tuple[str, ...] = (),
    places: tuple[str, ...] = (),
    speakers: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
) -> Annotations:
    entities = [
        Entity(0, 1, kind, name, name)  # type: ignore[arg-type]
        for kind, names in (("PERSON", people), ("ORG", orgs), ("PLACE", places))
        for name in names
    ]
    quotes = [Quote((0, 7), None, None, speaker, "direct") for speaker in speakers]
    return Annotations(entities=tuple(entities), quotes=tuple(quotes), topics=topics)


def both(art: StoredArticle, ann: Annotations, query: str) -> tuple[bool, bool]:
    """(found by the index, matched in memory) for one article."""
    index = SearchIndex(None)
    index.index_articles([(art, ann)])
    index.commit()
    tree = parse_query(query)
    return index.search(tree).total == 1, matches(tree, article_fields(art, ann))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('person:"Angela Merkel"', True),
        ("person:Merkel", True),
        ("person:angela", True),
        ("person:Merk", False),
        ('person:"Merkel Angela"', False),
        ('org:"Federal Reserve"', True),
        ('org:"Bank of New York"', True),
        ('org:"new york"', True),
        ('org:"Federal Bank"', False),  # not consecutive
        ('org:"Federal Reserve Bank of New York"', True),
        ('org:"Federal Reserve Bank of New York City"', False),
        ("org:york", True),
        ('place:"Jean-Claude"', False),  # a person, not a place
        ("person:Juncker", True),
        ("person:Claude", True),  # "-" separates words, as in text
        ('person:"jean claude"', True),
        ("by:Glaser", True),
        ('by:"BONNIE GLASER"', True),
        ("by:Glas", False),
        ('by:"Glaser Bonnie"', False),
        ("by:Merkel", False),  # named, not quoted
        ("topic:energy", False),  # topics compare whole values only
        ('topic:"renewable energy"', True),
        ('topic:"RENEWABLE ENERGY"', True),
        ("source:times", True),
        ('source:"New York Times"', True),
        ("source:new", True),
        ("source:tim", False),
    ],
)
def test_name_parts(query: str, expected: bool) -> None:
    art = article(source="The New York Times")
    ann = annotated(
        people=("Angela Merkel", "Jean-Claude Juncker"),
        orgs=("Federal Reserve Bank of New York",),
        speakers=("Bonnie Glaser",),
        topics=("renewable energy",),
    )
    assert both(art, ann, query) == (expected, expected)


def test_an_alias_of_a_name_field_matches_parts_too() -> None:
    register_field("speaker", FieldSpec("keyword", "by", "who is quoted"))
    art, ann = article(), annotated(speakers=("Bonnie Glaser",))
    assert both(art, ann, "speaker:glaser") == (True, True)


def test_runs_are_at_most_max_part_words_long() -> None:
    words = [f"w{k}" for k in range(MAX_PART_WORDS + 2)]
    art, ann = article(), annotated(orgs=(" ".join(words),))
    longest = " ".join(words[1 : 1 + MAX_PART_WORDS])
    assert both(art, ann, f'org:"{longest}"') == (True, True)
    too_long = " ".join(words[1 : 2 + MAX_PART_WORDS])
    assert both(art, ann, f'org:"{too_long}"') == (False, False)
    assert both(art, ann, f'org:"{" ".join(words)}"') == (True, True)  # the whole name


def test_a_whole_name_scores_as_it_did_before_name_parts() -> None:
    """Whole-value matches rank exactly as before: the score is the bare keyword term's."""
    index = SearchIndex(None)
    pairs = [
        (article(1, "a b c"), annotated(speakers=("Bonnie Glaser",))),
        (article(2, "a b c d e f"), annotated(speakers=("Bonnie Glaser", "Someone Else"))),
        (article(3, "a"), annotated(speakers=("Bonnie Glaser Jr",))),
        (article(4, "b"), annotated(speakers=("Tom Reyes",))),
    ]
    index.index_articles(pairs)
    index.commit()
    searcher = index._index.searcher()  # the bare term query, as the index ran it before
    bare = searcher.search(TQuery.term_query(index._schema, "by", "bonnie glaser"), 10)
    before = {int(searcher.doc(addr).get_first("id") or 0): score for score, addr in bare.hits}
    assert set(before) == {1, 2}
    now = {h.article_id: h.score for h in index.search('by:"Bonnie Glaser"', limit=10).hits}
    assert now == {**before, 3: 0.0}  # "Bonnie Glaser Jr" matches by a run, scoring 0
    ranked = [h.article_id for h in index.search('by:"Bonnie Glaser" a', limit=10).hits]
    assert ranked[-1] == 3
    assert {h.article_id for h in index.search("by:glaser", limit=10).hits} == {1, 2, 3}


# ---------------------------------------------------------------- property: index = memory = spec

NAME_WORDS = st.sampled_from(["Ann", "ann", "Lee", "de", "la", "Cruz", "Bank", "of", "O'Neil"])
NAMES = st.lists(NAME_WORDS, min_size=1, max_size=MAX_PART_WORDS + 2).map(" ".join)
FIELD_KIND = {"person": "PERSON", "org": "ORG", "place": "PLACE"}


def spec(value: str, names: list[str]) -> bool:
    """The definition: the value's words run consecutively through one name's words (runs of
    at most MAX_PART_WORDS), or the value is the whole name, both in any case."""
    wanted = text_tokens(value)
    for name in names:
        if value.strip().lower() == name.lower():
            return True
        words = text_tokens(name)
        if 0 < len(wanted) <= MAX_PART_WORDS and any(
            words[i : i + len(wanted)] == wanted for i in range(len(words))
        ):
            return True
    return False


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(["person", "org", "place", "by", "source"]),
    names=st.lists(NAMES, min_size=1, max_size=3),
    value=st.one_of(NAMES, st.lists(NAME_WORDS, min_size=1, max_size=3).map(" ".join)),
    pick=st.integers(0, 100),
)
def test_index_matches_and_spec_agree(field: str, names: list[str], value: str, pick: int) -> None:
    if pick % 2:  # half the time, ask for a real run of one of the names
        words = names[pick % len(names)].split()
        start = pick % len(words)
        value = " ".join(words[start : start + 1 + pick % 3])
    if field == "by":
        ann, art = annotated(speakers=tuple(names)), article()
    elif field == "source":
        ann, art = annotated(), article(source=names[0])
        names = names[:1]
    else:
        ann, art = annotated(), article()
        kind = FIELD_KIND[field]
        ann = Annotations(entities=tuple(Entity(0, 1, kind, n, n) for n in names))  # type: ignore[arg-type]
    query = f'{field}:"{value}"'
    expected = spec(value, names)
    assert both(art, ann, query) == (expected, expected), (names, query)


def test_corpus_names_are_found_by_surname() -> None:
    """The shared test corpus, through the index: each person by the last word of the name."""
    index = SearchIndex(None)
    index.index_articles(PAIRS)
    index.commit()
    people = {
        e.name: a.id
        for a, ann in PAIRS
        if ann is not None
        for e in ann.entities
        if e.type == "PERSON"
    }
    assert people
    for name, article_id in people.items():
        surname = name.split()[-1]
        found = {h.article_id for h in index.search(f"person:{surname}").hits}
        assert article_id in found, name
