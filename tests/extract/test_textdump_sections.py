"""A guide's later sections read on past where the scores fade (``textdump_sections``), on
dumps written for these tests so the rule is checked apart from the fitted model."""

from __future__ import annotations

from broadsheet.extract.textdump_end import cut_at_end_marker
from broadsheet.extract.textdump_sections import continue_sections, section_stop, table_row

from .test_textdump_region import PARA, PARA2, _lines

SECTION = (
    "A good ladder is the first thing to buy, since most of the work on a roof starts with "
    "getting up there safely and without hurry."
)
INTRO = (
    "Roofers, builders and anyone who fixes their own house will find what they need below, "
    "chosen after a season of work on old houses in the hills."
)
SECTION2 = (
    "Gloves matter more than people think, because cold hands slip and a firm grip on the "
    "tiles is what keeps a fall from happening."
)


def test_later_sections_join_the_story_with_their_headings_and_lists() -> None:
    lines = _lines(
        PARA, PARA2, INTRO,
        "2. Ladder", SECTION, "Our picks:", "Aluminium step ladder", "Wooden ladder",
        "3. Gloves", SECTION2, "Our picks:", "Leather work gloves",
    )  # fmt: skip
    probs = [0.9, 0.9, 0.9, 0.1, 0.2, 0.05, 0.05, 0.05, 0.05, 0.12, 0.05, 0.05]
    out = continue_sections([0, 1, 2], lines, probs, fill_gap=20)
    # both sections' paragraphs and what sits between them; the trailing list has no
    # paragraph below it and is left
    assert out == list(range(10))


def test_reading_on_stops_at_an_end_marker_and_at_weak_lines() -> None:
    lines = _lines(PARA, PARA2, INTRO, "Related stories", SECTION, SECTION2)
    out = continue_sections([0, 1, 2], lines, [0.9, 0.9, 0.9, 0.1, 0.5, 0.5], fill_gap=20)
    assert out == [0, 1, 2]
    lines = _lines(PARA, PARA2, INTRO, "Ladders", SECTION)
    probs = [0.9, 0.9, 0.9, 0.1, 0.05]
    assert continue_sections([0, 1, 2], lines, probs, fill_gap=20) == [0, 1, 2]


def test_a_short_story_or_a_small_hole_is_left_alone() -> None:
    lines = _lines(PARA, "Ladders", SECTION)
    assert continue_sections([0], lines, [0.9, 0.1, 0.5], fill_gap=20) == [0]
    lines = _lines(PARA, PARA2, INTRO, "Ladders", SECTION)
    probs = [0.9, 0.9, 0.9, 0.1, 0.5]
    assert continue_sections([0, 1, 2], lines, probs, fill_gap=1) == [0, 1, 2, 3, 4]


def test_section_stop_lines() -> None:
    lines = _lines(
        "Leave a comment",
        "Filed under: Home, Roofs",
        "Jane Roe March 3, 2021 at 4:15 pm",
        "How to choose a ladder",
        "More Guides You Might Enjoy",
        "https://example.org/ladders/",
        "Nov 19, 2025",
        "Ladders are back in fashion, and here is why the old wooden kind ...",
        "Meet the testers",
        "References",
        "Date: 16-19 March 2026",
        "Did you find this article helpful?",
    )
    stops = [section_stop(x) for x in lines]
    assert stops == [True, True, True, False, True, True, True, True, True, True, False, True]


def test_a_related_box_with_writers_names_inside_a_story_does_not_end_it() -> None:
    box = [
        "Recommended Reading",
        "Council Backs Second Bridge Plan For Spring",
        "Jane Roe",
        "Bakery Opens In Old Bank",
        "John Doe",
        "Why The Ferry Runs Late Every Winter",
        "Ann Lee",
    ]
    lines = _lines(PARA, PARA2, INTRO, *box, PARA2, PARA)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == [0, 1, 2, 10, 11]


def test_a_list_going_on_from_the_story_joins_it_up_to_its_sources() -> None:
    lines = _lines(
        PARA, PARA2, INTRO, "What to pack:",
        "• a warm coat", "• spare gloves", "Food", "• bread and cheese",
        "Sources", "• Ferry timetable, winter edition",
    )  # fmt: skip
    probs = [0.9, 0.9, 0.9, 0.5, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05]
    out = continue_sections([0, 1, 2, 3], lines, probs, fill_gap=20)
    assert out == [0, 1, 2, 3, 4, 5, 6, 7]
    # a list below a story that does not open it (links, places) is left
    assert continue_sections([0, 1, 2], lines, probs, fill_gap=20) == [0, 1, 2]


def test_a_feedback_box_ends_the_story() -> None:
    lines = _lines(PARA, PARA2, INTRO, "Was this page helpful?", "Yes", "No", SECTION)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == [0, 1, 2]


