"""Furniture the model keeps inside a text dump's story that reads like its lines: a table
of contents (its heading and the section titles the story prints again below), the site's
disclosure of affiliate links ("We may earn a commission from links on this page"), a
form's own messages ("This field is for validation purposes ..."), the labels of buttons
("Learn more", "Get started", "Back to top"), calls to action and authors' boxes. Each is
recognised by its shape or its words, not by the score, and dropped wherever it stands
among the kept lines. Also the body's lines the page prints again: outside the story, a
second time in a row, or a run of the story printed twice (:func:`drop_repeated`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from broadsheet.extract.textdump_features import Line

__all__ = [
    "author_box",
    "button_label",
    "call_to_action",
    "contents_lines",
    "disclosure",
    "drop_furniture_lines",
    "drop_repeated",
    "drop_replayed",
]

# the heading of a table of contents
_CONTENTS_HEAD = re.compile(
    r"^(?:table of contents?|contents|in this (?:article|post|guide)|on this page|jump to|"
    r"article contents|inhaltsverzeichnis|inhalt|sommaire|table des matières|índice|"
    r"tabla de contenidos?|contenidos|indice|sommario|inhoudsopgave)\s*[:：]?"
    r"(?:\s*(?:show|hide|toggle|\[(?:show|hide)\]))?$",
    re.IGNORECASE,
)
# an entry of a table of contents has at most this many words
ENTRY_WORDS = 15
# entries not found again below (a title the page words differently) that a table of
# contents may hold, if found entries follow them
MISSED_ENTRIES = 2
# an entry's numbering ("2.1", "3.", "IV.") is not read when it is matched with its section
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.):]?|[IVX]+[.)])\s*")


def _entry_key(text: str) -> str:
    return " ".join(_NUMBERING.sub("", text).lower().rstrip(" :").split())


def contents_lines(kept: Sequence[int], lines: Sequence[Line]) -> set[int]:
    """The kept lines of tables of contents: a heading ("Table of Contents", "In this
    article", "Inhalt") and the run of short lines after it, each found again as a line
    further down the page in the same order with the story's text between (the section
    titles the entries link to). A heading alone, with no entries, goes too. Short lines
    found again below with no such heading above them stay: a story's own list of what it
    covers, before a section on each, reads the same."""
    if not any(lines[i].n <= 6 and _CONTENTS_HEAD.match(lines[i].text) for i in kept):
        return set()
    later: dict[str, list[int]] = {}
    for j, line in enumerate(lines):
        if 0 < line.n <= ENTRY_WORDS:
            later.setdefault(_entry_key(line.text), []).append(j)
    out: set[int] = set()
    pos = 0
    while pos < len(kept):
        i = kept[pos]
        if not (lines[i].n <= 6 and _CONTENTS_HEAD.match(lines[i].text)):
            pos += 1
            continue
        start = pos + 1
        run: list[int] = []
        unmatched: list[int] = []  # entries not found below, kept only if more follow
        last = -1  # where the previous entry's section title stands
        seen: set[str] = set()
        k = end = start
        while k < len(kept):
            j = kept[k]
            line = lines[j]
            if line.n == 0 or line.n > ENTRY_WORDS:
                break
            key = _entry_key(line.text)
            if not key or key in seen:
                break
            # the same title again below the run, after the previous one with text between
            at = next((x for x in later.get(key, ()) if x > j and x > last + 1), -1)
            k += 1
            if at < 0:
                unmatched.append(j)
                if len(unmatched) > MISSED_ENTRIES:
                    break
                continue
            run += [*unmatched, j]
            unmatched = []
            seen.add(key)
            last = at
            end = k
        out.add(i)
        out.update(run)
        pos = max(end, pos + 1)
    return out


# a disclosure of the site's affiliate links or its editors' review, or another notice of
# the site's about itself, up to DISCLOSURE_WORDS
DISCLOSURE_WORDS = 60
_DISCLOSURE = re.compile(
    r"\b(?:(?:contains?|may contain|includes?|uses?|are) affiliate links?|"
    r"affiliate links?\b[^.!?]{0,60}\b(?:commissions?|disclosure|at no (?:extra|additional) cost)|"
    r"(?:we|i)\s+(?:may|might|will|could|do|also)?\s*(?:earn|receive|get|make)\s+"
    r"(?:an?\s+)?(?:small\s+)?(?:affiliate\s+)?commissions?|"
    r"(?:may )?earns? (?:us )?(?:an? )?(?:small )?commissions?\b|"
    r"chosen by (?:an?|our) [^.!?]{0,30}editors?\b|handpick(?:s|ed)? every product|"
    r"affiliate-links|provision einbringen|"
    # the site's notices: Google's preferred sources, a forwarded newsletter, a plea for
    # support, an old post's warning
    r"a preferred source on google|choose your favou?rite sources|"
    r"was this (?:newsletter|email) forwarded to you|"
    r"enjoyed this (?:piece|article|post|story)\?\s+we need your (?:help|support)|"
    r"this (?:post|article) is (?:over|more than) \d+ years? old)",
    re.IGNORECASE,
)
# a form's own messages printed as text
_FORM_MESSAGE = re.compile(
    r"^(?:this field is for validation purposes\b|thank you!? your submission has been received|"
    r"there was an? (?:issue|error|problem) with the form\b|oops!? something went wrong while "
    r"submitting the form)",
    re.IGNORECASE,
)


def disclosure(line: Line) -> bool:
    """A disclosure of the site's affiliate links or a form's message: the site's, not the
    story's."""
    if line.n > DISCLOSURE_WORDS:
        return False
    return bool(_FORM_MESSAGE.match(line.text) or _DISCLOSURE.search(line.text))


