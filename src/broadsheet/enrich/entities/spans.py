"""The article being annotated, and the spans the rules work on.

``_Page`` holds the parse, its text, the rules and the heading lines (``find_heading_spans``)
that both finding mentions and naming them read. ``_Span`` is a working mention; the helpers
cut a span at line breaks and slashes and strip its edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.attrs import LOWER

from broadsheet.models import EntityType

from ..nlp import doc_text
from .rules import EntityRules

_APOSTROPHES = "'’"
_TRAILING_PUNCT = "-–—,;:/|([{\"“”‘’'"
_KEEP_FINAL_DOT = frozenset({"inc.", "corp.", "co.", "ltd.", "jr.", "sr.", "bros.", "st."})
_HEADING_END_PUNCT = ".!?;:,"

_QUOTE_CHARS = "\"'“”‘’«»"


def find_heading_spans(text: str) -> list[tuple[int, int]]:
    """Lines that read as headings: short, alone between blank lines, no final punctuation.

    Only multi-paragraph text has headings (a single line is just a sentence).
    """
    if "\n\n" not in text.strip():
        return []
    spans: list[tuple[int, int]] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    for i, (s, e) in enumerate(lines):
        body = text[s:e].strip()
        if not body:
            continue
        prev_blank = i == 0 or not text[lines[i - 1][0] : lines[i - 1][1]].strip()
        next_blank = i == len(lines) - 1 or not text[lines[i + 1][0] : lines[i + 1][1]].strip()
        if not (prev_blank and next_blank):
            continue
        if len(body) > 120 or len(body.split()) > 14:
            continue
        core = body.rstrip(_QUOTE_CHARS)
        if core and core[-1] in _HEADING_END_PUNCT:
            continue
        lead = len(text[s:e]) - len(text[s:e].lstrip())
        spans.append((s + lead, s + lead + len(body)))
    return spans


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    type: EntityType
    rule: bool = False  # made by the rule layer rather than the statistical model


def _is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0].isdigit() and len(word) > 1))


def _clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip space, a leading "the", a trailing possessive and trailing punctuation."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        low = text[start:end].lower()
        for article in ("the ", "a ", "an "):
            if (
                low.startswith(article)
                and end - start > len(article) + 1
                and text[start + len(article)].isupper()
            ):
                start += len(article)
                changed = True
                break
        if changed:
            continue
        opening = text.find("(", start, end)
        if opening > start and text.find(")", opening, end) < 0:
            end = opening  # "Alliance for Democracy (PAD": the acronym is not the name
            changed = True
            continue
        if end - start > 2 and text[end - 2] in _APOSTROPHES and text[end - 1] in "sS":
            end -= 2
            changed = True
            continue
        if end - start > 1 and text[end - 1] in _APOSTROPHES and text[end - 2] in "sS":
            end -= 1
            changed = True
            continue
        if end > start and text[end - 1] in _TRAILING_PUNCT:
            end -= 1
            changed = True
            continue
        if end > start and text[start] in _TRAILING_PUNCT:
            start += 1
            changed = True
            continue
        if end > start and text[end - 1] == ".":
            words = text[start:end].split()
            if words[-1].lower() not in _KEEP_FINAL_DOT and words[-1].count(".") == 1:
                end -= 1
                changed = True
    return start, end


def _segments(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Cut a span at line breaks and slashes; keep the first slash part only."""
    if "\n" not in text[start:end]:  # one piece (most spans): no split needed
        if end > start:
            slash = text.find("/", start, end)
            yield (start, slash if slash >= 0 else end)
        return
    pos = start
    for piece in re.split(r"(\n+)", text[start:end]):
        if piece and not piece.startswith("\n"):
            slash = piece.find("/")
            yield (pos, pos + (slash if slash >= 0 else len(piece)))
        pos += len(piece)


_DATELINE_AFTER = re.compile(r"[ ]?(?:,[ ]?[A-Z][\w. ]{1,30}?[ ]?)?(?:\d{4}-\d\d-\d\d|\(\w+\))")


def _is_dateline(text: str, start: int, end: int) -> bool:
    """A name opening a dateline: "NEW YORK 1996-08-25", "LONDON (Reuters)"."""
    line = text.rfind("\n", 0, start)
    return not text[line + 1 : start].strip() and bool(_DATELINE_AFTER.match(text, end))


def _normalise_space(name: str) -> str:
    return " ".join(name.split())


class _Page:
    """One parsed article under annotation: what every stage of the entity rules reads."""

    def __init__(self, doc: Any, rules: EntityRules) -> None:
        self.doc = doc
        self.text: str = doc_text(doc)
        self.rules = rules
        self.headings = find_heading_spans(self.text)
        self._heading_chars = self._mark_headings()
        self._lowers: list[str] | None = None

    def lowers(self) -> list[str]:
        """Every token's ``lower_``, read from the doc's arrays once (no ``Token`` made)."""
        if self._lowers is None:
            strings = self.doc.vocab.strings
            self._lowers = [strings[i] for i in self.doc.to_array(LOWER).tolist()]
        return self._lowers

    def _mark_headings(self) -> bytearray:
        marks = bytearray(len(self.text) + 1)
        for s, e in self.headings:
            marks[s:e] = b"\x01" * (e - s)
        return marks

    def in_heading(self, start: int) -> bool:
        return bool(self._heading_chars[start])
