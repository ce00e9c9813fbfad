"""Teaser blocks whose titles are glued to their summaries on one line, one teaser a line;
labels a page repeats; credits in other scripts and escaped markup (``textdump_teasers``,
on lines written for these tests, apart from the fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_teasers import (
    drop_glued_teasers,
    drop_repeated_labels,
    drop_teaser_blocks,
    glued_word,
    menu_line,
    stray_line,
)

from .test_textdump_region import PARA, PARA2, _lines

GLUED = [
    "Die BibelGrundlage des christlichen Glaubens ist die Gute Nachricht aus dem Evangelium.",
    "Council Votes On Parking FeesThe vote on new fees for the car parks was put off again.",
    "Covid Cases Rise In The County Again As Testing Returns To Covid-19Hit Hard By Winter",
    "Bakery Opens In The Old BankThe family bakery moved into the old bank on the square.",
]


def test_a_title_glued_to_its_summary_is_found_and_a_brand_is_not_told_apart() -> None:
    words = [glued_word(line) for line in _lines(*GLUED)]
    assert words == ["bibel", "fees", "covid-19", "bank"]
    # camel-case names glue too; the run rule below tells them apart by repetition
    assert glued_word(_lines("A group of WordPress organizers met in the town hall today.")[0])
    # not: short words before the capital ("YouTube", "iPhone", "MacBook"), a short line,
    # a glue too far from the line's start
    plain = [
        "Her YouTube channel and her iPhone and MacBook reviews drew a large crowd today.",
        "Parking FeesThe vote",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty BankThe family bakery opened.",
    ]
    assert [glued_word(line) for line in _lines(*plain)] == ["", "", ""]


def test_a_run_of_glued_teasers_is_dropped_and_labels_between_do_not_end_it() -> None:
    lines = _lines(GLUED[0], "Politics", GLUED[1], GLUED[3], PARA, PARA2)
    assert drop_glued_teasers(range(6), lines) == [4, 5]
    # two glued lines are not a block
    lines = _lines(GLUED[0], GLUED[1], PARA, PARA2)
    assert drop_glued_teasers(range(4), lines) == [0, 1, 2, 3]


def test_a_brand_through_a_storys_paragraphs_is_not_a_teaser_block() -> None:
    rows = [
        "A group of WordPress organizers and volunteers is training new speakers in the city.",
        "Speaking at WordCamps is a path to leadership in the community, organizers say.",
        "When WordPress events are more diverse the project gets more diverse as well.",
        "The WordPress Foundation pays for the workshops and the rooms they are held in.",
    ]
    lines = _lines(*rows)
    assert drop_glued_teasers(range(4), lines) == [0, 1, 2, 3]


def test_read_article_drops_a_glued_teaser_block_above_the_story() -> None:
    from broadsheet.extract.textdump import load_model, read_article

    lines = _lines(*GLUED, "Footbridge Opens Two Months Late", PARA, PARA2)
    probs = [0.8, 0.8, 0.8, 0.8, 0.3, 0.9, 0.9]
    article = read_article(lines, probs, load_model(), url=None)
    assert [p.text for p in article.paragraphs] == [PARA, PARA2]


def test_a_label_the_page_repeats_and_the_model_doubts_is_dropped() -> None:
    rows = ["Crime |", "Council backs a second bridge", "Crime |", PARA, "Crime |", PARA2]
    lines = _lines(*rows)
    probs = [0.2, 0.5, 0.1, 0.9, 0.2, 0.9]
    assert drop_repeated_labels(range(6), lines, probs) == [1, 3, 5]
    # printed twice only, or scored like the story (a repeated subheading): kept
    assert drop_repeated_labels(range(4), lines[:4], probs[:4]) == [0, 1, 2, 3]
    assert drop_repeated_labels(range(6), lines, [0.9] * 6) == list(range(6))


def test_speakers_minutes_and_rules_repeated_stay() -> None:
    rows = ["Anne:", PARA, "Anne:", PARA2, "Anne:", "88'", "88'", "88'", "___", "___", "___"]
    lines = _lines(*rows)
    assert drop_repeated_labels(range(11), lines, [0.2] * 11) == list(range(11))


def test_teaser_blocks_leave_the_lines_when_nothing_else_is_kept() -> None:
    lines = _lines("Video", "Video", "Video")
    assert drop_teaser_blocks([0, 1, 2], lines, [0.1] * 3) == [0, 1, 2]
    lines = _lines("Video", PARA, "Video", PARA2, "Video")
    assert drop_teaser_blocks(range(5), lines, [0.1, 0.9, 0.1, 0.9, 0.1]) == [1, 3]


def test_credits_in_other_scripts_and_escaped_markup_are_stray() -> None:
    stray = [
        "Фото:личный архив Анны Петровой",
        "Zdjęcie: PAP/Leszek Szymański",
        '&lt;span data-mce-type="bookmark" style="display: inline-block"&gt;&lt;/span&gt;',
    ]
    assert all(stray_line(line) for line in _lines(*stray))
    story = [
        "Фото сделал её брат, когда они вернулись домой после долгой поездки по стране.",
        "Use &lt; and &gt; to write the angle brackets of a tag in an HTML page by hand.",
        PARA,
    ]
    assert not any(stray_line(line) for line in _lines(*story))
    lines = _lines(PARA, stray[0], PARA2, stray[2])
    assert drop_teaser_blocks(range(4), lines, [0.9] * 4) == [0, 2]


def test_a_weakly_scored_storys_repeated_headings_stay() -> None:
    food = "Asparagus and eggs, one cup of berries and a glass of almond milk."
    rows = ["Meal 1", food, "Meal 2", food + " Again.", "Meal 1", food + " Once more."]
    rows += ["Meal 2", food + " And again.", "Meal 1", food + " Last one."]
    lines = _lines(*rows)
    probs = [0.2, 0.45] * 5
    # the headings score near half of the story's lines: the story's, not the page's
    assert drop_repeated_labels(range(10), lines, probs) == list(range(10))
    # the same labels far below the story's scores go
    probs = [0.02, 0.45] * 5
    # ("Meal 2", printed twice, stays)
    assert drop_repeated_labels(range(10), lines, probs) == [1, 2, 3, 5, 6, 7, 9]


def test_section_headings_run_into_long_paragraphs_are_not_teasers() -> None:
    # a long story whose section headings the page ran into their paragraphs: each line has
    # a glue, but holds far more than a teaser's one- or two-sentence summary
    body = " ".join([PARA, PARA2] * 3)
    rows = [
        f"Borewell Horror: A Newborn Left To Die, But SurvivesOne of the cases came first. {body}",
        f"The Pihu Case: Brutality And SurvivalIn the district, a case came to light. {body}",
        f"Newborn Found Near The HillsIn the next district, yet another case was found. {body}",
    ]
    lines = _lines(*rows)
    assert all(line.n > 100 for line in lines)
    assert [glued_word(line) for line in lines] == ["", "", ""]
    assert drop_glued_teasers(range(3), lines) == [0, 1, 2]


def test_a_menu_run_together_into_one_line_is_dropped_when_the_model_doubts_it() -> None:
    menu = (
        "World Debates Witness No Comment Spotlight The Global Conversation Top News Stories "
        "Travel Adventures Culture Cinema Creators Special Coverage Climate Health Business"
    )
    # a long headline in title case (its small words in lower case), a table's rows and a
    # line in capitals are not menus
    others = [
        "Council Backs Second Bridge Plan as Residents Vote on the New Riverside Park and the "
        "Ferry Timetable Changes",
        "Memory Safety Moderate Moderate Moderate High High Low Very High High High High Low "
        "Low High High Moderate High",
        "3 Wharton School 1 (tie) 35% / 50% 23% 62% 3.6 733 $175,000 Harvard Business School "
        "5 38% / 46% 14% 86% 3.7 727",
        "BUT WE HAVE PRIVATE PARKING NEAR THE HOTEL FOR GUESTS WHO ARRIVE BY CAR AND IT COSTS "
        "TWENTY FOUR EUROS A DAY",
        PARA + " " + PARA2,
    ]
    lines = _lines(menu, *others)
    assert [menu_line(line) for line in lines] == [True, False, False, False, False, False]
    lines = _lines(menu, PARA, PARA2)
    assert drop_teaser_blocks([0, 1, 2], lines, [0.45, 0.9, 0.9]) == [1, 2]
    # a menu the model vouches for stays (it is then more likely a story's list)
    assert drop_teaser_blocks([0, 1, 2], lines, [0.8, 0.9, 0.9]) == [0, 1, 2]
