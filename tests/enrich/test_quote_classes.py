"""Cue classes (speech, writing, thought, action), group sources and signed quotations,
on sentences written for Broadsheet, through the real parse and ``find_quotes``."""

from __future__ import annotations

import pytest

from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import entities_from_doc, find_quotes, straighten_quotes
from broadsheet.enrich.quotes.classes import lemma_class
from broadsheet.models import Quote


def _quotes(body: str) -> list[Quote]:
    doc = load_nlp()(straighten_quotes(body))
    return find_quotes(doc, entities_from_doc(doc, body))


def _one(body: str, words: str) -> Quote:
    """The quote whose content holds ``words``."""
    found = [q for q in _quotes(body) if words in body[q.content[0] : q.content[1]]]
    assert found, (body, _quotes(body))
    return found[0]


@pytest.mark.parametrize(
    ("body", "words", "cls"),
    [
        (
            "Harbour master Ines Molnar said the quay would reopen on Thursday.",
            "the quay would reopen",
            "speech",
        ),
        (
            "“We are not selling the ferries,” Tomas Lindgren told reporters at the pier.",
            "We are not selling",
            "speech",
        ),
        (
            "Ines Molnar wrote in a letter to the council that the quay needed new pilings.",
            "the quay needed new pilings",
            "writing",
        ),
        (
            "The port authority said in a statement that the quay would stay shut until May.",
            "the quay would stay shut",
            "writing",
        ),
        (
            "Tomas Lindgren tweeted that the ferry fares were far too high.",
            "the ferry fares were far too high",
            "writing",
        ),
        (
            "A report by the harbour auditors found that the dredging had run over budget.",
            "the dredging had run over budget",
            "writing",
        ),
        (
            "Cargo through Calder fell 4 percent in March, according to customs figures "
            "released on Friday.",
            "Cargo through Calder fell",
            "writing",
        ),
        (
            "Cargo through Calder fell 4 percent in March, according to Ines Molnar.",
            "Cargo through Calder fell",
            "speech",
        ),
        (
            "Ines Molnar believes the new tariffs will drive cargo to rival ports.",
            "the new tariffs will drive cargo",
            "thought",
        ),
        (
            "Tomas Lindgren fears that the strike will spread to the rail yards.",
            "the strike will spread",
            "thought",
        ),
        (
            "The harbour master ordered a full inspection of the eastern quay.",
            "a full inspection of the eastern quay",
            "action",
        ),
        (
            "The mayor will announce a strategy for the flooded districts on Monday.",
            "a strategy for the flooded districts",
            "action",
        ),
    ],
)
def test_cue_class(body: str, words: str, cls: str) -> None:
    assert _one(body, words).cue_class == cls


def test_lexicon_classes_on_their_own() -> None:
    assert [lemma_class(w) for w in ("say", "write", "believe", "order", "Tweet")] == [
        "speech",
        "writing",
        "thought",
        "action",
        "writing",
    ]


def test_quoted_words_are_speech_whatever_verb_carries_them() -> None:
    body = "“That is the last ferry we will ever buy,” Ines Molnar laughed."
    q = _one(body, "last ferry")
    assert q.kind == "direct" and q.cue_class == "speech"


@pytest.mark.parametrize(
    ("body", "source", "speaker"),
    [
        (
            "American officials said the talks in Vienna had stalled over the weekend.",
            "American officials",
            "American officials",
        ),
        (
            "Analysts said the bank was unlikely to cut rates before the autumn.",
            "Analysts",
            "Analysts",
        ),
        (
            "Obama administration officials said the new sanctions would take effect in March.",
            "Obama administration officials",
            "Obama administration officials",
        ),
        (
            "Some economists said the harbour levy would barely dent the city's deficit.",
            "Some economists",
            "economists",
        ),
    ],
)
def test_a_group_is_the_source_and_the_speaker(body: str, source: str, speaker: str) -> None:
    (q,) = _quotes(body)
    assert q.source is not None and body[q.source[0] : q.source[1]] == source
    assert q.speaker == speaker and q.speaker_type == "GROUP"


def test_a_person_named_inside_a_group_is_not_its_speaker() -> None:
    body = (
        "Ines Molnar runs the port of Calder. Molnar aides said the port would hire 200 "
        "dockworkers next year."
    )
    q = _one(body, "the port would hire")
    assert q.speaker == "Molnar aides" and q.speaker_type == "GROUP"
    assert q.speaker_title is None


def test_a_group_s_organisation_is_its_affiliation() -> None:
    body = "Nordhavn Bank analysts said the cranes would be replaced by June."
    (q,) = _quotes(body)
    assert q.speaker_type == "GROUP" and q.speaker == "Nordhavn Bank analysts"
    assert q.speaker_affiliation == "Nordhavn Bank"


def test_a_quotation_signed_with_a_dash_is_the_signer_s() -> None:
    body = (
        "We asked readers what the harbour means to them.\n\n"
        "“It fed my family for three generations.” ― Marta Okonkwo\n\n"
        "“Without the ferries this town would empty out.” — Piet Vermeulen, Calder"
    )
    found = _quotes(body)
    said = {body[q.content[0] : q.content[1]]: q for q in found}
    first = said["“It fed my family for three generations.”"]
    assert first.speaker == "Marta Okonkwo" and first.kind == "direct"
    assert first.source is not None and body[first.source[0] : first.source[1]] == "Marta Okonkwo"
    second = said["“Without the ferries this town would empty out.”"]
    assert second.speaker == "Piet Vermeulen" and second.cue_class == "speech"
    # a dash inside a sentence signs nothing
    assert not _quotes("The strike ― the first since 1998 ― halted the port.")


@pytest.mark.parametrize(
    ("text", "pattern", "cls"),
    [
        ("In a new CNN poll, Clinton leads Trump by four points.", "source-in", "writing"),
        (
            "For most Democrats today, the Clinton years remain the good old days.",
            "source-for",
            "thought",
        ),
    ],
)
def test_a_poll_is_writing_and_for_x_a_view(text: str, pattern: str, cls: str) -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates
    from broadsheet.enrich.quotes.classes import classify_cue

    doc = load_nlp()(text)
    found = [c for c in _collect_candidates(doc, None, text, []) if c.pattern == pattern]
    assert [classify_cue(c, direct=False) for c in found] == [cls]