def test_a_related_line_over_a_run_of_titles_ends_the_story_above_more_prose() -> None:
    titles = [
        "Council Backs Second Bridge Plan (Spring Vote)",
        "Bakery Opens In Old Bank",
        "Video Library",
        "Why The Ferry Runs Late Every Winter",
    ]
    story = [PARA, PARA2, INTRO, SECTION, SECTION2, PARA]
    # patients' reviews below: each under its writer's name
    reviews = [SECTION, "Jane R.", PARA2, "Tom B.", SECTION2, "Ann L.", INTRO, "Ed K.", PARA]
    # more titles than a box set into the story holds
    lines = _lines(*story, "More Videos", *titles, *titles, *reviews)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == list(range(len(story)))
    # the story going on below the box (two paragraphs in a row) is not cut
    more = [PARA2, SECTION2, PARA, INTRO, SECTION, PARA2, SECTION2]
    lines = _lines(*story, "More Videos", *titles, *titles, *more)
    assert cut_at_end_marker(list(range(len(lines))), lines, 0)[-1] == len(lines) - 1


def test_a_paragraph_naming_advertising_reads_on_a_pitch_does_not() -> None:
    about = _lines(
        "Besides the usual playbooks and paid social advertising, the agency also runs "
        "workshops for the staff of the shops it works for, twice a year."
    )[0]
    pitch = _lines("Sign up for our newsletter to get the best guides every week in your inbox.")
    assert not section_stop(about)
    assert section_stop(pitch[0])


def test_a_table_going_on_from_a_kept_row_joins_the_story() -> None:
    rows = [f"{k} Harbour Ferry Line {k * 17} {k * 3}.5" for k in range(1, 6)]
    lines = _lines(PARA, PARA2, INTRO, "Rank Company Passengers Change", *rows, "Share")
    probs = [0.9, 0.9, 0.9, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3, 0.05]
    assert table_row(lines[5]) and not table_row(lines[0])
    out = continue_sections([0, 1, 2, 3, 4], lines, probs, fill_gap=20)
    assert out == list(range(9))


def test_furniture_below_a_story_in_more_words_ends_it() -> None:
    for marker in (
        "Did you like this article? You can buy me a coffee.",
        "About the author: Jane Roe is a photographer who lives by the harbour.",
        "Popular articles",
        "See more reviews",
        "View Article Sources",
    ):
        lines = _lines(PARA, PARA2, INTRO, marker, "Bakery Opens In Old Bank", "Ferry Runs Late")
        assert cut_at_end_marker(list(range(len(lines))), lines, 0) == [0, 1, 2], marker


def test_a_step_naming_furniture_words_reads_on_a_short_furniture_line_does_not() -> None:
    step = _lines("Log in to your developer console and click the button to create a new app")[0]
    heading = _lines("How to publish an app on the App Store and get it listed")[0]
    assert not section_stop(step)
    assert not section_stop(heading)
    assert section_stop(_lines("Share on Facebook")[0])


def test_a_box_of_links_set_into_a_guide_is_skipped_and_the_guide_read_on() -> None:
    long_section = SECTION + " " + SECTION2
    lines = _lines(
        PARA, PARA2, INTRO,
        "Read more posts about ladders",
        "Ladders: A Buyer's Guide For Old Houses",
        "Roof Tiles And How To Mend Them",
        "3. Gloves", long_section,
    )  # fmt: skip
    probs = [0.9, 0.9, 0.9, 0.02, 0.1, 0.1, 0.1, 0.3]
    out = continue_sections([0, 1, 2], lines, probs, fill_gap=20)
    assert out == [0, 1, 2, 7]  # (the heading right above is read as one of the box's links)
    # a weak paragraph below the box (a teaser's summary) is not read on to
    probs[-1] = 0.12
    assert continue_sections([0, 1, 2], lines, probs, fill_gap=20) == [0, 1, 2]


def test_a_sources_list_ends_the_story_and_a_picture_source_line_does_not() -> None:
    cites = [
        'Roe, Jane. "Ferries of the North Sea." Harbour Studies 12 (2019): 4-19, with notes '
        "on the winter timetables and the costs of running them.",
        'Doe, John, et al. "Steel Prices and Bridges." Journal of Works 3 (2021): 7-9, and '
        "the county's own report on the footbridge.",
    ]
    lines = _lines(PARA, PARA2, INTRO, "Sources", *cites)
    assert cut_at_end_marker(list(range(len(lines))), lines, 0) == [0, 1, 2]
    assert not section_stop(_lines("Source")[0])


def test_teaser_date_lines_in_other_languages_stop_reading_on() -> None:
    rows = ["EFE | Abril 21, 2022", "3. März 2024", "12 de mayo de 2023", "Top 10 Tools of 2025"]
    assert [section_stop(x) for x in _lines(*rows)] == [True, True, True, False]
