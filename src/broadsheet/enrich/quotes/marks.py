"""Pairing quotation marks in article text.

Double quotes (curly, straight, guillemets and the doubled apostrophe ``''`` some wires use)
are paired within a paragraph; single quotes are left alone so nested quotes (``“he said
‘no’ to me”``) and apostrophes never break the pairing. A paragraph that opens a quote and
does not close it continues into the next paragraph when that one opens with a quote mark
too (the newspaper convention for quotations running over several paragraphs).
``quote_kind`` tells a direct quote, a mixed one and an indirect one apart by their marks.
"""

from __future__ import annotations

import re

from broadsheet.models import QuoteKind

__all__ = ["QUOTE_CHARS", "find_quote_spans", "quote_kind", "straighten_quotes"]

# every character the reference scorer treats as a quote mark
QUOTE_CHARS = '"“”‘’«»'

_OPEN = "“«"
_CLOSE = "”»"
_MARK = re.compile(r"''|``|[\"“”«»]")
_PARAGRAPH = re.compile(r"[^\n]+")


def _classify(text: str, start: int, mark: str) -> str:
    """Return "open", "close" or "either" for a quote mark at ``start``."""
    if mark in _OPEN or mark == "``":
        return "open"
    if mark in _CLOSE:
        return "close"
    before = text[start - 1] if start > 0 else " "
    after = text[start + len(mark)] if start + len(mark) < len(text) else " "
    if before.isspace() or before in "([{—–-/":
        return "open"
    if after.isspace() or after in ".,;:!?)]}—–-":
        return "close"
    return "either"


def _paragraph_marks(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    marks: list[tuple[int, int, str]] = []
    for m in _MARK.finditer(text, start, end):
        if m.group() == "''" and m.start() > 0 and text[m.start() - 1].isalpha():
            # "the Smiths'' ..." is rare; a doubled apostrophe after a letter still closes
            marks.append((m.start(), m.end(), "close"))
            continue
        marks.append((m.start(), m.end(), _classify(text, m.start(), m.group())))
    return marks


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, quote marks included, in text order.

    A passage left open at the end of its paragraph runs into the following paragraph
    when that one starts with an opening quote mark; otherwise it ends with its paragraph.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None  # start of the passage currently open
    carried = False  # the open passage started in an earlier paragraph
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]
    for index, (p_start, p_end) in enumerate(paragraphs):
        marks = _paragraph_marks(text, p_start, p_end)
        first = True
        for m_start, m_end, role in marks:
            if carried and first and m_start - p_start <= 2 and role in ("open", "either"):
                # the continuation paragraph's opening mark: the passage goes on
                first = False
                continue
            first = False
            carried = False
            if open_at is None:
                if role in ("open", "either"):
                    open_at = m_start
                continue
            if role in ("close", "either"):
                spans.append((open_at, m_end))
                open_at = None
            else:  # a second opening mark: the first was never closed
                spans.append((open_at, _trim_end(text, open_at, m_start)))
                open_at = m_start
        if open_at is None:
            carried = False
            continue
        nxt = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if nxt is not None and text[nxt[0] : nxt[0] + 2].lstrip()[:1] in "\"“«'`":
            carried = True
            continue
        spans.append((open_at, _trim_end(text, open_at, p_end)))
        open_at = None
        carried = False
    if open_at is not None:
        spans.append((open_at, _trim_end(text, open_at, len(text))))
    return [s for s in spans if s[1] - s[0] > 2]


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


def straighten_quotes(text: str) -> str:
    """The text with curly quotes and apostrophes made straight, character for character.

    spaCy's small English model tokenizes and parses straight quotes far better ("wasn’t"
    becomes a sentence break); the result has the same length, so offsets found on it are
    offsets into the original text.
    """
    return text.translate(_STRAIGHT)


_QUOTE_MARK = re.compile("[" + re.escape(QUOTE_CHARS) + "]")


def _has_quote_mark(body: str) -> bool:
    """Whether ``body`` holds a quotation mark. An apostrophe between letters ("shouldn’t",
    "Kim’s") is not one, although the reference scorer's kind rule counts it."""
    for found in _QUOTE_MARK.finditer(body):
        i, ch = found.start(), found.group()
        if ch in "’'" and 0 < i < len(body) - 1 and body[i - 1].isalpha() and body[i + 1].isalpha():
            continue
        return True
    return False


def quote_kind(text: str) -> QuoteKind:
    """The kind of a quote from its content text: direct when it opens with a quotation
    mark, mixed when it holds one, indirect otherwise (the reference scorer's definition,
    except that an apostrophe inside a word is not a quotation mark)."""
    body = text.strip()
    if body[:1] in QUOTE_CHARS:
        return "direct"
    if _has_quote_mark(body):
        return "mixed"
    return "indirect"
