"""The lexicon: a line's terms and their weights as one more input of the text-dump model."""

from __future__ import annotations

import json
import math

import pytest

from broadsheet.extract.textdump_features import split_lines
from broadsheet.extract.textdump_lexicon import CLIP, MAX_WORDS, Lexicon, line_terms


def test_terms_are_words_pairs_and_the_ends_of_the_line() -> None:
    words = ("Sign", "up", "for", "our", "Newsletter", "2026")
    assert line_terms(words) == sorted(
        {
            "sign",
            "up",
            "for",
            "our",
            "newsletter",
            "sign up",
            "up for",
            "for our",
            "our newsletter",
            "^sign",
            "newsletter$",
        }
    )
    # numbers and marks are no terms: they differ from page to page
    assert line_terms(("2026", "12", "_")) == []
    # a term is counted once however often the line repeats it
    assert line_terms(("share", "share", "share")) == ["^share", "share", "share share", "share$"]


def test_a_long_line_gives_terms_of_its_first_words_and_its_last() -> None:
    words = tuple(f"w{'a' * i}" for i in range(MAX_WORDS + 20))
    terms = line_terms(words)
    assert f"w{'a' * (MAX_WORDS - 1)}" in terms
    assert f"w{'a' * MAX_WORDS}" not in terms
    assert f"w{'a' * (MAX_WORDS + 19)}$" in terms


def test_log_odds_are_the_bias_plus_the_weights_over_the_root_of_the_terms() -> None:
    lexicon = Lexicon({"subscribe": -2.0, "^subscribe": -1.0, "said": 1.5}, 0.25)
    lines = split_lines("Subscribe now\n\nThe minister said so\n\n2026\n")
    got = lexicon.logits(lines)
    # "subscribe now": ^subscribe, now, now$, subscribe, subscribe now
    assert got[0] == pytest.approx(0.25 + (-2.0 - 1.0) / math.sqrt(5))
    # the, minister, said, so and three pairs, ^the, so$
    assert got[1] == pytest.approx(0.25 + 1.5 / math.sqrt(9))
    assert got[2] == pytest.approx(0.25)  # no terms: the bias alone
    loud = Lexicon({"buy": 100.0}, 0.0)
    assert loud.logits(split_lines("buy buy\n"))[0] == CLIP


def test_the_lexicon_reads_the_same_after_a_trip_through_json() -> None:
    lexicon = Lexicon({"cookies": -1.23456, "according to": 0.5}, -0.75)
    back = Lexicon.from_json(json.loads(json.dumps(lexicon.to_json())))
    lines = split_lines("We use cookies\n\naccording to the report\n")
    assert back.logits(lines) == pytest.approx(lexicon.logits(lines), abs=1e-4)
    with pytest.raises(ValueError, match="term: weight"):
        Lexicon.from_json({"weights": [1, 2], "bias": 0})
