"""Made-up news text for the store tests (written for these tests; deterministic per seed)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from broadsheet.models import Article, Paragraph

__all__ = ["edit_text", "make_article", "make_text"]

_SUBJECTS = (
    "the harbour council",
    "a regional grain cooperative",
    "the state rail operator",
    "two mid-sized lenders",
    "the coastal fishing fleet",
    "a battery start-up",
    "the city water board",
    "several apple growers",
    "the national weather office",
    "a ferry company",
    "the university hospital",
    "local bakers",
)
_VERBS = (
    "announced",
    "postponed",
    "denied",
    "welcomed",
    "questioned",
    "approved",
    "criticised",
    "expanded",
    "reviewed",
    "cancelled",
)
_OBJECTS = (
    "a plan to widen the northern quay",
    "new limits on night-time deliveries",
    "a bond sale worth several million",
    "the merger of two depots",
    "higher fares for commuters",
    "a pilot scheme for electric buses",
    "an audit of last winter's repairs",
    "a contract for forty new carriages",
    "cuts to weekend opening hours",
    "a study of flood defences",
)
_TAILS = (
    "officials said on Tuesday",
    "according to documents seen by reporters",
    "after months of negotiation",
    "despite objections from residents",
    "in a statement released late in the evening",
    "ahead of a vote next month",
    "citing rising costs",
    "which surprised analysts",
)


def make_text(seed: int, sentences: int = 8) -> str:
    """A paragraph of plausible, unique-by-seed news prose (a serial number keeps seeds apart)."""
    rng = random.Random(seed)
    parts = [f"Report {seed}."]
    for _ in range(sentences):
        parts.append(
            f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} "
            f"{rng.choice(_OBJECTS)}, {rng.choice(_TAILS)}, and {rng.randint(2, 9999)} "
            f"people were affected."
        )
    return " ".join(parts)


def edit_text(text: str, seed: int) -> str:
    """A lightly edited copy: one sentence reworded and a line added, as a second outlet might."""
    rng = random.Random(seed)
    sentences = text.split(". ")
    i = rng.randrange(1, len(sentences))
    sentences[i] = sentences[i].replace(" and ", " while ", 1)
    return ". ".join(sentences) + " The agency contributed to this report."


def make_article(
    seed: int,
    *,
    url: str | None = "auto",
    canonical_url: str | None = None,
    headline: str | None = "auto",
    body: str | None = None,
    published_at: datetime | None = None,
    paragraphs: int = 2,
) -> Article:
    text = body if body is not None else make_text(seed)
    paras = [Paragraph(text)]
    for extra in range(1, paragraphs):
        if body is None:
            paras.append(Paragraph(make_text(seed * 1000 + extra, sentences=4)))
    return Article(
        paragraphs=tuple(paras),
        headline=f"Story number {seed}" if headline == "auto" else headline,
        byline="By A. Reporter",
        published_at=published_at
        if published_at is not None
        else datetime(2024, 3, 1, tzinfo=UTC) + timedelta(hours=seed),
        url=f"https://news.example/{seed}" if url == "auto" else url,
        canonical_url=canonical_url,
        language="en",
        site_name="Example News",
    )
