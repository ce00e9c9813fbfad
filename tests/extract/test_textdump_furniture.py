"""Tables of contents, disclosures of affiliate links, form messages and button labels kept
inside a story (``textdump_furniture``, on lines written for these tests, apart from the
fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_furniture import (
    author_box,
    button_label,
    call_to_action,
    contents_lines,
    disclosure,
    drop_furniture_lines,
    drop_repeated,
)

from .test_textdump_region import PARA, PARA2, _lines


def test_a_table_of_contents_goes_and_the_sections_it_names_stay() -> None:
    lines = _lines(
        PARA,
        "Table of Contents",
        "1. Why the bridge was late",
        "2. What it cost",
        "Why the bridge was late",
        PARA2,
        "What it cost",
        PARA,
    )
    kept = list(range(len(lines)))
    assert contents_lines(kept, lines) == {1, 2, 3}
    assert drop_furniture_lines(kept, lines) == [0, 4, 5, 6, 7]


def test_entries_stop_where_a_line_is_not_found_again_below() -> None:
    lines = _lines("In this article:", "What it cost", "Parking fees", "What it cost", PARA)
    # "Parking fees" is not a section below: the contents end before it
    assert contents_lines(list(range(len(lines))), lines) == {0, 1}


def test_a_list_found_again_below_without_a_contents_heading_stays() -> None:
    # a story's own list of what it covers, then a section on each
    lines = _lines(
        PARA,
        "The bridge",
        "The road",
        "The car park",
        "The bridge",
        PARA2,
        "The road",
        PARA,
        "The car park",
        PARA2,
    )
    kept = list(range(len(lines)))
    assert contents_lines(kept, lines) == set()
    assert drop_furniture_lines(kept, lines) == kept


def test_disclosures_and_form_messages_are_found_and_a_story_on_commissions_is_not() -> None:
    found = [
        "We may earn a commission from links on this page, at no extra cost to you.",
        "This post contains affiliate links. Read the full disclosure.",
        "Every item here was chosen by an editor of this magazine.",
        "This field is for validation purposes and should be left unchanged.",
        "Thank you! Your submission has been received!",
        "Diese Seite enthält Affiliate-Links.",
        "Click here to make The County Paper a preferred source on Google.",
        "Was this newsletter forwarded to you? Sign up to get it every morning.",
        "Enjoyed this piece? We need your help to keep publishing.",
        "This post is over 3 years old and may be out of date.",
    ]
    assert all(disclosure(line) for line in _lines(*found))
    plain = [
        "The county commission voted on Friday to pay the builder the rest of the money.",
        "Shops can add affiliate links and discount codes to follow what each campaign sells.",
        "Agents earn a fee when you buy travel insurance through them, the report said.",
    ]
    assert not any(disclosure(line) for line in _lines(*plain))


def test_button_labels_go_and_a_heading_that_starts_like_one_stays() -> None:
    assert all(button_label(x) for x in _lines("Learn more", "Get started →", "Back to top"))
    assert not any(button_label(x) for x in _lines("Learn more about the bridge", PARA))
    lines = _lines(PARA, "Learn more", PARA2)
    assert drop_furniture_lines([0, 1, 2], lines) == [0, 2]
    # nothing left: everything stays
    assert drop_furniture_lines([1], lines) == [1]


def test_an_authors_box_goes_and_a_writer_in_the_story_stays() -> None:
    boxes = [
        "Jane Roe is a senior transport reporter for the paper, based in the county town.",
        "John Doe has been a freelance technology journalist for more than ten years.",
        "Marta is an experienced journalist who covers the council and its budget.",
    ]
    assert all(author_box(line) for line in _lines(*boxes))
    plain = [
        "I am a reporter who has covered the bridge since the first plans were drawn.",
        "Bridgely is a handy route editor that walkers use to plan a crossing.",
        "The council is a writer of many letters, the builder said with a smile.",
        PARA,
    ]
    assert not any(author_box(line) for line in _lines(*plain))


def test_the_second_of_two_copies_in_a_row_goes() -> None:
    dek = "How the county built a footbridge two months late and over budget"
    lines = _lines(dek, dek, PARA, "Cost", "Cost", PARA2)
    # a short label repeated in a row stays (a table's cell, a refrain)
    assert drop_furniture_lines(list(range(6)), lines) == [0, 2, 3, 4, 5]


def test_a_paragraph_printed_twice_in_a_row_keeps_one_copy_in_the_story() -> None:
    lines = _lines("Footbridge opens", PARA, PARA, "Share")
    kept = drop_furniture_lines([1, 2], lines)
    assert kept == [1]
    # the copy beside it is not a teaser printed outside the story: the paragraph stays
    assert drop_repeated(kept, lines, 8) == [1]
    lines = _lines(PARA, "Most read", PARA2, "Footbridge opens", PARA)
    assert drop_repeated([0, 2], lines, 8) == [2]  # a teaser of it further down still goes
    assert drop_repeated([0], lines, 8) == [0]  # never nothing


def test_calls_to_action_go_and_a_lead_in_stays() -> None:
    found = ["Get a free estimate", "Try it now!", "Book a demo today", "Start your free trial"]
    assert all(call_to_action(line) for line in _lines(*found))
    plain = [
        "Check out the quote the builder sent today:",
        "Start with a clear plan for the bridge",
        "Get the facts on the new footbridge",
        PARA,
    ]
    assert not any(call_to_action(line) for line in _lines(*plain))


def test_a_contents_entry_worded_differently_is_taken_when_found_entries_follow() -> None:
    lines = _lines(
        "Table of Contents",
        "Introduction to the bridge",  # no section of that name below
        "1.1Why the bridge was late",
        "II. What it cost",
        "Is it safe",
        "Why the bridge was late",
        PARA,
        "What it cost",
        PARA2,
    )
    kept = list(range(len(lines)))
    # "Is it safe" is not found below and no found entry follows it: it stays
    assert contents_lines(kept, lines) == {0, 1, 2, 3}
