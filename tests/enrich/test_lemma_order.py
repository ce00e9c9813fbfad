"""The rule lemmatizer ranks its forms the same way whatever spaCy 3.8 is installed.

spaCy 3.8.8 changed the order of the rule lemmatizer's candidate forms ("hoped": "hop"
before "hope"); the quote classifier is fitted on that order, and the older wheels (faster
parser loop) must give the same lemmas (``nlp.rule_lemmas``, benchmarks/enrich.md).
"""

from __future__ import annotations

from importlib.metadata import version

import pytest
from spacy.pipeline import Lemmatizer

from broadsheet.enrich import Enricher
from broadsheet.enrich.nlp import load_nlp, rule_lemmas

TEXT = (
    "She hoped the coders coded it, and he hates the tinged walls they stared at. "
    "The ministers said the banks were raising rates; shares fell and analysts worried."
)
# (word, lemma) where the two orders differ: spaCy >= 3.8.8's choice
LATER_ORDER = [("hoped", "hop"), ("coded", "cod"), ("hates", "hat"), ("stared", "star")]
# words both orders lemmatize alike
ALIKE = [("said", "say"), ("raising", "raise"), ("fell", "fall"), ("worried", "worry")]


@pytest.mark.parametrize(("word", "lemma"), LATER_ORDER + ALIKE)
def test_lemmas_in_the_later_order_on_every_spacy(word: str, lemma: str) -> None:
    doc = load_nlp()(TEXT)
    assert [t.lemma_ for t in doc if t.text == word] == [lemma]


def test_fast_tagger_gives_the_same_lemmas() -> None:
    fast = Enricher(quotes=False).parse(TEXT)
    assert [t.lemma_ for t in fast] == [t.lemma_ for t in load_nlp()(TEXT)]


def _version() -> tuple[int, ...]:
    return tuple(int(p) for p in version("spacy").split(".")[:3] if p.isdigit())


@pytest.mark.skipif(_version() < (3, 8, 8), reason="spaCy's own order differs before 3.8.8")
def test_same_forms_as_spacy_itself() -> None:
    nlp = load_nlp()
    lemmatizer = nlp.get_pipe("lemmatizer")
    for token in nlp(TEXT):
        lemmatizer.cache.clear()
        ours = rule_lemmas(lemmatizer, token)
        lemmatizer.cache.clear()
        assert ours == Lemmatizer.rule_lemmatize(lemmatizer, token), token.text
