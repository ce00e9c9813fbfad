"""Furniture the model keeps above and inside a text dump's story that its scores cannot
cut and shapes can, read after the holes are filled: teaser blocks whose titles run into
their summaries on one line ("Die BibelGrundlage des christlichen Glaubens ist ...", "...
Wife In BhiwandiReady To Lead Fight ..."), which read as prose and score like a story's
paragraphs; short labels the page prints again and again ("Crime and Public Safety |",
"ADVERTISEMENT"); photo credits in scripts the credit feature does not read ("Фото:") and
escaped markup printed as text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from broadsheet.extract.textdump_features import Line
from broadsheet.extract.textdump_furniture import drop_furniture_lines

__all__ = [
    "drop_glued_teasers",
    "drop_repeated_labels",
    "drop_teaser_blocks",
    "glued_word",
    "menu_line",
    "stray_line",
]

# the glue sits within a teaser title's length from the line's start
GLUE_WORDS = 20
# a glued teaser is a title and a summary: this many words at least
GLUE_MIN_WORDS = 6
# ... and a summary of a few sentences: a longer line is a section's heading run into its
# paragraph ("Borewell Horror: A Newborn Left To Die, But SurvivesOne of the most ...")
GLUE_MAX_WORDS = 100
# this many glued lines in a row (short labels between them not counted) make a teaser block
GLUE_RUN = 3
# lines of at most this many words between glued lines (section labels) do not end the run
LABEL_WORDS = 3
# words longer than this are not read for glue (a URL, a hash)
GLUE_TOKEN = 40


def _glue_at(token: str) -> int:
    """Where a word ending a title is glued to the next one starting a summary: three
    lower-case letters (or a number: "Covid-19Hit"), then an upper-case letter and a
    lower-case one ("BibelGrundlage", "BhiwandiReady"); -1 if nowhere."""
    for k in range(3, len(token) - 1):
        if not (token[k].isupper() and token[k + 1].islower()):
            continue
        a, b, c = token[k - 3], token[k - 2], token[k - 1]
        if (
            (b.islower() or b.isdigit())
            and (c.islower() or c.isdigit())
            and (a.islower() or a.isdigit() or a == "-")
        ):
            return k
    return -1


def glued_word(line: Line) -> str:
    """The title's last word of the first glue within ``GLUE_WORDS`` of a line's start
    ("Bibel" in "Die BibelGrundlage des ..."), lower-cased, or "" (none, or a line under
    ``GLUE_MIN_WORDS`` words)."""
    if line.n < GLUE_MIN_WORDS or line.n > GLUE_MAX_WORDS:
        return ""
    for token in line.text.split()[:GLUE_WORDS]:
        if len(token) <= GLUE_TOKEN and (k := _glue_at(token)) > 0:
            return token[:k].lower()
    return ""


def drop_glued_teasers(kept: Sequence[int], lines: Sequence[Line]) -> list[int]:
    """Drop runs of ``GLUE_RUN`` or more kept lines each with a title glued to its summary
    (:func:`glued_word`), the words before the glue all different (a brand written in camel
    case, "WordPress", "WordCamps", repeats through a story's paragraphs; teasers' titles do
    not), short section labels between them not counted and dropped with them."""
    spans: list[tuple[int, int]] = []
    run: list[int] = []
    seen: set[str] = set()

    def close() -> None:
        if len(run) >= GLUE_RUN:
            spans.append((run[0], run[-1]))

    for i in kept:
        if lines[i].n <= LABEL_WORDS:
            continue
        word = glued_word(lines[i])
        if word and word not in seen:
            run.append(i)
            seen.add(word)
            continue
        close()
        run, seen = ([i], {word}) if word else ([], set())
    close()
    return [i for i in kept if not any(a <= i <= b for a, b in spans)]


# a short line printed this many times on the page is a label of its lists, not the story's
LABEL_REPEATS = 3
# ... and the model doubts it: its scores average under this
LABEL_P = 0.6
# ... and under this share of the kept lines' average score (a weakly scored story's own
# repeated headings, a meal plan's "Meal 1" each day, score like its paragraphs)
LABEL_REL = 0.4


def drop_repeated_labels(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float]
) -> list[int]:
    """Drop kept lines of at most ``LABEL_WORDS`` words that the page prints
    ``LABEL_REPEATS`` times or more and the model doubts (their scores under ``LABEL_P`` on
    average): a teaser list's section labels ("Crime and Public Safety |", "Neue Rechte"),
    "ADVERTISEMENT", "Video". A story's own repeated subheadings score high; a speaker's
    name in an interview ("Anne:"), a live report's minute ("88'") and a rule ("___") stay."""
    words = sum(lines[i].n for i in kept) or 1
    bar = min(LABEL_P, LABEL_REL * sum(probs[i] * lines[i].n for i in kept) / words)
    where: dict[str, list[int]] = {}
    for j, line in enumerate(lines):
        if 0 < line.n <= LABEL_WORDS:
            where.setdefault(line.text, []).append(j)
    doubted = {
        text
        for text, at in where.items()
        if len(at) >= LABEL_REPEATS
        and sum(probs[j] for j in at) < bar * len(at)
        and not text.endswith(":")
        and any(ch.isalpha() for ch in text)
    }
    return [i for i in kept if lines[i].text not in doubted]


