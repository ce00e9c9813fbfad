"""Where a text dump's story ends: comment threads, a post's filing and author lines, and
sign-up boxes below the story (rules of ``textdump_region``, on lines written for these
tests, so each rule is checked apart from the fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_end import (
    comment_stamp,
    cut_at_comment_thread,
    cut_at_end_marker,
)
from broadsheet.extract.textdump_region import (
    trim_tail,
)

from .test_textdump_region import PARA, PARA2, _lines

REPLIES = [
    "Finally! I have been waiting for this bridge for years, it was about time they did it.",
    "Two months late and over budget, as usual with this council, but it does look good.",
    "Does anyone know whether bikes are allowed on it or only people walking across it?",
]


def test_comment_headers_are_stamps_and_prices_are_not() -> None:
    stamps = [
        "Leo July 23, 2015 at 3:20 pm",
        "Am 29. Mai 2017 um 23:16 von Antiappler",
        "1 point · 6 years ago",
        "Badenraser-1018 schreibt:",
        "Reply",
        "Antwort ↓",
    ]
    assert all(comment_stamp(line) for line in _lines(*stamps))
    others = [
        "Get it on Amazon for $39.99",
        "Preis kann jetzt höher sein. Preis vom 02.01.2023 12:53 Uhr",
        "Council Backs Second Bridge Plan",
        PARA,
    ]
    assert not any(comment_stamp(line) for line in _lines(*others))


def test_a_comment_thread_below_the_story_ends_it() -> None:
    thread = ["Leo July 23, 2015 at 3:20 pm", REPLIES[0], "Ann July 24, 2015 at 1:02 am"]
    thread += [REPLIES[1], "Bob July 25, 2015 at 9:15 pm", REPLIES[2]]
    lines = _lines(PARA, PARA2, PARA, *thread)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == [0, 1, 2]
    # the same replies with no story above them (a forum page) are left alone
    lines = _lines(*thread)
    assert cut_at_comment_thread(list(range(len(lines))), lines, 0) == list(range(len(lines)))


def test_times_without_replies_between_are_not_a_thread() -> None:
    # a timetable inside a story: times, but no paragraph between them
    table = ["9:00 am Opening", "10:30 am Walk over the bridge", "12:15 pm Lunch on the bank"]
    lines = _lines(PARA, PARA2, *table, PARA)
    kept = list(range(len(lines)))
    assert cut_at_comment_thread(kept, lines, 0) == kept


def test_a_posts_filing_and_comment_count_end_the_story() -> None:
    teaser = "Council backs a second bridge over the river after a long and heated debate."
    for marker in (
        "Filed Under: Bridges, Alderton, Council, River Works, Spring Plans",
        "6 Comments on Footbridge opens two months late, and the next one may be quicker",
        "Dieser Beitrag wurde unter Lokales abgelegt und mit Brücke, Stadtrat verschlagwortet.",
        "View all posts by Jane Roe",
        "Support us",
    ):
        lines = _lines(PARA, PARA2, PARA, marker, teaser)
        assert cut_at_end_marker([0, 1, 2, 3, 4], lines, 0) == [0, 1, 2], marker
    # with more of the story below than above, such a line does not end it
    lines = _lines(PARA, "Filed Under: Bridges", PARA2, PARA, PARA2)
    assert cut_at_end_marker([0, 1, 2, 3, 4], lines, 0) == [0, 1, 2, 3, 4]


def test_a_sign_up_box_after_the_story_is_trimmed() -> None:
    box = [
        "Get the day's big stories and the best of the week in one e-mail, every morning.",
        'I agree that the Courier can send me the "Morning" newsletter.',
        "See All Newsletters",
        "Please check the opt-in box to acknowledge that you would like to subscribe.",
    ]
    lines = _lines(PARA, PARA2, "Morning Newsletter", *box)
    assert trim_tail([0, 1, 3, 4, 5, 6], lines) == [0, 1]
    # closing paragraphs that mention a newsletter once are the story's
    tail = "The council will post updates in its newsletter, the mayor said on Friday night."
    lines = _lines(PARA, PARA2, PARA, tail, PARA2)
    assert trim_tail([0, 1, 2, 3, 4], lines) == [0, 1, 2, 3, 4]


def test_a_posts_navigation_and_recent_posts_end_the_story() -> None:
    teaser = "Council backs a second bridge over the river after a long and heated debate."
    for marker in (
        "Nächster ArtikelStadtrat stimmt über die zweite Brücke ab",
        "Previous post",
        "Pingback von Brücken-Blog | 26.06.2012 10:43",
        "Neueste Artikel",
        "Articles en relation",
    ):
        lines = _lines(PARA, PARA2, PARA, marker, teaser)
        assert cut_at_end_marker([0, 1, 2, 3, 4], lines, 0) == [0, 1, 2], marker


def test_a_live_blogs_entry_times_are_not_a_comment_thread() -> None:
    # a live blog: each entry is a lone time and its paragraphs; the entries are the story
    times = ["5:28 p.m. ET", "Updated 10:42 GMT", "Mon 6 Dec 09:15", "14:05"]
    assert not any(comment_stamp(line) for line in _lines(*times))
    entries = [PARA, PARA2, "10:42 GMT", REPLIES[0], "10:31 GMT", REPLIES[1], "10:15 GMT"]
    lines = _lines(*entries, REPLIES[2])
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == kept


def test_a_thread_whose_last_header_ends_the_dump_is_read_without_error() -> None:
    # the last header is the dump's last line: the look for a reply below it stops at the end
    thread = ["Leo July 23, 2015 at 3:20 pm", REPLIES[0], "Ann July 24, 2015 at 1:02 am"]
    thread += [REPLIES[1], "Bob July 25, 2015 at 9:15 pm"]
    lines = _lines(PARA, PARA2, PARA, *thread)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == [0, 1, 2]


LIVE_LEAD = (
    "Protesters and counter-protesters gathered in the city centre this evening, and police "
    "said they had closed three streets around the square."
)
LIVE_ENTRY = (
    "Officers said a crowd of about two hundred people had moved towards the station, where "
    "a line of riot police stood between the groups for most of the hour that followed."
)


def test_a_live_blog_whose_entries_name_their_writer_is_not_a_comment_thread() -> None:
    # each entry: its time glued to the writer's name, a title, then its paragraphs; the
    # entries hold far more of the story than the lead above the first one
    entries: list[str] = []
    for stamp in ("21:00Jane Roe", "20:42Jane Roe", "20:15John Doe", "19:58John Doe"):
        entries += [stamp, "Crowd moves towards the station", LIVE_ENTRY, PARA, PARA2]
    lines = _lines(LIVE_LEAD, PARA, *entries)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == kept
    # the same stamps below a long story, with short replies, are a thread and end it
    thread = ["Leo July 23, 2015 at 3:20 pm", REPLIES[0], "Ann July 24, 2015 at 1:02 am"]
    thread += [REPLIES[1], "Bob July 25, 2015 at 9:15 pm", REPLIES[2]]
    lines = _lines(LIVE_LEAD, PARA, PARA2, LIVE_ENTRY, *thread)
    assert cut_at_end_marker(list(range(len(lines))), lines, 0) == [0, 1, 2, 3]


POPULAR = [
    "Most Popular",
    "Gear",
    "Fourteen Last-Minute Deals From the Spring Hardware Sales",
    "Matt Jones",
    "Gear",
    "Protect Your Home Network by Setting Up a VPN on Your Router",
    "Dana Field",
    "Science",
    "Which Is the Safest Seat on an Airplane?",
    "Bo Ash",
]


def test_a_long_box_set_into_a_story_does_not_end_it() -> None:
    # a "Most Popular" box of ten short lines between two runs of the story's paragraphs
    story = [PARA, PARA2, LIVE_ENTRY, LIVE_LEAD]
    lines = _lines(PARA, PARA2, LIVE_ENTRY, *POPULAR, *story, *story)
    kept = list(range(len(lines)))
    box = range(3, 3 + len(POPULAR))
    assert cut_at_end_marker(kept, lines, 0) == [i for i in kept if i not in box]
    # the same box with only one short paragraph below it ends the story
    lines = _lines(PARA, PARA2, LIVE_ENTRY, *POPULAR, PARA)
    assert cut_at_end_marker(list(range(len(lines))), lines, 0) == [0, 1, 2]


def test_a_box_the_page_repeats_inside_a_long_story_does_not_end_it() -> None:
    # the page sets the same box every few paragraphs; the last one has less story below it
    # than above, and each cut would leave less below the one before it
    lines = _lines(PARA, PARA2, *POPULAR, LIVE_ENTRY, PARA, *POPULAR, PARA2, LIVE_LEAD, PARA)
    kept = list(range(len(lines)))
    boxes = {*range(2, 2 + len(POPULAR)), *range(4 + len(POPULAR), 4 + 2 * len(POPULAR))}
    assert cut_at_end_marker(kept, lines, 0) == [i for i in kept if i not in boxes]


def test_a_long_box_with_a_second_marker_in_it_ends_the_story() -> None:
    # "Next Up In News", headlines, then "Most Read" and teasers that read as prose
    box = ["Next Up In News", *POPULAR[2:7], "Gear", "Bo Ash", "Most Read"]
    above = [PARA, PARA2, LIVE_ENTRY, LIVE_LEAD, PARA, PARA2]
    # teasers with summaries below it, read as prose
    below = [PARA, PARA2, LIVE_LEAD, LIVE_ENTRY, PARA2, LIVE_LEAD]
    lines = _lines(*above, *box, *below)
    assert cut_at_end_marker(list(range(len(lines))), lines, 0) == list(range(len(above)))
    # without the second marker the box is set into the story, which reads on below it
    lines = _lines(*above, *box[:-1], *below)
    kept = cut_at_end_marker(list(range(len(lines))), lines, 0)
    assert kept == [i for i in range(len(lines)) if not 6 <= i < 6 + len(box) - 1]
