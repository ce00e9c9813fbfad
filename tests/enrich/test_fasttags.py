"""The fast tagger gives exactly what the model's attribute_ruler + lemmatizer give."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.enrich import Enricher
from broadsheet.enrich.nlp import load_nlp

TEXTS = [
    "There is a gap, and there are doubts: I gotta say y'all ain't gonna like it.",
    "Let's go. C'mon, it was what it was; you did have the numbers, didn't you?",
    "The central bank raised rates by 50 basis points, and shares fell 3.2% on Tuesday.",
    "But the ministers, who had met in Oslo, said they would not comment.\n\nMarket Outlook\n\n",
    "“We made progress,” said Finance Minister Maria Lopez, whose party won 41 seats.",
    "He gets what he got. They're gonna be fine, but it's not over — is it?",
    "",
    "   ",
]


@lru_cache(maxsize=1)
def _pipelines() -> tuple[Any, Enricher]:
    return load_nlp(), Enricher(quotes=False)


def _attrs(doc: Any) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, t.dep_, t.lemma_, str(t.morph)) for t in doc]


def test_fast_tagger_is_on_by_default() -> None:
    _, enricher = _pipelines()
    assert enricher.fast_tagger is not None
    assert "attribute_ruler" not in enricher.nlp.pipe_names
    assert Enricher(quotes=False, fast_tags=False).fast_tagger is None


@pytest.mark.parametrize("text", TEXTS)
def test_same_tags_and_lemmas_as_the_model(text: str) -> None:
    standard, enricher = _pipelines()
    assert _attrs(enricher.parse(text)) == _attrs(standard(text))


def test_same_in_batches() -> None:
    standard, enricher = _pipelines()
    got = [_attrs(d) for d in enricher.parse_many(TEXTS, batch_size=3)]
    assert got == [_attrs(d) for d in standard.pipe(TEXTS)]


_WORDS = st.sampled_from(
    [
        "there",
        "is",
        "are",
        "was",
        "I",
        "it",
        "you",
        "gon",
        "na",
        "got",
        "ta",
        "let",
        "'s",
        "ai",
        "n't",
        "y'",
        "all",
        "do",
        "did",
        "have",
        "but",
        "that",
        "which",
        "rates",
        "rose",
        "Apple",
        "said",
        ",",
        ".",
        "the",
        "bank",
        "\n\n",
        "gets",
        "c'm",
        "on",
    ]
)


@settings(max_examples=30, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=25).map(" ".join))
def test_same_on_generated_text(text: str) -> None:
    standard, enricher = _pipelines()
    assert _attrs(enricher.parse(text)) == _attrs(standard(text))
