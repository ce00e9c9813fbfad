"""Furniture below a text dump's story: a tag list with more teaser prose under it, a blog's
"Posted by ... at" footer, a bracketed comment count, and the next article's headline and
dated byline (rules of ``textdump_region``, on lines written for these tests)."""

from __future__ import annotations

from broadsheet.extract.textdump_end import (
    cut_at_end_marker,
    cut_at_next_article,
    next_article_byline,
)
from broadsheet.extract.textdump_region import (
    drop_doubted_below,
    drop_stray_fragments,
    end_marker,
    fill_holes,
    inline_boxes,
    promo_line,
)

from .test_textdump_region import PARA, PARA2, _lines

TEASERS = [
    "The council will meet again next month to decide whether the old ferry landing should "
    "be turned into a park, a car park or a small harbour for rowing boats and canoes.",
    "A second plan for the riverside walk was shown to residents on Tuesday evening, with "
    "benches, lamps and a playground at the end nearest to the school and the library.",
    "Traders on the market square say the roadworks have kept shoppers away since spring, "
    "and they have asked the council for a rebate on their stall fees for the whole summer.",
]


def test_a_tag_list_ends_the_story_even_with_more_teaser_prose_below() -> None:
    for tags in ("Tags: bridge, council, river", "Etiquetas:", "In this article: Bridge, Council"):
        lines = _lines(PARA, PARA2, tags, *TEASERS)
        kept = list(range(len(lines)))
        assert cut_at_end_marker(kept, lines, 0) == [0, 1], tags
    # a tag list above a short piece of prose (a teaser page's first item) does not cut
    lines = _lines("Short note on the bridge opening today.", "Tags: bridge", *TEASERS)
    kept = list(range(len(lines)))
    assert cut_at_end_marker(kept, lines, 0) == kept


def test_a_blog_footer_and_a_bracketed_comment_count_end_the_story() -> None:
    for footer in ("Posted by K A at 12:11 PM", "{ 38 comments… read them below or add one }"):
        lines = _lines(PARA, PARA2, footer, TEASERS[0])
        kept = list(range(len(lines)))
        assert cut_at_end_marker(kept, lines, 0) == [0, 1], footer


def test_the_next_articles_headline_and_dated_byline_end_the_story() -> None:
    assert next_article_byline(_lines("by Jane Roe and John Doe / Nov 20, 2020")[0])
    assert not next_article_byline(_lines("By Jane Roe, Staff Writer")[0])
    head = "Drivers urged to slow down on the new bridge this weekend"
    story = [PARA, PARA2] * 3  # 150 words and more
    lines = _lines(*story, head, "by Jane Roe / Nov 20, 2020", *TEASERS)
    kept = list(range(len(lines)))
    assert cut_at_next_article(kept, lines, 0) == list(range(6))
    # the same lines with too little story above are left alone
    lines = _lines("The bridge opened today.", head, "by Jane Roe / Nov 20, 2020", *TEASERS)
    kept = list(range(len(lines)))
    assert cut_at_next_article(kept, lines, 0) == kept
    # a byline ending the dump is read without error
    lines = _lines(*story, head, "by Jane Roe / Nov 20, 2020")
    assert cut_at_next_article(list(range(len(lines))), lines, 0) == list(range(len(lines)))


def test_doubted_lines_below_an_end_marker_go_when_the_story_above_is_sure() -> None:
    lines = _lines(PARA, PARA2, "Related stories", *TEASERS)
    kept = [0, 1, 3, 4, 5]
    sure, doubted = [0.9, 0.95, 0.1], [0.45, 0.4, 0.42]
    probs = [*sure, *doubted]
    assert drop_doubted_below(kept, lines, probs) == [0, 1]
    # what the model is sure of below the marker (the story read on past a box) stays
    probs = [*sure, 0.9, 0.85, 0.92]
    assert drop_doubted_below(kept, lines, probs) == kept
    # a story the model doubts too keeps its tail (no sure story above to weigh it against)
    probs = [0.6, 0.7, 0.1, *doubted]
    assert drop_doubted_below(kept, lines, probs) == kept
    # no marker between: the doubted lines are left to the other rules
    lines = _lines(PARA, PARA2, "The bridge in numbers", *TEASERS)
    assert drop_doubted_below(kept, lines, [*sure, *doubted]) == kept