# an author's box: "Jane Roe is a senior reporter for ...", "John Doe has been a freelance
# technology journalist for ...", up to BIO_WORDS words (a story's own "I am a reporter"
# stays: the writer speaking in the story)
BIO_WORDS = 80
_ROLE = (
    r"(?:journalist|writer|reporter|columnist|author|correspondent|editor|contributor|"
    r"blogger|producer)"
)
_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s+(?:is|has been)\s+(?:an?\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,4}" + _ROLE + r"|"
    r"[A-Z][a-z]+\s+(?:is|has been)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}"
    r"(?:journalist|writer|reporter|columnist|correspondent))\b",
)


def author_box(line: Line) -> bool:
    """A line of an author's box: a name, "is" or "has been", and a writer's trade."""
    return line.n <= BIO_WORDS and bool(_BIO.match(line.text))


# a call to action alone on a short line: a verb that asks the reader to act and what the
# offer is ("Get a free estimate", "Try it now!", "Book a demo", "Start your free trial
# today", "Listen to this article"), up to CTA_WORDS words and not a lead-in to what
# follows ("Check out the code it generated:")
CTA_WORDS = 12
_CTA = re.compile(
    r"^(?:get|try|sign up|book|download|start|request|claim|grab|shop|buy|call|subscribe|"
    r"join|schedule|watch|listen to|order|unlock)\b[^.:!?]{0,60}?"
    r"\b(?:free|now|today|quote|estimate|demo|trial|deals?|offers?|promo code|discount|"
    r"\d+% off|pricing|this article|e-?book)\b[^.:!?]{0,40}[.!]*$",
    re.IGNORECASE,
)


def call_to_action(line: Line) -> bool:
    """A short call to action ("Get a free estimate", "Try it now!", "Book a demo")."""
    return 0 < line.n <= CTA_WORDS and bool(_CTA.match(line.text))


# the label of a button or a link, alone on its line
_BUTTON = re.compile(
    r"^(?:learn more|get started|contact us|get in touch|start (?:your )?free trial|"
    r"book now|back to top|take the next step|show caption|copy the link|"
    r"table of contents?)\s*[.!:→»›>]*$",
    re.IGNORECASE,
)


