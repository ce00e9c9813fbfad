"""The query grammar: a table of inputs and trees, a table of mistakes and where they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.errors import QuerySyntaxError
from broadsheet.search import (
    And,
    DateRange,
    FieldSpec,
    Keyword,
    MatchAll,
    Not,
    Or,
    Phrase,
    Query,
    Term,
    parse_query,
    register_field,
)

from .conftest import NOW


def t(token: str, field: str | None = None) -> Term:
    return Term(field, token)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type,misc]


GRAMMAR: list[tuple[str, Query]] = [
    ("oil", t("oil")),
    ("Oil PRICES", And((t("oil"), t("prices")))),
    ('"oil prices"', Phrase(None, ("oil", "prices"))),
    ('"Oil"', t("oil")),
    ("oil AND gas", And((t("oil"), t("gas")))),
    ("oil OR gas", Or((t("oil"), t("gas")))),
    ("oil -gas", And((t("oil"), Not(t("gas"))))),
    ("oil NOT gas", And((t("oil"), Not(t("gas"))))),
    ("NOT oil", Not(t("oil"))),
    ("NOT NOT oil", t("oil")),
    ("-(oil OR gas)", Not(Or((t("oil"), t("gas"))))),
    ('-"oil prices"', Not(Phrase(None, ("oil", "prices")))),
    ("(oil OR gas) prices", And((Or((t("oil"), t("gas"))), t("prices")))),
    # OR binds tighter than AND (explicit or implied), NOT tighter than both
    ("oil OR gas prices", And((Or((t("oil"), t("gas"))), t("prices")))),
    ("a AND b OR c", And((t("a"), Or((t("b"), t("c")))))),
    ("a OR b OR c", Or((t("a"), t("b"), t("c")))),
    ("a b c", And((t("a"), t("b"), t("c")))),
    ("a (b c)", And((t("a"), t("b"), t("c")))),
    ("((a))", t("a")),
    ("NOT a OR b", Or((Not(t("a")), t("b")))),
    ("and or not", And((t("and"), t("or"), t("not")))),
    ("covid-19", Phrase(None, ("covid", "19"))),
    ("U.S.", Phrase(None, ("u", "s"))),
    ("Zürich", t("zürich")),
    ("oil & gas", And((t("oil"), t("gas")))),
    ("oil — gas", And((t("oil"), t("gas")))),
    ("- oil", t("oil")),
    ("oil -", t("oil")),
    ("", MatchAll()),
    ("   ", MatchAll()),
    ("headline:oil", t("oil", "headline")),
    ("HEADLINE:Oil", t("oil", "headline")),
    ('headline:"Oil Prices"', Phrase("headline", ("oil", "prices"))),
    ("body:crude", t("crude", "body")),
    ('quote:"stay high"', Phrase("quote", ("stay", "high"))),
    ("source:Reuters", Keyword("source", "reuters")),
    ('source:"Morning Courier"', Keyword("source", "morning courier")),
    ("lang:EN", Keyword("lang", "en")),
    ('person:"Lena Marsh"', Keyword("person", "lena marsh")),
    ("org:Acme", Keyword("org", "acme")),
    ("place:Rotterdam", Keyword("place", "rotterdam")),
    ("ticker:aapl", Keyword("ticker", "aapl")),
    ("topic:energy", Keyword("topic", "energy")),
    ('by:"Tom Reyes"', Keyword("by", "tom reyes")),
    ("-source:reuters oil", And((Not(Keyword("source", "reuters")), t("oil")))),
    ("since:2010-05-03", DateRange(utc(2010, 5, 3), None)),
    ("until:2010-05-03", DateRange(None, utc(2010, 5, 4))),
    ("since:2010-05", DateRange(utc(2010, 5, 1), None)),
    ("until:2010-05", DateRange(None, utc(2010, 6, 1))),
    ("until:2010-12", DateRange(None, utc(2011, 1, 1))),
    (
        "since:2010 until:2010",
        And((DateRange(utc(2010, 1, 1), None), DateRange(None, utc(2011, 1, 1)))),
    ),
    ("since:2010-05-03T12:30:00Z", DateRange(utc(2010, 5, 3, 12, 30), None)),
    ("since:2010-05-03T12:30+02:00", DateRange(utc(2010, 5, 3, 10, 30), None)),
    ("until:2010-05-03T12:30:00", DateRange(None, utc(2010, 5, 3, 12, 30, 1))),
    # relative dates against NOW = 2024-03-10 12:00 UTC
    ("since:7d", DateRange(NOW - timedelta(days=7), None)),
    ("since:24h", DateRange(NOW - timedelta(hours=24), None)),
    ("since:2w", DateRange(NOW - timedelta(weeks=2), None)),
    ("since:today", DateRange(utc(2024, 3, 10), None)),
    ("since:yesterday", DateRange(utc(2024, 3, 9), None)),
    ("until:yesterday", DateRange(None, utc(2024, 3, 10))),
    ("until:today", DateRange(None, utc(2024, 3, 11))),
    ("until:now", DateRange(None, NOW)),
    ("since:TODAY", DateRange(utc(2024, 3, 10), None)),
]


@pytest.mark.parametrize(("text", "tree"), GRAMMAR, ids=[g[0] or "<empty>" for g in GRAMMAR])
def test_grammar(text: str, tree: Query) -> None:
    assert parse_query(text, now=NOW) == tree


MISTAKES: list[tuple[str, int, str]] = [
    ("(oil", 0, "never closed"),
    ("oil (gas OR coal", 4, "never closed"),
    ("oil)", 3, "no opening"),
    ("a) (b", 1, "no opening"),
    ('"oil prices', 0, "never closed"),
    ('oil "prices', 4, "never closed"),
    ('headline:"oil', 9, "never closed"),
    ("oil AND", 4, "AND needs"),
    ("AND oil", 0, "AND needs"),
    ("oil AND AND gas", 4, "AND needs"),
    ("oil OR", 4, "OR needs"),
    ("OR oil", 0, "OR needs"),
    ("oil OR OR gas", 4, "OR needs"),
    ("oil AND OR gas", 4, "AND needs"),
    ("a (b OR) c", 5, "OR needs"),
    ("NOT", 0, "NOT needs"),
    ("oil NOT", 4, "NOT needs"),
    ("oil -)", 5, "no opening"),
    ("NOT )", 0, "NOT needs"),
    ("()", 0, "empty parentheses"),
    ("oil ()", 4, "empty parentheses"),
    ("foo:bar", 0, 'unknown field "foo:"'),
    ("oil colour:red", 4, "unknown field"),
    ("oil headline:", 13, "put a word"),
    ("headline: oil", 9, "put a word"),
    ("source:(a)", 7, "put a word"),
    ('headline:"!!"', 10, "no letters or digits"),
    ("headline:!!", 9, "no letters or digits"),
    ('""', 1, "no letters or digits"),
    ('oil "  "', 5, "no letters or digits"),
    ('source:""', 8, "needs a value"),
    ("since:yesterdayish", 6, "not a date"),
    ("since:2010-13-01", 6, "not a date"),
    ("until:2010-02-30", 6, "not a date"),
    ("oil since:last-week", 10, "not a date"),
    ("since:9999999d", 6, "not a date"),
    ("oil " + "x" * 45, 4, "too long"),
]


@pytest.mark.parametrize(("text", "position", "message"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistakes(text: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text, now=NOW)
    assert info.value.position == position
    assert message in info.value.reason
    assert info.value.query == text
    # the message points at the spot under the query
    assert str(info.value).endswith(text + "\n  " + " " * position + "^")


NODE_TYPES = (Term, Phrase, Keyword, DateRange, And, Or, Not, MatchAll)


def _well_formed(node: Query) -> bool:
    if isinstance(node, And | Or):
        return len(node.parts) >= 2 and all(
            _well_formed(p) and not isinstance(p, type(node)) for p in node.parts
        )
    if isinstance(node, Not):
        return not isinstance(node.part, Not) and _well_formed(node.part)
    if isinstance(node, Term):
        return bool(node.token) and node.token == node.token.lower()
    if isinstance(node, Phrase):
        return len(node.tokens) >= 2
    return isinstance(node, NODE_TYPES)


def _check(text: str) -> None:
    try:
        tree = parse_query(text, now=NOW)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        assert exc.reason
    else:
        assert _well_formed(tree)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_fuzz_any_text(text: str) -> None:
    _check(text)


QUERYISH = st.lists(
    st.sampled_from(
        ["oil", "Gas", "(", ")", '"', "AND", "OR", "NOT", "-", " ", "headline:", "source:",
         "since:", "7d", "2010-05-03", "nope:", "x", "&", ":", "—", "é", "ü", "19", "\t"]
    ),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(QUERYISH)
def test_fuzz_query_like_text(text: str) -> None:
    _check(text)


def test_relative_dates_follow_the_zone_of_now() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = datetime(2024, 3, 10, 5, 0, tzinfo=tokyo)  # 2024-03-09 20:00 UTC
    assert parse_query("since:today", now=now) == DateRange(utc(2024, 3, 9, 15), None)
    naive = datetime(2024, 3, 10, 12, 0)
    assert parse_query("since:1d", now=naive) == DateRange(utc(2024, 3, 9, 12), None)


def test_relative_dates_default_to_the_clock() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    tree = parse_query("since:1h")
    assert isinstance(tree, DateRange) and tree.start is not None
    assert before - timedelta(hours=1, seconds=1) <= tree.start <= datetime.now(UTC)


def test_register_field_adds_an_alias() -> None:
    register_field("speaker", FieldSpec("keyword", "by", "who is quoted"))
    assert parse_query('speaker:"Tom Reyes"') == Keyword("by", "tom reyes")
    register_field("speaker", FieldSpec("keyword", "by", "who is quoted"))  # idempotent


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("speaker", FieldSpec("text", "quote")),  # already registered differently
        ("bad name", FieldSpec("keyword", "by")),
        ("weight", FieldSpec("keyword")),  # the index holds no such keyword field
        ("summary", FieldSpec("text", "source")),  # a keyword field is not text
    ],
)
def test_register_field_refuses(name: str, spec: FieldSpec) -> None:
    register_field("speaker", FieldSpec("keyword", "by", "who is quoted"))
    with pytest.raises(ValueError):
        register_field(name, spec)


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("(" * 3000 + "a" + ")" * 3000, 32),  # the 33rd "("
        ("NOT " * 3000 + "a", 128),  # the 33rd NOT
        ("(NOT " * 1500 + "a" + ")" * 1500, 80),  # 16 pairs, then the 33rd level
    ],
    ids=["parentheses", "not", "mixed"],
)
def test_issue13_9_deep_nesting_is_a_syntax_error_with_a_position(
    query: str, position: int
) -> None:
    """These raised RecursionError instead of a QuerySyntaxError."""
    from broadsheet.search.query import MAX_NESTING

    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    assert info.value.reason == f"nested too deeply: at most {MAX_NESTING} levels of ( ) and NOT"
    assert info.value.position == position


def test_issue13_9_nesting_up_to_the_limit_still_parses() -> None:
    from broadsheet.search.query import MAX_NESTING

    assert parse_query("(" * MAX_NESTING + "copper" + ")" * MAX_NESTING) == parse_query("copper")
    assert parse_query("NOT " * (MAX_NESTING - 1) + "copper") == parse_query("NOT copper")
    assert parse_query("-" * 3000 + "copper") == parse_query("copper")  # dashes are no operator
