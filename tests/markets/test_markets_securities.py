"""The securities master: lookup by ticker, name and alias; search; normalisation."""

from __future__ import annotations

import pytest

from broadsheet.markets.securities import (
    SecuritiesMaster,
    current_ticker,
    load_securities,
    normalize_name,
    normalize_ticker,
    price_history_ticker,
)
from broadsheet.models import Security


@pytest.fixture(scope="module")
def master() -> SecuritiesMaster:
    return load_securities()


def test_bundled_list_is_complete(master: SecuritiesMaster) -> None:
    assert len(master) > 10_000
    apple = master.get("AAPL")
    assert apple is not None
    assert (apple.name, apple.cik, apple.exchange) == ("Apple Inc.", 320193, "Nasdaq")
    assert "Apple" in apple.aliases


@pytest.mark.parametrize(
    ("text", "ticker"),
    [
        ("AAPL", "AAPL"),
        ("aapl", "AAPL"),
        ("$AAPL", "AAPL"),
        ("Apple", "AAPL"),
        ("Apple Inc.", "AAPL"),
        ("APPLE INC", "AAPL"),
        ("apple computer", "AAPL"),
        ("Microsoft Corporation", "MSFT"),
        ("MICROSOFT CORP", "MSFT"),
        ("Google", "GOOGL"),
        ("Alphabet", "GOOGL"),
        ("Alphabet Inc. Class A", "GOOGL"),
        ("GOOGL", "GOOGL"),
        ("GOOG", "GOOG"),  # an exact ticker wins: Alphabet class C
        ("Facebook", "META"),
        ("FB", "META"),  # former ticker
        ("Meta Platforms, Inc.", "META"),
        ("IBM", "IBM"),
        ("International Business Machines Corp.", "IBM"),
        ("Big Blue", "IBM"),
        ("BRK.B", "BRK-B"),
        ("brk/b", "BRK-B"),
        ("Berkshire Hathaway", "BRK-B"),  # shared name: the larger listing
        ("JPMorgan Chase & Co.", "JPM"),
        ("Walmart", "WMT"),
        ("  nvidia  ", "NVDA"),
    ],
)
def test_lookup(master: SecuritiesMaster, text: str, ticker: str) -> None:
    found = master.lookup(text)
    assert found is not None, text
    assert found.ticker == ticker


@pytest.mark.parametrize("text", ["", "   ", "Inc.", "Nonexistent Widgets Corp", "ZZZZZZ", "Corp"])
def test_lookup_misses(master: SecuritiesMaster, text: str) -> None:
    assert master.lookup(text) is None


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Apple Inc.", "apple"),
        ("APPLE INC /DE/", "apple"),
        ("Alphabet Inc. Class C", "alphabet"),
        ("JPMORGAN CHASE & CO", "jpmorgan chase"),
        ("Meta Platforms, Inc.", "meta platforms"),
        ("The Coca-Cola Company", "coca cola"),
        ("Procter & Gamble Co", "procter and gamble"),
    ],
)
def test_normalize_name(name: str, normal: str) -> None:
    assert normalize_name(name) == normal


@pytest.mark.parametrize(
    ("raw", "ticker"), [("aapl", "AAPL"), ("$msft", "MSFT"), ("brk.b", "BRK-B"), (" ibm ", "IBM")]
)
def test_normalize_ticker(raw: str, ticker: str) -> None:
    assert normalize_ticker(raw) == ticker


def test_ticker_history() -> None:
    assert current_ticker("FB") == "META"
    assert current_ticker("AAPL") == "AAPL"
    assert price_history_ticker("GOOG") == "GOOGL"
    assert price_history_ticker("FB") == "META"
    assert price_history_ticker("IBM") == "IBM"


def test_search_ranks_exact_then_prefix(master: SecuritiesMaster) -> None:
    hits = master.search("apple", limit=5)
    assert hits[0].ticker == "AAPL"
    assert len(hits) <= 5
    tickers = [s.ticker for s in master.search("MSF", limit=10)]
    assert tickers[0] == "MSFT"
    assert len(set(tickers)) == len(tickers)
    names = [s.name.lower() for s in master.search("bank of", limit=5)]
    assert names and all("bank" in n for n in names)
    assert master.search("", limit=5) == []
    assert master.search("apple", limit=0) == []


def test_extra_entries_win() -> None:
    master = load_securities(
        [Security(ticker="zzzt", name="Test Widgets plc", aliases=("Widgets",))]
    )
    assert master.lookup("Widgets") == master.get("ZZZT")
    assert master.lookup("test widgets") is not None
    assert "zzzt" in master


def test_first_listing_of_a_ticker_wins() -> None:
    master = SecuritiesMaster(
        [
            Security("ABC", "Alpha Beta Corp"),
            Security("ABC", "Other Co"),
            Security("ABD", "Alpha Beta Corp"),
        ]
    )
    assert len(master) == 2
    found = master.lookup("alpha beta")
    assert found is not None and found.ticker == "ABC"
