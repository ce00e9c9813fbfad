"""Header-block lines kept above a story's first paragraph (a byline or date line, a reading
time, a breadcrumb trail) are dropped by ``trim_head``; a story's opening sentence that
starts like one stays (lines written for these tests, apart from the fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_header import header_line, is_credit, pull_captions, split_credit
from broadsheet.extract.textdump_region import drop_repeated, drop_replayed, trim_head

from .test_textdump_region import PARA, PARA2, _lines


def test_header_lines_are_found() -> None:
    found = [
        "Posted by Jane Roe on Friday March 7, 2025 @09:00AM from the bridges dept.",
        "Published on March 2nd, 2025 by Jane Roe and John Doe",
        "Updated: Mar 3, 2025",
        "Authors: Jane Roe, John Doe",
        "By Jane Roe and John Doe",
        "Veröffentlicht am 3. März 2025",
        "Monday March 3, 2025 7:45 am PST by Jane Roe",
        "Mar 3, 2025 at 9:24 pm ET • 2 min read",
        "Home » Guides » Bridges » How the Footbridge Was Built",
    ]
    assert [header_line(line) for line in _lines(*found)] == [True] * len(found)


def test_opening_sentences_that_start_like_a_header_are_not_header_lines() -> None:
    plain = [
        "By 2030, half of the county's bridges will need new decks, the survey says.",
        "By the end of the month the council will vote on the bridge again",
        "Updated: The council has since said the bridge will open in May.",
        "Published research shows the bridge is safe for walkers and cyclists.",
        "Authors say the bridge is safe",
        "March 3, 2025 was the day the footbridge finally opened to walkers.",
        PARA,
    ]
    assert not any(header_line(line) for line in _lines(*plain))


def test_trim_head_drops_header_lines_above_the_first_paragraph_only() -> None:
    lines = _lines(
        "Published on March 2nd, 2025 by Jane Roe and John Doe",
        "How the County Built Its Footbridge",
        PARA,
        "Updated: Mar 3, 2025",
        PARA2,
    )
    # a heading above stays (it may be the story's), the date line inside too
    assert trim_head([0, 1, 2, 3, 4], lines) == [1, 2, 3, 4]
    assert trim_head([2, 3, 4], lines) == [2, 3, 4]


def test_a_story_printed_twice_keeps_its_first_printing() -> None:
    third = "The builder said the steel had cost twice what it did a year ago, and the bill rose."
    rows = [PARA, PARA2, "Cost", third, PARA, PARA2, "Cost", third]
    lines = _lines(*rows)
    assert drop_replayed(list(range(8)), lines, 8) == [0, 1, 2, 3]
    # two copies in a row are not a replay; nor are a plan's rows repeated day after day
    assert drop_replayed([0, 1, 4, 5], lines, 8) == [0, 1, 4, 5]
    plan = _lines(
        "Day 1",
        "Oats with one cup of milk, a spoon of honey and a handful of nuts",
        "Rice with beans, one cup of greens and a slice of bread (or a roll)",
        "Soup with two eggs, half a cup of peas and a cup of broth on the side",
        "Day 2",
        "Oats with one cup of milk, a spoon of honey and a handful of nuts",
        "Rice with beans, one cup of greens and a slice of bread (or a roll)",
        "Soup with two eggs, half a cup of peas and a cup of broth on the side",
    )
    assert drop_replayed(list(range(8)), plan, 8) == list(range(8))


def test_drop_repeated_drops_lines_printed_outside_the_story_then_a_replay() -> None:
    third = "The builder said the steel had cost twice what it did a year ago, and the bill rose."
    fourth = "A second bridge further south will be put to the council in the spring, it said."
    rows = [fourth, "Footbridge", PARA, PARA2, third, fourth, PARA, PARA2, third, "Weather"]
    lines = _lines(*rows)
    # ``fourth`` is printed above the story too (a teaser's summary): it goes; the second
    # printing of PARA, PARA2 and ``third`` goes too
    assert drop_repeated(list(range(2, 10)), lines, 8) == [2, 3, 4, 9]


def test_stock_and_by_line_credits_are_credits_and_a_story_sentence_is_not() -> None:
    credits = [
        "Getty Images / Jane Roe",
        "The footbridge at dawn. Photo by Jane Roe on Unsplash",
        "Image via Jane Roe.",
        "Source: Unsplash",
    ]
    assert all(is_credit(line) for line in _lines(*credits))
    plain = [
        "The hall shows a photo by Ansel Adams.",
        "Birds: 1,400 Copyright-Free Illustrations by Jane Roe",
        PARA,
    ]
    assert not any(is_credit(line) for line in _lines(*plain))
    # the caption keeps its full stop; the credit is what follows it
    assert split_credit("The footbridge at dawn. Image via Jane Roe.") == (
        "The footbridge at dawn.",
        "Image via Jane Roe.",
    )
    assert split_credit("Getty Images / Jane Roe") == (None, "Getty Images / Jane Roe")


def test_a_credit_line_in_the_body_becomes_an_image() -> None:
    lines = _lines(PARA, "The footbridge at dawn. Photo by Jane Roe on Unsplash", PARA2)
    body, images = pull_captions([0, 1, 2], lines)
    assert body == [0, 2]
    assert images[0].caption == "The footbridge at dawn."
    assert images[0].credit == "Photo by Jane Roe on Unsplash"


def test_dates_in_other_languages_and_with_dots_are_header_lines() -> None:
    found = [
        "01.02.2022",
        "2.9.2020 klo 12.45",
        "15 de abril de 2020 | 16:05",
        "jeudi 27 juin 2019",
    ]
    assert all(header_line(line) for line in _lines(*found))
    assert not header_line(_lines("15. März 2024 war ein guter Tag für die Brücke.")[0])


def test_short_labels_above_the_first_paragraph_go_and_a_question_stays() -> None:
    lines = _lines("Summary", "Follow", "Injured?", PARA, "Cost", PARA2)
    assert trim_head([0, 1, 2, 3, 4, 5], lines) == [2, 3, 4, 5]


def test_header_lines_in_other_languages_and_glued_reading_times() -> None:
    found = [
        "Publié le jeudi 24 décembre 2020 à 07h47",
        "Par J. DUPONT - 05:01 - Temps de lecture :",
        "Publish Date: Sat, 28 Nov 2020 01:34 PM",
        "Mon., March 23, 2020timer5 min. read",
    ]
    assert all(header_line(line) for line in _lines(*found))
    assert not header_line(_lines("By E. coli standards, the river water is clean.")[0])
