"""Sentences in stored text: the sentence behind an annotation, for every interface."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..models import Quote

__all__ = ["Sentences", "quote_sentence", "sentence_around", "sentence_bounds"]

_ABBREVIATIONS = frozenset(
    {
        "inc",
        "corp",
        "co",
        "ltd",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "u.s",
        "no",
        "gov",
        "sen",
        "rep",
        "gen",
        "vs",
        "jan",
        "feb",
        "aug",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
_SENTENCE_END = re.compile(r"[.!?][”\"’)]?\s+|\n+")
_LAST_WORD = re.compile(r"(\S+)\s*$")


def _ends_sentence(body: str, m: re.Match[str]) -> bool:
    if m.group()[0] == "\n":
        return True
    word_match = _LAST_WORD.search(body, max(0, m.start() - 40), m.start())
    word = word_match.group(1).lower() if word_match else ""
    return word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha())


class Sentences:
    """The sentence breaks of one text, found once ("Inc." does not end a sentence)."""

    def __init__(self, body: str) -> None:
        self.body = body
        breaks = [0]
        breaks += [m.end() for m in _SENTENCE_END.finditer(body) if _ends_sentence(body, m)]
        breaks.append(len(body))
        self._breaks = breaks

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """``(start, end)`` of the sentence that holds ``body[start:end]``."""
        breaks = self._breaks
        left = breaks[max(0, bisect_right(breaks, start) - 1)]
        i = bisect_left(breaks, end)
        right = breaks[i] if i < len(breaks) else len(self.body)
        return left, right

    def around(self, start: int, end: int, limit: int = 400) -> str:
        """The sentence that holds ``body[start:end]``, on one line, cut at ``limit``."""
        left, right = self.bounds(start, end)
        sentence = " ".join(self.body[left:right].split())
        return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"

    def of_quote(self, quote: Quote) -> str:
        """The sentence that names who spoke (the cue and the speaker's mention), when it is
        not already the quote's own words: "..., said analyst Bonnie Glaser." """
        spans = [s for s in (quote.source, quote.cue) if s is not None]
        if not spans:
            return ""
        start = min(s[0] for s in spans)
        end = max(s[1] for s in spans)
        if quote.content[0] <= start and end <= quote.content[1]:
            return ""  # "A, X said, B": the attribution is inside the words shown
        return self.around(start, end, 240)


def sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` of the sentence that holds ``body[start:end]``."""
    return Sentences(body).bounds(start, end)


def sentence_around(body: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence that holds ``body[start:end]``, on one line, cut at ``limit``."""
    return Sentences(body).around(start, end, limit)


def quote_sentence(body: str, quote: Quote) -> str:
    """The sentence that names who said ``quote`` (see ``Sentences.of_quote``)."""
    return Sentences(body).of_quote(quote)
