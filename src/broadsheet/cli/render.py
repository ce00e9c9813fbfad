"""Turning stored values into terminal output and export rows."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ..models import Annotations, StoredArticle

__all__ = ["article_record", "highlight_snippet", "sentence_around"]

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


def sentence_around(body: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence (or paragraph, when short) that holds body[start:end]."""
    left = max(body.rfind("\n", 0, start), max(body.rfind(". ", 0, start), -1))
    left = 0 if left < 0 else left + 1
    right_candidates = [i for i in (body.find(". ", end), body.find("\n", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(body)
    sentence = body[left:right].strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


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
