"""A guide's or a review's later sections: the story read on past where its scores fade.

A long guide ("35 tools every electrician needs", "the best courses for beginners") is a
run of sections, each a heading, a paragraph and a list. The model scores the first
sections as story and the later ones lower and lower (they look alike and far from the
headline), so the region ends, or leaves holes, where the reader still reads the story.
:func:`continue_sections` reads on from each kept line past which nothing is kept for a
while: a prose paragraph within ``SECTION_GAP`` lines, scoring at least ``SECTION_P``,
joins the story with the headings and list items above it, and so on until no such
paragraph follows or a line that ends a story is met (an end marker, page furniture, a
comment's header, the next article's byline).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from broadsheet.extract.textdump_end import (
    COMMENTS_MARKER,
    FEEDBACK_MARKER,
    FEEDBACK_WORDS,
    META_MARKER,
    RELATED_MARKER,
    SOURCES_MARKER,
    TAG_LIST,
    comment_stamp,
    next_article_byline,
)
from broadsheet.extract.textdump_features import DATE_RE, Line, consent_words
from broadsheet.extract.textdump_header import is_credit
from broadsheet.extract.textdump_region import (
    furniture,
    inline_boxes,
    promo_line,
    server_notice,
    teaser_link,
)

__all__ = ["continue_sections", "section_stop", "table_row"]

# a section's paragraph: prose of this many words or more, scoring at least SECTION_P...
SECTION_WORDS = 12
SECTION_P = 0.1
# ...within this many lines below the last paragraph taken (its heading and list between)
SECTION_GAP = 20
# the lines between two paragraphs join only when they score at least this
BETWEEN_P = 0.02
# a list item this many lines or fewer below the last line taken goes on from it
LIST_GAP = 2
# a line naming furniture of more than this many words stops reading on only when it names
# two consent or notice words or more
STOP_WORDS = 8
# a box of links set into the story: its heading, at most BOX_SPAN short lines, then a
# paragraph of BOX_RESUME words or more
BOX_SPAN = 6
BOX_RESUME = 30
BOX_P = 0.2
# a table's row has at most this many words
ROW_WORDS = 30
# the story kept so far must have this many words of prose before it is read on
STORY_WORDS = 80


# a box of other stories or of the writers below a guide, in words the end markers leave:
# "More Articles You Might Enjoy", "Stories we think you'll like", "Meet the testers"
_MORE_BOX = re.compile(
    r"^(?:more |other )?(?:articles?|stories|posts|guides|reads|reviews)(?: \w+){0,3} "
    r"(?:you|we think you)(?:'ll| will| might| may| could)?(?: also)? (?:enjoy|like|love)\b|"
    r"^you (?:might|may|will|could) also (?:enjoy|like|love)\b|"
    r"^meet (?:the|our) (?:testers?|authors?|writers?|experts?|team|editors?)\b",
    re.IGNORECASE,
)
# a line that is only a web address: a reference list's entry, a link card
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# a teaser's summary cut short: "Remote work is no longer a trend ..."
_CUT_SHORT = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")


def table_row(line: Line) -> bool:
    """A row of a table: a short line that is not prose, with two numbers or more."""
    if line.prose or not 2 <= line.n <= ROW_WORDS:
        return False
    return sum(1 for word in line.words if any(c.isdigit() for c in word)) >= 2


# a date in the other languages the features read (de, fr, es, it, pt)
_OTHER_MONTH = (
    r"(?:januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|"
    r"julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|"
    r"giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|"
    r"setembro|outubro|novembro|dezembro)"
)
_OTHER_DATE = re.compile(
    rf"\b(?:{_OTHER_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\.?\s+(?:de\s+)?{_OTHER_MONTH}"
    rf"(?:\s+de)?,?\s+\d{{4}})\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def _date_line(text: str) -> bool:
    """A date and at most one word more ("Dec 19, 2025", "Updated Nov 3, 2024", "EFE |
    Abril 21, 2022", "3. März 2024")."""
    date = DATE_RE.search(text) or _OTHER_DATE.search(text)
    if date is None:
        return False
    return len(_WORD.findall(text[: date.start()] + " " + text[date.end() :])) <= 1


def section_stop(line: Line) -> bool:
    """A line that ends a story: an end marker, page furniture, a comment's header, the
    next article's byline, a box of other stories or writers, a lone web address, a date on
    its own line (a teaser's) or a summary cut short with dots (a teaser's)."""
    text = line.text
    if _MORE_BOX.match(text) or _URL_LINE.match(text) or _CUT_SHORT.search(text):
        return True
    if line.n <= 4 and SOURCES_MARKER.match(text):
        return True
    if line.n <= 5 and not line.prose and ":" not in text and _date_line(text):
        return True
    if line.n <= FEEDBACK_WORDS and FEEDBACK_MARKER.match(text):
        return True
    if line.n <= 5 and (COMMENTS_MARKER.match(text) or RELATED_MARKER.match(text)):
        return True
    if line.n <= 40 and (META_MARKER.match(text) or TAG_LIST.match(text)):
        return True
    if comment_stamp(line) or next_article_byline(line):
        return True
    if promo_line(line) or teaser_link(line) or server_notice(line):
        return True
    if line.n > STOP_WORDS and consent_words(line.text.lower()) < 2:
        # a heading or a step naming what furniture names ("How to publish an app on the
        # App Store", "Log in to your developer console and ...")
        return False
    return furniture(line) and not _story_furniture_words(line)


def _story_furniture_words(line: Line) -> bool:
    """A paragraph of the story that names what furniture names ("advertising" in a
    paragraph about it): prose of more than 12 words, not a consent notice or a pitch."""
    return (
        line.prose
        and line.n > 12
        and consent_words(line.text.lower()) < 3
        and not (promo_line(line) or teaser_link(line))
    )


def _box_end(lines: Sequence[Line], probs: Sequence[float], head: int, boxes: set[int]) -> int:
    """Where the story reads on below a box of links set into it, or -1: the box's heading
    (a short line, not a comment's header nor a post's filing) and at most ``BOX_SPAN``
    short lines, then a paragraph of ``BOX_RESUME`` words or more scoring ``BOX_P``."""
    line = lines[head]
    if head not in boxes and (
        line.n > 8
        or line.prose
        or comment_stamp(line)
        or next_article_byline(line)
        or FEEDBACK_MARKER.match(line.text)
        or COMMENTS_MARKER.match(line.text)
        or META_MARKER.match(line.text)
        or TAG_LIST.match(line.text)
        or SOURCES_MARKER.match(line.text)
        or _MORE_BOX.match(line.text)
        or _URL_LINE.match(line.text)
        or _date_line(line.text)
    ):
        return -1
    for k in range(head + 1, min(len(lines), head + BOX_SPAN + 2)):
        below = lines[k]
        if below.n == 0 or k in boxes:
            continue
        if below.prose:
            return k if below.n >= BOX_RESUME and probs[k] >= BOX_P else -1
        if below.n > 20:
            return -1
    return -1


def continue_sections(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float], fill_gap: int
) -> list[int]:
    """Read the story on below each kept line that the next kept line is more than
    ``fill_gap`` lines away from (or that is the last): paragraphs of the story's later
    sections, with the headings and list items between them."""
    if not kept:
        return []
    story = sum(lines[i].n for i in kept if lines[i].prose)
    if story < STORY_WORDS:
        return list(kept)
    boxes = inline_boxes(lines)
    out = set(kept)
    ends = [*kept[1:], len(lines) + fill_gap + 2]  # past the last kept line: no end
    for a, b in zip(kept, ends, strict=True):
        if b - a <= fill_gap + 1:
            continue
        last = a
        pending: list[int] = []
        j = a
        while j + 1 < min(b, len(lines)):
            j += 1
            if j - last > SECTION_GAP:
                break
            line = lines[j]
            if line.n == 0:
                continue
            if section_stop(line) or j in boxes:
                # a box of links set into the story: skipped when the story reads on below
                resume = _box_end(lines, probs, j, boxes)
                if resume < 0:
                    break
                pending = []
                j = resume - 1
                continue
            if (
                line.prose
                and line.n >= SECTION_WORDS
                and probs[j] >= SECTION_P
                and not is_credit(line)
            ):
                out.update(pending)
                out.add(j)
                pending = []
                last = j
            elif (
                j - last <= LIST_GAP
                and probs[j] >= BETWEEN_P
                and (
                    (line.bullet and (lines[last].bullet or lines[last].text.endswith(":")))
                    or (table_row(line) and table_row(lines[last]))
                )
            ):
                # a list going on from the story's list or from the line that opens it
                # (a heading between two of its runs)
                out.update(pending)
                out.add(j)
                pending = []
                last = j
            elif probs[j] >= BETWEEN_P and not is_credit(line):
                pending.append(j)
    return sorted(out)
