"""Furniture above and inside a text dump's story: server warnings printed into the page,
blocks of teasers between the page header and the story, captions with a bracketed photo
credit (rules of ``textdump_region`` and ``textdump_header``, on lines written for these
tests, so each rule is checked apart from the fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_header import is_credit, paren_credit, pull_captions
from broadsheet.extract.textdump_region import (
    drop_doubted_above,
    drop_stray_fragments,
    fill_holes,
    server_notice,
    teaser_link,
    trim_head,
)

from .test_textdump_region import PARA, PARA2, _lines

WARNINGS = [
    "Warning: Cannot modify header information - headers already sent by (output started "
    "at /var/www/town/wp-config.php:3) in /var/www/town/wp-includes/pluggable.php on line 12",
    "Strict Standards: Declaration of Town_Walker::start_el() should be compatible with "
    "Walker::start_el(&$output) in /var/www/town/wp-includes/classes.php on line 1199",
    "Deprecated: Function split() is deprecated in /var/www/town/index.php on line 40",
]


def test_server_warnings_are_notices_and_a_story_warning_is_not() -> None:
    assert all(server_notice(line) for line in _lines(*WARNINGS))
    others = [
        "Warning: the river is rising fast and the council has closed the footbridge again.",
        "Notice: the ferry runs on the winter timetable from Monday, on line 12 as before",
        PARA,
    ]
    assert not any(server_notice(line) for line in _lines(*others))


def test_server_warnings_above_and_inside_the_story_are_not_kept() -> None:
    lines = _lines(*WARNINGS, PARA, WARNINGS[0], PARA2)
    # kept by the model above the story: trimmed
    assert trim_head([0, 1, 2, 3, 5], lines) == [3, 5]
    # a warning between two paragraphs is not filled in as a heading of the story
    assert fill_holes([3, 5], lines, [0.9] * 6, 3, 0.02) == [3, 5]


TEASERS = [
    "Council Votes On Parking Fees",
    "The vote on new fees for the town centre car parks was put off until the spring.",
    "Bakery Opens In The Old Bank",
    "A family bakery has moved into the old bank on the market square, with a cafe upstairs.",
]
HEADER = ["Footbridge Opens Two Months Late", "By Jane Roe, March 3, 2021"]


def test_doubted_teasers_above_the_headline_are_dropped() -> None:
    lines = _lines(*TEASERS, *HEADER, PARA, PARA2, PARA)
    kept = [0, 1, 2, 3, 6, 7, 8]
    probs = [0.4, 0.45, 0.4, 0.45, 0.2, 0.3, 0.9, 0.9, 0.85]
    assert drop_doubted_above(kept, lines, probs, 4) == [6, 7, 8]
    assert drop_stray_fragments(kept, lines, probs, 0.35, 4, anchor=4) == [6, 7, 8]


def test_lines_above_the_headline_stay_when_not_doubted_or_the_story_is() -> None:
    lines = _lines(*TEASERS, *HEADER, PARA, PARA2, PARA)
    kept = [0, 1, 2, 3, 6, 7, 8]
    # the lines above score like a story's: kept
    sure = [0.7, 0.75, 0.7, 0.75, 0.2, 0.3, 0.9, 0.9, 0.85]
    assert drop_doubted_above(kept, lines, sure, 4) == kept
    # the story below the headline is doubted too (a short story, a wrong anchor): kept
    weak = [0.4, 0.45, 0.4, 0.45, 0.2, 0.3, 0.6, 0.6, 0.6]
    assert drop_doubted_above(kept, lines, weak, 4) == kept
    # fewer words below the headline than above it: kept
    doubted = [0.4, 0.45, 0.4, 0.45, 0.2, 0.3, 0.9, 0.9, 0.85]
    assert drop_doubted_above(kept[:5], lines, doubted, 4) == kept[:5]


def test_a_story_above_a_wrong_anchor_is_not_dropped() -> None:
    # the story's paragraphs, three in a row that the model is sure of, then a table row
    # taken for the headline and a list of teasers below it that score higher
    lines = _lines(PARA, PARA2, PARA, PARA2, "20 Norwich City Norwich 21", *TEASERS * 3)
    probs = [0.1, 0.6, 0.6, 0.6, 0.2] + [0.95] * 12
    kept = [0, 1, 2, 3, *range(5, 17)]
    assert drop_doubted_above(kept, lines, probs, 4) == kept


def test_a_caption_ending_in_a_bracketed_photo_credit_is_a_credit() -> None:
    captions = [
        "The mayor opens the footbridge on Friday. (AP Photo/Jane Roe)",
        "Walkers on the new bridge over the river. (Jane Roe/Bloomberg via Getty Images)",
        "Die neue Brücke über den Fluss am Freitag. (Foto: dpa)",
        "The old ferry landing below the bridge. (Image credit: Town Council)",
    ]
    assert all(paren_credit(text) for text in captions)
    others = [
        "Do the usual setup steps first (confirm your email, add a credit card)",
        "50 GB Datenvolumen im Monat (mit bis zu 300 MBit/s)",
        "The council's own video of the opening (https://example.org/bridge/Opening)",
        "(AP Photo/Jane Roe)",
        PARA,
    ]
    assert not any(paren_credit(text) for text in others)
    lines = _lines(PARA, captions[0], PARA2)
    assert is_credit(lines[1])
    body, images = pull_captions([0, 1, 2], lines)
    assert body == [0, 2] and len(images) == 1


def test_a_link_to_another_story_inside_this_one_is_dropped() -> None:
    links = [
        "READ MORE: Council votes to put off new parking fees until the spring",
        "Voir aussi : La boulangerie de la place du marché rouvre ses portes",
        "Lesen Sie auch: Neue Fähre fährt ab Montag nach Winterfahrplan",
    ]
    assert all(teaser_link(line) for line in _lines(*links))
    assert not any(teaser_link(line) for line in _lines("Read more about the bridge", PARA))
    lines = _lines(PARA, links[0], PARA2, PARA)
    probs = [0.9, 0.8, 0.9, 0.9]
    kept = drop_stray_fragments([0, 1, 2, 3], lines, probs, 0.5, 4, anchor=-1)
    assert kept == [0, 2, 3]
    # and hole filling does not bring it back
    assert fill_holes(kept, lines, probs, 3, 0.02) == [0, 2, 3]
