"""``matches`` (one article in memory, for saved searches) agrees with the index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.errors import QuerySyntaxError
from broadsheet.models import Annotations, Quote
from broadsheet.search import (
    SearchIndex,
    article_fields,
    matches,
    parse_query,
    prepare_article,
)

from .conftest import KEYS, NOW, PAIRS, keys_of
from .test_index import CASES

FIELDS = {KEYS[a.id]: article_fields(a, ann) for a, ann in PAIRS}

EXTRA = [
    "rates interest",
    '"rates will stay"',
    'quote:"rates will"',
    "quote:rates -headline:rates",
    '"high for a while said tom"',
    '"the machine" OR "the port"',
    "(gas OR oil) -(prices OR towns) since:2010",
    "the -the",
    "NOT NOT the",
    "a",
    "d'intérêt",
    '"À Zürich"',
    "genève OR place:genève",
    "place:Genève",
    "topic:economy OR topic:energy until:2010-05-03",
    "since:2010-05-03T09:00:00Z until:2010-05-03T09:00:00Z",
    "since:2010-05-03T09:00:01Z until:2010-05-03",
    "person:marsh OR org:kestrel",
    "person:tom -by:tom",
    'by:"reyes" quote:rates',
    "source:herald -place:san",
]


def in_memory(query: str) -> set[str]:
    tree = parse_query(query, now=NOW)
    return {key for key, fields in FIELDS.items() if matches(tree, fields)}


@pytest.mark.parametrize("query", [c[0] for c in CASES] + EXTRA)
def test_matches_agrees_with_the_index(corpus_index: SearchIndex, query: str) -> None:
    assert in_memory(query) == keys_of(corpus_index, query)


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_matches_gives_the_expected_articles(query: str, expected: set[str]) -> None:
    assert in_memory(query) == expected


WORDS = st.sampled_from(
    ["oil", "gas", "prices", "rates", "interest", "port", "strike", "the", "of", "a", "bank",
     "said", "Zürich", "covid", "19", "banque", "high", "steady"]
)  # fmt: skip
ATOMS = st.one_of(
    WORDS,
    st.lists(WORDS, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    WORDS.map(lambda w: f"headline:{w}"),
    WORDS.map(lambda w: f"body:{w}"),
    st.sampled_from(
        ['source:"morning courier"', "source:harbourledger.example", "lang:fr", "topic:energy",
         "topic:economy", 'by:"tom reyes"', "quote:march", "ticker:ACME", "place:rotterdam",
         "since:2010-05-04", "until:2010-05-03", "since:7d", "until:yesterday", "since:2011",
         "person:marsh", "person:LENA", 'person:"marsh lena"', "by:reyes", "by:rey", "org:acme",
         'org:"acme corp"', "place:jose", "place:san", "source:courier", "source:ledger",
         "source:example", "topic:labou"]
    ),
)  # fmt: skip


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            atom = "(" + draw(queries(depth + 1)) + ")"
        else:
            atom = draw(ATOMS)
        if draw(st.integers(0, 4)) == 0:
            atom = draw(st.sampled_from(["-", "NOT "])) + atom
        parts.append(atom)
    joiners = [draw(st.sampled_from([" ", " AND ", " OR "])) for _ in parts[1:]]
    out = parts[0]
    for joiner, part in zip(joiners, parts[1:], strict=True):
        out += joiner + part
    return out


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries())
def test_random_queries_agree(corpus_index: SearchIndex, query: str) -> None:
    try:
        parse_query(query, now=NOW)
    except QuerySyntaxError:  # e.g. NOT before AND: both sides refuse alike
        return
    assert in_memory(query) == keys_of(corpus_index, query)


def test_prepared_article_is_reusable() -> None:
    prepared = prepare_article(FIELDS["rates"])
    assert matches(parse_query('"interest rates"'), prepared)
    assert matches(parse_query('person:"Lena Marsh" -oil'), prepared)
    assert not matches(parse_query("oil"), prepared)


def test_matches_takes_plain_mappings() -> None:
    fields = {
        "headline": "Quarterly results beat forecasts",
        "body": "Profits rose 12% in the third quarter.",
        "source": "Daily Example",
        "person": ["Jo Bloggs"],
        "published": None,
        "first_seen": datetime(2021, 6, 1, 8, 0),  # naive: taken as UTC
    }
    assert matches(parse_query('"third quarter" source:"daily example"'), fields)
    assert matches(parse_query('person:"jo bloggs" since:2021-06-01 until:2021-06-01'), fields)
    assert not matches(parse_query("since:2021-06-02"), fields)
    assert not matches(parse_query("lang:en"), fields)  # absent fields match nothing
    assert matches(parse_query("-lang:en"), fields)
    assert not matches(parse_query("since:2000"), {"headline": "no dates at all"})
    assert matches(parse_query(""), {})


def test_published_wins_over_first_seen() -> None:
    fields = {
        "published": datetime(2019, 1, 1, tzinfo=UTC),
        "first_seen": datetime(2020, 1, 1, tzinfo=UTC),
    }
    assert matches(parse_query("until:2019"), fields)
    assert not matches(parse_query("since:2020"), fields)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"alpha beta"', False),  # a dropped 45-letter word sits between them
        ('"alpha beta gamma"', False),
        ('"beta gamma"', True),
        ("alpha beta", True),
        ('"see https"', True),  # a long URL splits into short tokens: positions run on
        ('"com a b c"', True),
        ('"z oil prices"', True),
    ],
)
def test_over_long_tokens_break_phrases_in_both(query: str, expected: bool) -> None:
    body = (
        f"alpha {'x' * 45} beta gamma. See https://news.example.com/a/b/c/d/e/f/g/h/i/j/k/l/z"
        " oil prices."
    )
    article = PAIRS[0][0]
    article = type(article)(**{**{f: getattr(article, f) for f in article.__slots__}, "body": body})
    index = SearchIndex(None)
    index.index_articles([(article, None)])
    index.commit()
    tree = parse_query(query)
    assert (index.search(tree).total == 1) is expected
    assert matches(tree, article_fields(article)) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('quote:"first words"', True),
        ('quote:"words second"', False),  # the end of one quote and the start of the next
        ("quote:first quote:second", True),
    ],
)
def test_phrases_stay_inside_one_quote(query: str, expected: bool) -> None:
    body = "He said first words. Then she said second thoughts."
    article = PAIRS[0][0]
    article = type(article)(**{**{f: getattr(article, f) for f in article.__slots__}, "body": body})
    quotes = (
        Quote((body.index("first"), body.index(".")), None, None, "He", "direct"),
        Quote((body.index("second"), len(body) - 1), None, None, "She", "direct"),
    )
    annotations = Annotations(quotes=quotes)
    index = SearchIndex(None)
    index.index_articles([(article, annotations)])
    index.commit()
    tree = parse_query(query)
    assert (index.search(tree).total == 1) is expected
    assert matches(tree, article_fields(article, annotations)) is expected
