"""Recall rules for text dumps: story lines the other rules would take for furniture.

Kept apart from :mod:`textdump_region` and :mod:`textdump_header` (each rule is called
from there in one line) so that rules for the story's lost lines and rules for the
furniture kept with it can change side by side.
"""

from __future__ import annotations

import re

from broadsheet.extract.textdump_features import Line

# a caption is a sentence or two about a picture; a paragraph of the story that happens
# to sit above a photo credit is longer and runs over several sentences
# (40 words and one break: 9 corpus pages better, 1 worse with the fold models fixed; 30 and
# one: 12 / 3; 35 and two: 6 / 0; see benchmarks/textdump.md, trecall)
STORY_WORDS = 40
STORY_BREAKS = 1

# the end of a sentence: a word of three small letters (not "Co.", "Gov.", "Nov.") or a
# number, a stop, closing quotes or brackets, one space, and the next sentence's first word
# (a capital and a small letter) or opening quote; no nested repeats: one pass per line
_SENTENCE_BREAK = re.compile(
    r"(?:(?<=[a-zß-öø-ÿ]{3})|(?<=\d))[.!?…][\"'”’»)\]]{0,3}\s(?:[\"'“„«(]|[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])"
)


def sentence_breaks(text: str) -> int:
    """How many times one sentence ends and the next begins inside ``text``."""
    return len(_SENTENCE_BREAK.findall(text))


def story_paragraph(line: Line) -> bool:
    """A line too long and too many sentences long to be the caption of the photo whose
    credit follows it, or a notice to trim above the story: a paragraph of the story
    (``pull_captions`` leaves it in the body; ``trim_head`` starts the story at it even
    when it names subscriptions or privacy, as a story about them does)."""
    return line.n >= STORY_WORDS and sentence_breaks(line.text) >= STORY_BREAKS