def test_box_headings_below_a_story_mark_where_doubted_lines_start() -> None:
    heads = [
        "Aktuelle Artikel aus Region",
        "Últimas noticias",
        "Themen: Brücke, Rat",
        "Most Popular",
    ]
    for head in heads:
        lines = _lines(PARA, PARA2, head, *TEASERS)
        assert end_marker(lines[2]), head
        probs = [0.9, 0.95, 0.1, 0.45, 0.4, 0.42]
        assert drop_doubted_below([0, 1, 3, 4, 5], lines, probs) == [0, 1], head
    # a "read also" line is too often a box set into the story; prose is never a heading
    others = ["Lesen Sie auch", "More news of the bridge came on Friday, when the mayor spoke."]
    assert not any(end_marker(line) for line in _lines(*others))


def test_a_read_also_box_set_into_the_story_is_taken_out_and_not_filled_back() -> None:
    box = ["Lesen Sie auch:", "Council Backs Second Bridge Plan After Long Debate", "Verkehr"]
    box += ["Residents Vote On New Riverside Park Next Month"]
    lines = _lines(PARA, *box, PARA2)
    assert inline_boxes(lines) == {1, 2, 3, 4}
    kept = list(range(len(lines)))
    probs = [0.9] * len(lines)
    assert drop_stray_fragments(kept, lines, probs, 0.5, 3) == [0, 5]
    assert fill_holes([0, 5], lines, probs, 8, 0.1) == [0, 5]
    # a heading with the story's prose right under it, or with nothing after the titles,
    # is not a box set into the story
    assert inline_boxes(_lines(PARA, "Lesen Sie auch:", PARA2)) == set()
    assert inline_boxes(_lines(PARA, *box)) == set()


def test_a_pitch_for_the_newsletter_or_app_inside_the_story_is_dropped() -> None:
    pitches = [
        "CLICK HERE TO GET THE BRIDGE NEWS APP",
        "Sign up for our newsletters to get the day's top stories from the river towns.",
        "Get the Daily Edition by email and never miss our top stories Free Sign Up",
        "Abonnieren Sie unser Daily Briefing: was in der Region wichtig ist.",
    ]
    for pitch in pitches:
        lines = _lines(PARA, pitch, PARA2)
        assert promo_line(lines[1]), pitch
        assert drop_stray_fragments([0, 1, 2], lines, [0.9, 0.8, 0.9], 0.5, 3) == [0, 2]
        assert fill_holes([0, 2], lines, [0.9, 0.8, 0.9], 8, 0.1) == [0, 2]
    # a story that speaks of newsletters or apps is not a pitch
    story = [
        "The council said it would sign up for the free national flood alerts next year.",
        "Residents can download the app from the council's website, a spokesman said.",
    ]
    assert not any(promo_line(line) for line in _lines(*story))


def test_a_trending_box_set_into_the_story_is_taken_out() -> None:
    # "More Trending", four headlines of other stories, a "Read More Stories" link, then the
    # story reads on
    titles = [
        "Council Backs Second Bridge Plan After Long Debate",
        "Residents Vote On New Riverside Park Next Month",
        "Bakery Opens In The Old Bank On The High Street",
        "Why The Ferry Timetable Changes Again In Spring",
    ]
    for head in ("More Trending", "Most read", "Recommended for you", "You might also like"):
        lines = _lines(PARA, head, *titles, "Read More Stories", PARA2)
        assert inline_boxes(lines) == {1, 2, 3, 4, 5, 6}, head
