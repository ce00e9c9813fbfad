"""Candidates for attributions no pattern reached before (issue 12, recall): each test's
sentence is written for it, and each asserts the candidate the classifier can now weigh."""

from __future__ import annotations

import pytest

from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import straighten_quotes
from broadsheet.enrich.quotes.candidates import _collect_candidates
from broadsheet.enrich.quotes.marks import find_quote_spans


def _candidates(text: str) -> list[tuple[str, str, str | None]]:
    doc = load_nlp()(straighten_quotes(text))
    found = _collect_candidates(doc, None, text, find_quote_spans(text))
    return [
        (
            c.pattern,
            text[c.content[0] : c.content[1]],
            c.source.text if c.source is not None else None,
        )
        for c in found
        if c.content[0] >= 0
    ]


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        (
            "The mayor showed little regret about the delay; instead, she said that the "
            "contractor had.",
            "that the contractor had",
            "she",
        ),
        (
            '"Give me a minute to explain," Lopez said after a quick "I apologize" to the chair.',
            '"Give me a minute to explain',
            "Lopez",
        ),
    ],
)
def test_a_clause_on_each_side_of_the_subject_is_a_reading_each(
    text: str, content: str, source: str
) -> None:
    # the parse hangs a clause on the cue before its subject and another after it: the
    # cue does not interrupt one clause, so each side is a clause candidate
    assert ("ccomp", content, source) in _candidates(text)


def test_a_cue_between_doubled_apostrophe_quotations_takes_the_whole_sentence() -> None:
    text = "''The sooner we fix the levee,'' she said, ''the safer the town will be.''"
    assert ("split", text, "she") in _candidates(text)


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        (
            "Harbor council staff: the ferry budget will run out in March.",
            " the ferry budget will run out in March.",
            "staff",
        ),
        (
            'WATER RATES TO RISE AGAIN - Utility director Ana Ruiz: "We have no other way to '
            'pay for the pipes."',
            ' "We have no other way to pay for the pipes."',
            "Ruiz",
        ),
    ],
)
def test_a_noun_phrase_and_a_colon_in_a_headline_line_is_a_source(
    text: str, content: str, source: str
) -> None:
    # not only a capitalised name opening the paragraph: "Clinton camp:", "X - Name: “...”"
    assert ("colon", content, source) in _candidates(text)


def test_a_colon_inside_a_long_sentence_is_no_source() -> None:
    text = (
        "The schedule was simple, and everyone knew it well. There were three stops on the "
        "route that morning: the mill, the school and the old church by the river, which the "
        "driver always visited last."
    )
    assert not [c for c in _candidates(text) if c[0] == "colon"]
