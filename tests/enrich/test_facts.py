"""Numeric facts: value, unit, measure, period, subject; period normalisation; fuzzing."""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.enrich import Enricher, normalise_period
from broadsheet.models import Fact


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _facts(text: str) -> tuple[Fact, ...]:
    facts = _enricher().analyze(text).facts
    for f in facts:
        assert text[f.start : f.end] == f.text
    return facts


def _fact(text: str, written: str) -> Fact:
    for f in _facts(text):
        if f.text == written:
            return f
    raise AssertionError(f"no fact {written!r} in {[f.text for f in _facts(text)]}")


# text, number as written, value, unit, measure, period, subject
CASES = [
    (
        "Freedonia’s economy needs exports to sustain economic growth that reached 6.2 percent "
        "in the first three months of this year.",
        "6.2 percent",
        6.2,
        "%",
        "economic growth",
        "first three months of this year",
        "Freedonia",
    ),
    (
        "Germany’s unemployment rate was 5.9 per cent in March.",
        "5.9 per cent",
        5.9,
        "%",
        "Germany’s unemployment rate",
        "March",
        "Germany",
    ),
    (
        "Canada accounted for 41% of the region’s timber exports last year.",
        "41%",
        41.0,
        "%",
        "region’s timber exports",
        "last year",
        "Canada",
    ),
    (
        "Profit at Siemens rose to €2.3 billion in the second quarter.",
        "€2.3 billion",
        2.3e9,
        "EUR",
        "Profit",
        "second quarter",
        "Siemens",
    ),
    (
        "Brazil said oil output reached 3.1 million barrels a day in 2023.",
        "3.1 million barrels a day",
        3.1e6,
        "barrels a day",
        "oil output",
        "2023",
        "Brazil",
    ),
]


@pytest.mark.parametrize(
    ("text", "written", "value", "unit", "measure", "period", "subject"), CASES
)
def test_fact_fields(
    text: str, written: str, value: float, unit: str, measure: str, period: str, subject: str
) -> None:
    fact = _fact(text, written)
    assert fact.value == pytest.approx(value)
    assert fact.unit == unit
    assert fact.measure == measure
    assert fact.period == period
    assert fact.subject == subject


@pytest.mark.parametrize(
    ("text", "written", "value", "unit"),
    [
        ("The deal is worth $1.2 billion, people familiar said.", "$1.2 billion", 1.2e9, "USD"),
        ("Loans total $ 8.9bn so far.", "$ 8.9bn", 8.9e9, "USD"),
        ("More than 90 percent of the members voted yes.", "More than 90 percent", 90.0, "%"),
        ("About 1.78 million people live there.", "About 1.78 million people", 1.78e6, "people"),
        ("The firm cut 12,500 jobs.", "12,500 jobs", 12_500.0, "jobs"),
        ("Yields rose 25 basis points.", "25 basis points", 25.0, "bp"),
        ("He ran the agency from 1997-2003.", "1997-2003", "1997-2003", "years"),
        ("Sales reached 40 billion yuan.", "40 billion yuan", 4e10, "CNY"),
    ],
)
def test_values_and_units(text: str, written: str, value: float | str, unit: str) -> None:
    fact = _fact(text, written)
    assert fact.value == (value if isinstance(value, str) else pytest.approx(value))
    assert fact.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "Call +1 212 555 0100 for details.",
        "The agency was founded in 1951.",
        "They met on May 3 and again on June 6, 2010.",
        "It is the No. 3 trading partner.",
        "The 10-minute walk took three days.",
    ],
)
def test_numbers_that_are_not_facts(text: str) -> None:
    assert _facts(text) == ()


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("first three months of this year", "Q1"),
        ("first quarter", "Q1"),
        ("second quarter of 2009", "2009-Q2"),
        ("fourth quarter", "Q4"),
        ("first half", "H1"),
        ("fiscal 2024", "FY2024"),
        ("2019", "2019"),
        ("last year", None),
        ("March", None),
    ],
)
def test_normalise_period(period: str, expected: str | None) -> None:
    assert normalise_period(period) == expected


_WORDS = st.sampled_from(
    [
        "growth",
        "rose",
        "to",
        "$",
        "€",
        "1.2",
        "3,400",
        "billion",
        "percent",
        "per cent",
        "%",
        "of",
        "China",
        "last",
        "year",
        "in",
        "the",
        "1997-2003",
        "-",
        "bn",
        "about",
        "more than",
        "people",
        "barrels",
        "\n\n",
        ".",
        "’s",
        "yen",
        "(",
        ")",
        "0",
        "99.99",
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_WORDS, max_size=30).map(" ".join))
def test_facts_never_crash_and_offsets_hold(text: str) -> None:
    for fact in _facts(text):
        assert fact.start < fact.end
        assert isinstance(fact.value, (float, str))