# a photo credit in the scripts and languages the credit feature does not read ("Фото:личный
# архив ...", "Zdjęcie: PAP"), up to this many words
CREDIT_WORDS = 15
_FOREIGN_CREDIT = re.compile(
    r"^(?:Фото|Фотография|Світлина|Снимка|Fotó|Zdjęcie|Fot\.|Kuva|Fotografie)\s*[:：]"
)
# markup escaped twice and printed as text ("&lt;span data-mce-type=...")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]{0,15}[ >&]")


def stray_line(line: Line) -> bool:
    """A photo credit in another script or language, or a line of escaped markup: never
    the story's text."""
    if line.n <= CREDIT_WORDS and _FOREIGN_CREDIT.match(line.text):
        return True
    return "&lt;" in line.text and bool(_ESCAPED_TAG.search(line.text))


# a menu's links run together into one line: at least MENU_WORDS words, MENU_CAPS of them
# capitalised, no sentence punctuation ("World Euronews Debates No Comment Top News ...")
MENU_WORDS = 18
MENU_CAPS = 0.85
# ... that the model does not vouch for
MENU_P = 0.6
_SENTENCE_MARK = re.compile(r"[.!?;:,]\s|[.!?]$")


def menu_line(line: Line) -> bool:
    """A site menu's links run together into one line: many words, nearly all capitalised,
    no sentence punctuation."""
    if line.n < MENU_WORDS or _SENTENCE_MARK.search(line.text):
        return False
    tokens = line.text.split()
    words = [w for w in tokens if any(ch.isalpha() for ch in w)]
    if not words or sum(1 for w in tokens if any(ch.isdigit() for ch in w)) * 10 > len(tokens):
        return False  # a table's row: figures, ranks, prices
    if len({w.lower() for w in words}) < 0.7 * len(words):
        return False  # a table's row of "Yes Yes Partial Yes"
    if sum(1 for w in words if w.isupper() and len(w) > 1) * 2 > len(words):
        return False  # a line in capitals: a shout, a product name
    caps = sum(1 for w in words if w[0].isupper() or not w[0].isalpha())
    return caps >= MENU_CAPS * len(words)


def drop_teaser_blocks(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float]
) -> list[int]:
    """The kept lines without credits in other scripts and escaped markup
    (:func:`stray_line`), menus run together into one line that the model doubts
    (:func:`menu_line`), glued teaser runs (:func:`drop_glued_teasers`) and repeated labels
    (:func:`drop_repeated_labels`), then tables of contents, disclosures and button labels
    (:func:`textdump_furniture.drop_furniture_lines`); all of them if nothing would be left."""
    kept = [i for i in kept if not stray_line(lines[i])] or list(kept)
    kept = [i for i in kept if not (probs[i] < MENU_P and menu_line(lines[i]))] or list(kept)
    kept = drop_repeated_labels(drop_glued_teasers(kept, lines), lines, probs) or list(kept)
    return drop_furniture_lines(kept, lines)
