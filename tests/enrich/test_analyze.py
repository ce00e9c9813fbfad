"""The orchestrator: one parse per article, batch equals single, offsets always hold."""

from __future__ import annotations

import importlib
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet import enrich
from broadsheet.enrich import Enricher, analyze_text, annotations_to_dict, enrich_many_parallel
from broadsheet.models import Annotations

ARTICLES = [
    (
        "Harbor Foods Cuts Outlook\n\n"
        "Harbor Foods Inc. said on Monday that quarterly revenue fell 4 percent to $2.1 billion, "
        "and chief executive Laura Mendes warned that costs would stay high. Mendes said the "
        "company would close 12 stores in Ohio.\n\n"
        "Shares of Walmart rose 1.5% in New York."
    ),
    (
        "The European Central Bank kept its deposit rate at 4 per cent on Thursday. "
        "ECB President Elena Vargas told reporters in Frankfurt that inflation of 2.9 percent "
        "in the second quarter was still too high. Vargas did not rule out another increase."
    ),
    "",
    "   \n\n  ",
    "Short line without structure",
    (
        "Ministers from Japan and South Korea met in Seoul to discuss trade.\n\n"
        "“We made progress,” said Foreign Minister Aiko Tanaka. Tanaka added that talks on "
        "tariffs would resume in the first half of next year."
    ),
]


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _check_offsets(text: str, ann: Annotations) -> None:
    for e in ann.entities:
        assert text[e.start : e.end] == e.text
        assert e.entity_id and e.entity_id.startswith(e.type.lower() + ":")
    for f in ann.facts:
        assert text[f.start : f.end] == f.text
    for t in ann.tickers:
        assert 0 <= t.start < t.end <= len(text)
    for q in ann.quotes:
        assert 0 <= q.content[0] < q.content[1] <= len(text)
        for span in (q.source, q.cue):
            if span is not None:
                assert 0 <= span[0] < span[1] <= len(text)


@pytest.mark.parametrize("text", ARTICLES)
def test_offsets_index_the_text(text: str) -> None:
    _check_offsets(text, _enricher().analyze(text))


def test_analyze_many_equals_analyze() -> None:
    enricher = _enricher()
    singles = [enricher.analyze(t) for t in ARTICLES]
    assert list(enricher.analyze_many(ARTICLES, batch_size=2)) == singles
    assert list(enricher.analyze_many(iter(ARTICLES))) == singles


def test_empty_text_gives_empty_annotations() -> None:
    assert _enricher().analyze("") == Annotations()
    assert _enricher().analyze("  \n ") == Annotations()


def test_article_reads_as_a_whole() -> None:
    ann = _enricher().analyze(ARTICLES[0])
    people = {e.name for e in ann.entities if e.type == "PERSON"}
    assert people == {"Laura Mendes"}
    assert {t.ticker for t in ann.tickers} == {"WMT"}
    assert any(f.unit == "USD" and f.value == pytest.approx(2.1e9) for f in ann.facts)
    assert ann.tone < 0


def test_analyze_text_uses_a_shared_enricher() -> None:
    text = ARTICLES[1]
    assert analyze_text(text, enricher=_enricher()) == _enricher().analyze(text)
    default = analyze_text(text)
    assert default.entities == _enricher().analyze(text).entities


def test_quotes_use_the_same_parse_when_available() -> None:
    try:
        module = importlib.import_module("broadsheet.enrich.quotes")
    except ImportError:
        enricher = Enricher()
        assert enricher.find_quotes is None
        assert enricher.analyze(ARTICLES[5]).quotes == ()
        return
    enricher = Enricher()
    assert enricher.find_quotes is module.find_quotes
    ann = enricher.analyze(ARTICLES[5])
    _check_offsets(ARTICLES[5], ann)
    assert ann.entities == _enricher().analyze(ARTICLES[5]).entities


def test_parallel_equals_sequential() -> None:
    texts = ARTICLES * 2
    expected = [_enricher().analyze(t) for t in texts]
    assert list(enrich_many_parallel(texts, 2, chunk_size=3, quotes=False)) == expected
    assert list(enrich_many_parallel(texts[:3], 1, quotes=False)) == expected[:3]


def test_annotations_to_dict_has_the_analyze_fields() -> None:
    row = annotations_to_dict(_enricher().analyze(ARTICLES[1]))
    assert {"entities", "quotes", "facts", "topics", "tickers", "tone"} <= set(row)
    entities = row["entities"]
    assert isinstance(entities, list)
    assert {"start", "end", "type", "name"} <= set(entities[0])
    facts = row["facts"]
    assert isinstance(facts, list)
    assert {"start", "end", "value", "unit", "measure", "period", "subject"} <= set(facts[0])


def test_public_names_exist() -> None:
    for name in enrich.__all__:
        assert hasattr(enrich, name), name


_PIECES = st.sampled_from(
    [
        "Kim",
        "Jong",
        "Il’s",
        "the",
        "The",
        "University",
        "of",
        "California",
        ",",
        "San",
        "Diego",
        "Party",
        "’s",
        "'s",
        "(",
        ")",
        "CPC",
        "said",
        "Secretary",
        "of",
        "State",
        "Hillary",
        "Clinton",
        "$",
        "1.2",
        "billion",
        "percent",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        "Apple",
        "Inc.",
        "(NASDAQ: AAPL)",
        "$MSFT",
        "—",
        "“",
        "”",
        ".",
        "1997-2003",
        "Ministry",
        "Foreign",
        "Spokeswoman",
        "Jiang",
        "Yu",
        "People’s",
        "Bank",
        "==",
        "[[",
        "]]",
        "é",
        "🙂",
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(" ".join))
def test_any_text_gives_valid_offsets(text: str) -> None:
    _check_offsets(text, _enricher().analyze(text))
