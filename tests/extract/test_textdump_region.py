"""The region and header rules of text-dump reading, on lines written for these tests
(scores are given, so each rule is checked apart from the fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_end import (
    cut_at_end_marker,
)
from broadsheet.extract.textdump_features import Line, consent_words, split_lines
from broadsheet.extract.textdump_header import pull_captions
from broadsheet.extract.textdump_region import (
    STORY_REACH,
    drop_repeated,
    drop_stray_fragments,
    furniture,
    trim_tail,
)

PARA = (
    "The county opened the new footbridge over the river on Friday, two months later than "
    "planned, after a dispute with the builder over the cost of the steel."
)
PARA2 = (
    "Walkers crossed it all afternoon, and the mayor said a second bridge further south would "
    "be put to the council in the spring if the first one draws the crowds it hopes for."
)


def _lines(*rows: str) -> list[Line]:
    return split_lines("\n\n".join(rows))


def test_a_weak_line_cut_off_from_the_story_is_dropped() -> None:
    # below the headline: a "most read" line, a list of teasers, then the story
    lines = _lines(
        "Footbridge Opens Two Months Late",
        "Most read: council votes on parking, and a new bakery opens in the old bank.",
        "Parking",
        "Bakery",
        "Weather",
        "Schools",
        PARA,
        PARA2,
    )
    probs = [0.1, 0.45, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9]
    assert drop_stray_fragments([1, 6, 7], lines, probs, 0.55, 4, anchor=0) == [6, 7]


def test_a_short_story_below_the_headline_beats_a_stronger_footer() -> None:
    # a short story scoring under the threshold, far above a footer line that scores over it
    rows = ["Footbridge Opens Two Months Late", PARA, PARA2]
    rows += [f"Menu item {i}" for i in range(60)]
    rows += ["The material on this site may not be copied or stored without permission."]
    lines = _lines(*rows)
    probs = [0.1, 0.4, 0.4] + [0.02] * 60 + [0.7]
    last = len(lines) - 1
    assert drop_stray_fragments([1, 2, last], lines, probs, 0.55, 4, anchor=0) == [1, 2]


def test_a_long_story_is_not_dropped_for_a_weak_piece_under_a_wrong_anchor() -> None:
    rows = [PARA] * 10 + [f"Menu item {i}" for i in range(60)]
    rows += ["Sign In To Your Account Today", "One line of account text that scores low."]
    lines = _lines(*rows)
    probs = [0.9] * 10 + [0.02] * 60 + [0.1, 0.3]
    anchor = len(lines) - 2
    kept = [*range(10), len(lines) - 1]
    assert 0 < (len(lines) - 1) - anchor <= STORY_REACH
    assert drop_stray_fragments(kept, lines, probs, 0.55, 4, anchor=anchor) == kept


def test_read_more_inside_the_end_of_a_story_does_not_cut_it() -> None:
    lines = _lines(PARA, PARA2, "Read more: Council backs the bridge", PARA2, PARA)
    assert trim_tail([0, 1, 2, 3, 4], lines) == [0, 1, 2, 3, 4]
    # a pitch after the story still goes: a notice and one short line
    lines = _lines(PARA, PARA2, "Subscribe to our newsletter", "It is free.")
    assert trim_tail([0, 1, 2, 3], lines) == [0, 1]


def test_more_teaser_headings_end_the_story() -> None:
    teasers = [
        "Council Backs Second Bridge Plan For Spring",
        "A short summary of the second bridge plan, in one sentence here.",
        "Bakery Opens In The Old Bank On Main Street",
        "A short summary of the bakery story, in one sentence as well.",
    ]
    for marker in ("More Great Courier Stories", "Next Up In Local News", "Most read"):
        lines = _lines(PARA, PARA2, PARA, marker, *teasers)
        assert cut_at_end_marker([0, 1, 2, 3, 4, 5, 6, 7], lines, 0) == [0, 1, 2], marker


def test_end_markers_in_other_languages_end_the_story() -> None:
    teasers = [
        "Council Backs Second Bridge Plan For Spring",
        "A short summary of the second bridge plan, in one sentence here.",
        "Bakery Opens In The Old Bank On Main Street",
        "A short summary of the bakery story, in one sentence as well.",
    ]
    markers = ("Am beliebtesten", "Sur le même sujet", "Lo más leído", "As mais lidas agora")
    for marker in (*markers, "3 Kommentare", "Teilen:"):
        lines = _lines(PARA, PARA2, PARA, marker, *teasers)
        assert cut_at_end_marker([0, 1, 2, 3, 4, 5, 6, 7], lines, 0) == [0, 1, 2], marker
    # "Lesen Sie auch" boxes sit inside stories as often as below them: not an end marker
    lines = _lines(PARA, PARA2, PARA, "Lesen Sie auch", *teasers)
    assert cut_at_end_marker([0, 1, 2, 3, 4, 5, 6, 7], lines, 0) == list(range(8))


def test_a_long_credit_line_keeps_the_paragraph_above_it() -> None:
    credit = (
        "FILE PHOTO: Walkers cross the new footbridge over the river in Alderton on Friday. "
        "Courier Photo/Jane Roe"
    )
    lines = _lines(PARA, credit, PARA2)
    body, images = pull_captions([0, 1, 2], lines)
    assert body == [0, 2]
    assert len(images) == 1
    # a short credit line takes the caption line right above it
    lines = _lines(PARA, "Walkers on the bridge.", "Photo: Jane Roe", PARA2)
    body, images = pull_captions([0, 1, 2, 3], lines)
    assert body == [0, 3]
    assert images[0].caption == "Walkers on the bridge."


def test_a_standfirst_above_a_header_block_is_read_as_such() -> None:
    from broadsheet.extract.textdump import load_model, read_article

    dek = "A footbridge that took three years to agree on is open; the next one may be quicker."
    header = ["By", "Jane Roe", "Jane Roe", "The Alderton Courier", "Biography"]
    header += ["@janeroe", "jane.roe@courier.example", "March 2, 2026 8:03 am ET"]
    lines = _lines("Footbridge Opens Two Months Late", dek, *header, PARA, PARA2)
    probs = [0.1, 0.7] + [0.3] * len(header) + [0.9, 0.9]
    article = read_article(lines, probs, load_model(), url=None)
    assert article.description == dek
    assert [p.text for p in article.paragraphs] == [PARA, PARA2]
    assert article.headline == "Footbridge Opens Two Months Late"


def test_a_body_line_repeated_outside_the_story_is_dropped() -> None:
    teaser = "Council backs a second bridge over the river after a long and heated debate."
    lines = _lines("Most read", teaser, "Footbridge Opens Two Months Late", PARA, teaser, PARA2)
    assert drop_repeated([3, 4, 5], lines, 8) == [3, 5]
    # a line repeated inside the story only (a question in an interview) stays
    lines = _lines(PARA, teaser, PARA2, teaser, PARA)
    assert drop_repeated([0, 1, 2, 3, 4], lines, 8) == [0, 1, 2, 3, 4]


def test_a_related_box_inside_a_story_does_not_end_it() -> None:
    box = ["Related", "Council Backs Second Bridge Plan For Spring", "Bakery Opens In Old Bank"]
    lines = _lines(PARA, PARA2, PARA, *box, PARA2, PARA)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == [0, 1, 2, 6, 7]
    # at the end of the story the same box ends it
    lines = _lines(PARA, PARA2, PARA, *box)
    assert cut_at_end_marker(list(range(len(lines))), lines, 0) == [0, 1, 2]


def test_a_doubtful_piece_past_a_share_bar_is_not_story() -> None:
    teaser = "Council backs the second bridge plan, and the vote comes in the spring."
    rows = [PARA, PARA2, "Share", "Facebook", "Twitter", "Email", teaser, teaser + " Again."]
    lines = _lines(*rows)
    # teasers the model doubts (0.5) below the share bar go
    probs = [0.9, 0.9, 0.02, 0.02, 0.02, 0.02, 0.5, 0.5]
    assert drop_stray_fragments([0, 1, 6, 7], lines, probs, 0.45, 4) == [0, 1]
    # the story going on below the bar (scored high) stays
    probs = [0.9, 0.9, 0.02, 0.02, 0.02, 0.02, 0.9, 0.9]
    assert drop_stray_fragments([0, 1, 6, 7], lines, probs, 0.45, 4) == [0, 1, 6, 7]
    # and without a bar (plain lines between) the doubtful piece stays as before
    rows = [PARA, PARA2, "Bridge", "River", "Council", "Spring", teaser, teaser + " Again."]
    probs = [0.9, 0.9, 0.02, 0.02, 0.02, 0.02, 0.5, 0.5]
    assert drop_stray_fragments([0, 1, 6, 7], _lines(*rows), probs, 0.45, 4) == [0, 1, 6, 7]


def test_furniture_words_in_other_languages_mark_furniture() -> None:
    rows = ["Teilen", "Inscrivez-vous gratuitement", "Suscríbete", "Leia mais", PARA]
    lines = _lines(*rows)
    assert [line.boiler for line in lines] == [True, True, True, True, False]
    notice = (
        "Wir verwenden Cookies und ähnliche Technologien. Mit Ihrer Einwilligung nutzen wir "
        "sie, um Inhalte zu personalisieren; Ihre Einstellungen können Sie jederzeit ändern "
        "und mehr dazu lesen Sie in der Datenschutzerklärung, die für alle Besucher gilt."
    )
    assert consent_words(notice.lower()) >= 3
    assert furniture(_lines(notice)[0])