def button_label(line: Line) -> bool:
    """A button's label alone on a line ("Learn more", "Get started", "Back to top")."""
    return 0 < line.n <= 5 and bool(_BUTTON.match(line.text))


# a line of this many words or more right after a copy of itself is the copy of a layout
TWICE_WORDS = 4


def drop_furniture_lines(kept: Sequence[int], lines: Sequence[Line]) -> list[int]:
    """The kept lines without tables of contents, disclosures, form messages, button
    labels, calls to action and authors' boxes, and without the second of two copies of a line of
    ``TWICE_WORDS`` words or more in a row (a standfirst or a caption printed for two
    layouts); all of them if nothing would be left."""
    toc = contents_lines(kept, lines)
    out = [
        i
        for k, i in enumerate(kept)
        if i not in toc
        and not disclosure(lines[i])
        and not button_label(lines[i])
        and not call_to_action(lines[i])
        and not author_box(lines[i])
        and not (k > 0 and lines[i].n >= TWICE_WORDS and lines[i].text == lines[kept[k - 1]].text)
    ]
    return out or list(kept)


def drop_repeated(body: Sequence[int], lines: Sequence[Line], min_words: int) -> list[int]:
    """Drop body lines (``min_words`` words or more) that the page shows again outside the
    story's span: a teaser's summary also listed in a sidebar, a gallery caption repeated in
    the gallery. A story's own paragraphs are not printed a second time around it; a run
    of them printed a second time inside its span goes too (:func:`drop_replayed`)."""
    if not body or min_words <= 0:
        return list(body)
    lo, hi = body[0], body[-1]

    def twice_in_a_row(j: int) -> bool:  # a copy printed right beside itself is not a teaser
        return any(0 <= k < len(lines) and lines[k].text == lines[j].text for k in (j - 1, j + 1))

    outside = {
        line.text
        for j, line in enumerate(lines)
        if line.n >= min_words and not lo <= j <= hi and not twice_in_a_row(j)
    }
    kept = [i for i in body if lines[i].n < min_words or lines[i].text not in outside]
    return drop_replayed(kept, lines, min_words) or list(body)


# a run of this many body lines or more, each a copy of the line after the previous one's
# first copy, is the story printed a second time
REPLAY_RUN = 3


_FULL_STOP = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _sentence(line: Line) -> bool:
    """Prose ending a sentence: a story's paragraph, not a plan's or a table's row."""
    return line.prose and bool(_FULL_STOP.search(line.text))


def drop_replayed(body: Sequence[int], lines: Sequence[Line], min_words: int) -> list[int]:
    """Drop the second printing of a run of the story: ``REPLAY_RUN`` or more body lines
    of prose ending a sentence in a row (short lines between not counted), each a copy of
    an earlier body line of ``min_words`` words or more, in the same order (a page that
    prints the story, or its first paragraphs, twice for two layouts). A line repeated
    alone (a refrain) and a plan's or a table's rows repeated day after day stay."""
    first: dict[str, int] = {}
    for k, i in enumerate(body):
        if lines[i].n >= min_words:
            first.setdefault(lines[i].text, k)
    drop: set[int] = set()
    run: list[int] = []
    last = -2
    for k, i in enumerate(body):
        if lines[i].n < min_words:
            continue
        at = first[lines[i].text]
        if at < k and _sentence(lines[i]) and (not run or at > last):
            run.append(k)
            last = at
            continue
        if len(run) >= REPLAY_RUN:
            drop.update(range(run[0], run[-1] + 1))
        run, last = ([k], at) if at < k else ([], -2)
    if len(run) >= REPLAY_RUN:
        drop.update(range(run[0], run[-1] + 1))
    return [i for k, i in enumerate(body) if k not in drop]
