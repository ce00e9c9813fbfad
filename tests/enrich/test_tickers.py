"""Ticker linking: name normalisation, aliases, tags, false-positive guards, relevance."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from broadsheet.enrich import Enricher, load_ticker_table, normalise_company_name
from broadsheet.enrich.patterns import alternation
from broadsheet.models import TickerMention


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _tickers(text: str) -> tuple[TickerMention, ...]:
    mentions = _enricher().analyze(text).tickers
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert 0.0 <= m.relevance <= 1.0
    return mentions


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Apple Inc.", "apple"),
        ("AMAZON COM INC", "amazon"),
        ("MICROSOFT CORP", "microsoft"),
        ("Alphabet Inc. Class A", "alphabet"),
        ("The Goldman Sachs Group, Inc.", "goldman sachs"),
        ("Procter & Gamble Co", "procter and gamble"),
        ("Unilever PLC", "unilever"),
        ("Meta Platforms, Inc.", "meta platforms"),
        ("McDonald’s Corp.", "mcdonald"),
    ],
)
def test_normalise_company_name(name: str, expected: str) -> None:
    assert normalise_company_name(name) == expected


@pytest.mark.parametrize(
    ("name", "ticker"),
    [
        ("Apple", "AAPL"),
        ("Google", "GOOGL"),
        ("Alphabet Inc.", "GOOGL"),
        ("Facebook", "META"),
        ("Meta", "META"),
        ("Microsoft Corp.", "MSFT"),
        ("International Business Machines", "IBM"),
        ("IBM", "IBM"),
        ("Amazon", "AMZN"),
        ("NVIDIA Corporation", "NVDA"),
        ("Walmart Inc.", "WMT"),
        ("Kotra", None),
        ("International Department", None),
        ("China", None),
        ("NASDAQ", None),
        ("the New York Stock Exchange", None),
    ],
)
def test_table_lookup(name: str, ticker: str | None) -> None:
    assert load_ticker_table().lookup(name) == ticker


def test_table_is_loaded_once() -> None:
    assert load_ticker_table() is load_ticker_table()
    assert _enricher().tickers is load_ticker_table()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apple said on Tuesday that its quarterly revenue rose.", {"AAPL"}),
        ("Microsoft and Google agreed to share patents, the companies said.", {"MSFT", "GOOGL"}),
        ("Investors piled into $NVDA after the report.", {"NVDA"}),
        ("Brightwater Tools (NASDAQ: AAPL) is not a real listing name.", {"AAPL"}),
        ("Shares of Target Corp. rose after it beat forecasts.", {"TGT"}),
        ("Target said quarterly sales beat analysts' estimates and its shares rose.", {"TGT"}),
        # common words without a corporate cue are not companies
        ("The central bank's inflation target is 2 percent.", set()),
        ("The Target for next year was set by the committee.", set()),
        ("The gap between rich and poor widened.", set()),
        ("Visa rules for students were tightened by the government.", set()),
        ("A $5 fee applies; prices are in $ and euros.", set()),
        ("He paid $ABCDEFG for it.", set()),
    ],
)
def test_linking_and_false_positive_guards(text: str, expected: set[str]) -> None:
    assert {m.ticker for m in _tickers(text)} == expected


def test_exchange_tag_links_the_company_named_before_it() -> None:
    text = (
        "Northwind Analytics Corp. (NYSE: IBM) said profit rose. "
        "Northwind Analytics Corp. will pay a dividend next month."
    )
    mentions = _tickers(text)
    assert {m.ticker for m in mentions} == {"IBM"}
    assert len(mentions) >= 2
    assert text[mentions[0].start : mentions[0].end].startswith("Northwind")


def test_relevance_prefers_headline_and_frequent_companies() -> None:
    text = (
        "Microsoft Raises Its Dividend\n\n"
        "Microsoft said on Thursday it would raise its quarterly dividend by 10 percent, "
        "and the company's shares rose in late trading.\n\n"
        "Microsoft also repeated its forecast for cloud sales. Analysts said the move "
        "put pressure on rivals.\n\n"
        "Shares of Amazon were little changed."
    )
    mentions = _tickers(text)
    relevance = {m.ticker: m.relevance for m in mentions}
    assert set(relevance) == {"MSFT", "AMZN"}
    assert relevance["MSFT"] > 0.8
    assert relevance["AMZN"] < 0.5
    assert all(m.company for m in mentions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apple unveiled a new phone in Cupertino on Tuesday.", {"AAPL"}),
        ("She baked an apple pie for the fair.", set()),
        ("Apple pie was served at the fair.", set()),
        ("Shares of Walmart rose 1.5% in New York.", {"WMT"}),
        ("The Delta region flooded after the storm.", set()),
        ("Delta said it would add flights, and its shares rose.", {"DAL"}),
        ("Former president Gerald Ford visited the plant.", set()),
    ],
)
def test_aliases_and_common_words(text: str, expected: set[str]) -> None:
    assert {m.ticker for m in _tickers(text)} == expected


def test_alias_pattern_grouped_by_letter_finds_what_the_flat_alternation_finds() -> None:
    names = ["Johnson & Johnson", "Johnson", "General Motors", "GM", "Apple", "AMD", "3M", "ge"]
    flat = re.compile(
        r"(?<![\w&$.-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w&-])", re.I
    )
    grouped = re.compile(
        r"(?<![\w&$.-])" + alternation(names, ignore_case=True) + r"(?![\w&-])", re.I
    )
    text = (
        "JOHNSON & JOHNSON and johnson, xJohnson, General Motors' GM-made cars; apple AMD 3M "
        "3Ms GE ge, Johnson&Johnson, ĸ Apple.Inc $GM general motors Kelvin \u212a ſ Johnsons"
    )
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert grouped.pattern != flat.pattern
    table = load_ticker_table()
    hits = [m.group(0) for m in table.alias_pattern.finditer("Shares of Walmart and Apple rose.")]
    assert hits == ["Walmart", "Apple"]
