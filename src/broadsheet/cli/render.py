"""Turning stored values into terminal output and export rows."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

from ..models import Annotations, Quote, StoredArticle

__all__ = ["article_record", "context_around", "highlight_snippet", "sentence_around"]

# search snippets mark matched terms between these two control characters
MARK_START, MARK_END = "\x02", "\x03"


def highlight_snippet(snippet: str) -> Text:
    """Render a snippet with its matched terms in bold yellow."""
    text = Text()
    rest = snippet
    while MARK_START in rest:
        before, _, after = rest.partition(MARK_START)
        hit, _, rest = after.partition(MARK_END)
        text.append(before)
        text.append(hit, style="bold yellow")
    text.append(rest)
    return text


def plain_snippet(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


_ABBREVIATIONS = {
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
_SENTENCE_END = re.compile(r"[.!?][”\"’)]?\s+|\n+")


def _sentence_breaks(body: str) -> list[int]:
    breaks = [0]
    for m in _SENTENCE_END.finditer(body):
        if m.group()[0] == "\n":
            breaks.append(m.end())
            continue
        words = body[: m.start()].split()
        word = words[-1].lower() if words else ""
        if word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha()):
            breaks.append(m.end())
    breaks.append(len(body))
    return breaks


def sentence_around(body: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence that holds body[start:end] (abbreviations like "Inc." do not end one)."""
    breaks = _sentence_breaks(body)
    left = max(b for b in breaks if b <= start)
    right = min((b for b in breaks if b >= end), default=len(body))
    sentence = " ".join(body[left:right].split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def quote_sentence(body: str, quote: Quote) -> str:
    """The sentence that names who spoke (the cue and the speaker's mention), when it is not
    already the quote's own words: "..., said analyst Bonnie Glaser." """
    spans = [s for s in (quote.source, quote.cue) if s is not None]
    if not spans:
        return ""
    start = min(s[0] for s in spans)
    end = max(s[1] for s in spans)
    if quote.content[0] <= start and end <= quote.content[1]:
        return ""  # "A, X said, B": the attribution is inside the words shown
    return sentence_around(body, start, end, 240)


def plural(n: int, one: str, many: str) -> str:
    """ "1 matching story", "3 matching stories" """
    return f"{n} {one if n == 1 else many}"


def context_around(body: str, start: int, end: int, width: int = 35) -> Text:
    """A one-line window around body[start:end], the mention itself in bold."""
    left = max(0, start - width)
    right = min(len(body), end + width)
    text = Text("…" if left else "")
    text.append(
        " ".join(body[left:start].split()) + (" " if body[start - 1 : start].isspace() else "")
    )
    text.append(body[start:end], style="bold")
    after = body[end:right]
    text.append((" " if after[:1].isspace() else "") + " ".join(after.split()))
    if right < len(body):
        text.append("…")
    return text


def article_record(art: StoredArticle, annotations: Annotations | None = None) -> dict[str, Any]:
    """A flat, exportable record of one stored article."""
    rec: dict[str, Any] = {
        "id": art.id,
        "version": art.version,
        "headline": art.headline,
        "byline": art.byline,
        "source": art.source_name,
        "url": art.canonical_url or art.url,
        "published_at": art.published_at.isoformat() if art.published_at else None,
        "first_seen_at": art.first_seen_at.isoformat(),
        "language": art.language,
        "story_id": art.story_id,
        "sections": list(art.sections),
        "body": art.body,
    }
    if annotations is not None:
        rec["people"] = sorted({e.name for e in annotations.entities if e.type == "PERSON"})
        rec["organizations"] = sorted({e.name for e in annotations.entities if e.type == "ORG"})
        rec["places"] = sorted({e.name for e in annotations.entities if e.type == "PLACE"})
        rec["tickers"] = sorted({t.ticker for t in annotations.tickers})
        rec["topics"] = list(annotations.topics)
        rec["tone"] = annotations.tone
    return rec
