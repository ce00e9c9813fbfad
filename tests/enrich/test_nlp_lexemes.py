"""New words' lexeme attributes: ``like_num`` from sets gives spaCy's English answers
(``nlp._english_like_num``), and the pipeline uses it."""

from __future__ import annotations

import itertools

from spacy.attrs import LIKE_NUM
from spacy.lang.en import lex_attrs

from broadsheet.enrich.nlp import load_nlp

WORDS = [
    *lex_attrs._num_words,
    *lex_attrs._ordinal_words,
    "1st", "22nd", "3rd", "44th", "th", "st", "1,000", "1.5", "-3", "+4", "±5", "~6", "3/4",
    "3/4/5", "a/4", "Twenty", "FIRST", "Thousandth", "one-third", "1e5", "", "+", "٣", "²",
    "12th.", "x1st", "news", "said", "U.S.", "--", "...", "zero", "zeros", "Millions",
]  # fmt: skip


def test_like_num_same_as_spacys() -> None:
    ours = load_nlp().vocab.lex_attr_getters[LIKE_NUM]
    assert ours is not lex_attrs.like_num  # the pipeline's is the set-based one
    texts = set(WORDS)
    for a, b in itertools.product(["", "+", "-", "~", "1", "x", ",", ".", "/"], repeat=2):
        for word in ("2", "twelve", "nd", "12", "th", "Third", "/"):
            texts.update({a + word, word + a, a + word + b})
    for text in sorted(texts):
        assert ours(text) is lex_attrs.like_num(text), text


def test_new_words_like_num_on_the_lexeme() -> None:
    nlp = load_nlp()
    doc = nlp("They sold 4,321 units, the sixtieth time in 3/4 of the years, said Smith.")
    assert [t.text for t in doc if t.like_num] == ["4,321", "sixtieth", "3/4"]


def test_the_disabled_sentence_recogniser_is_not_loaded() -> None:
    """``load_nlp`` leaves out the model's ``senter`` (disabled in its config; the parser
    and the paragraph breaks set the sentences), unless the parser itself is left out."""
    nlp = load_nlp()
    assert "senter" not in nlp.component_names
    doc = nlp("He left. She stayed, and said so.\nA new line starts one too")
    assert [s.text for s in doc.sents] == [
        "He left.",
        "She stayed, and said so.\n",
        "A new line starts one too",
    ]
    assert "senter" in load_nlp("en_core_web_sm", ("parser",)).component_names
