"""Story lines the caption rule took for furniture (``textdump_recall``), on dumps written
for these tests so the rule is checked apart from the fitted model."""

from __future__ import annotations

from broadsheet.extract.textdump_header import pull_captions
from broadsheet.extract.textdump_recall import sentence_breaks, story_paragraph
from broadsheet.extract.textdump_region import furniture, trim_head

from .test_textdump_region import _lines

STORY = (
    "The ferry company said on Tuesday that the winter timetable would start two weeks "
    "early this year because the harbour works had fallen behind. Passengers with tickets "
    "for the summer crossings can change them free of charge at the quay or online, and the "
    "last evening boat will leave at seven instead of nine."
)
CAPTION = (
    "Harbour master Anna Berg (left) and Sen. Tim Scott (S.C.) walk past the Boeing Co. "
    "787-10 moored at the new quay during the opening of the ferry terminal in Kiel, "
    "Germany, on Monday, Nov. 13, 2017."
)
OTHER = (
    "The council will decide in March whether the old pier should be pulled down or "
    "repaired, a spokesman said."
)


def test_sentence_breaks_skip_abbreviations_and_numbers() -> None:
    assert sentence_breaks(STORY) == 1
    assert sentence_breaks(CAPTION) == 0  # "Sen. Tim", "Co. 787", "Nov. 13"
    assert sentence_breaks("It rained. “We stayed,” she said. Then 3 boats left.") == 2
    assert sentence_breaks("") == 0
    assert sentence_breaks("Ends here.") == 0


def test_a_story_paragraph_above_a_photo_credit_stays_in_the_body() -> None:
    lines = _lines(OTHER, STORY, "Foto: Anna Berg", OTHER)
    assert story_paragraph(lines[1]) and not story_paragraph(lines[0])
    body, images = pull_captions(list(range(len(lines))), lines)
    assert body == [0, 1, 3]
    assert len(images) == 1 and images[0].caption is None


def test_a_one_sentence_caption_above_a_credit_is_still_pulled() -> None:
    lines = _lines(OTHER, CAPTION, "Foto: Anna Berg", OTHER)
    assert lines[1].n >= 30 and not story_paragraph(lines[1])
    body, images = pull_captions(list(range(len(lines))), lines)
    assert body == [0, 3]
    assert images[0].caption == CAPTION


PRIVACY = (
    "How much is privacy worth? Is a yearly subscription to a private network justified, "
    "or is it better to pay with your time, changing the settings of every app and every "
    "browser you use? Readers have asked us these questions for years, and this month the "
    "company gave its own answer with a monthly price for an account without adverts."
)
NOTICE = "We use cookies to improve your experience. By continuing you accept our privacy policy."


def test_a_story_paragraph_naming_privacy_opens_the_story_and_a_notice_does_not() -> None:
    lines = _lines(NOTICE, PRIVACY, STORY, OTHER)
    assert furniture(lines[0]) and furniture(lines[1])
    assert story_paragraph(lines[1]) and not story_paragraph(lines[0])
    assert trim_head([0, 1, 2, 3], lines) == [1, 2, 3]
