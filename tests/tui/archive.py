"""A small deterministic archive for the terminal's tests: six stories written for these
tests (invented outlets, people and figures), stored through the real pipeline with
enrichment, at fixed times, so ids, clusters, annotations and screens are the same every run.

- two outlets report Apple's rise on the same day (one story cluster, 2 sources);
- a Federal Reserve story, an IBM story and a Microsoft story from single outlets;
- an Apple follow-up whose text was corrected once (two versions);
- one saved search ("apple": ``ticker:AAPL``), and the bundled daily prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from broadsheet.config import Settings, load_settings
from broadsheet.models import Article, Paragraph

__all__ = ["FIXED_NOW", "STORIES", "archive_settings", "build_archive"]

FIXED_NOW = datetime(2008, 10, 20, 12, 0, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FixtureStory:
    outlet: str
    guid: str
    headline: str
    published: datetime
    paragraphs: tuple[str, ...]
    byline: str = ""


_APPLE_BODY = (
    "Shares of Apple Inc. rose 4.2 percent to $166.29 in New York trading on Tuesday, "
    "after the company reported orders for its new phone that beat every estimate.",
    "“Demand has surprised even the optimists,” said Harriet Lindqvist, chief strategist at "
    "Pellham Advisors in New York. “We expect the margin to hold through the holidays.”",
    "Oren Castellano, a senior analyst at Wexford Research, said the quarter showed revenue "
    "growth of 38 percent and that the company could raise its forecast.",
    "Apple, based in Cupertino, California, declined to comment on the share move.",
)

STORIES: tuple[FixtureStory, ...] = (
    FixtureStory(
        "The Example Ledger",
        "ledger-apple-1",
        "Apple Shares Climb After Strong Phone Orders",
        datetime(2008, 7, 22, 20, 5, tzinfo=UTC),
        _APPLE_BODY,
        "By Tomas Reyes",
    ),
    FixtureStory(
        "Northfield Wire",
        "northfield-apple-1",
        "Apple Shares Climb as Phone Orders Beat Estimates",
        datetime(2008, 7, 22, 20, 40, tzinfo=UTC),
        (*_APPLE_BODY[:3], "Apple, based in Cupertino, California, did not comment on the move."),
        "By Ada Brightwell",
    ),
    FixtureStory(
        "Northfield Wire",
        "northfield-fed-1",
        "Federal Reserve Cuts Benchmark Rate to 1.5 Percent",
        datetime(2008, 10, 8, 18, 15, tzinfo=UTC),
        (
            "The Federal Reserve lowered its benchmark federal funds rate by half a point to "
            "1.5 percent on Wednesday, in a move coordinated with other central banks.",
            "“The cut buys time, but credit markets remain frozen,” said Clement Ashdown, "
            "chief economist at Harrow Bank in Washington.",
            "Policy makers said inflation risks had diminished as growth slowed.",
        ),
        "By Ada Brightwell",
    ),
    FixtureStory(
        "The Example Ledger",
        "ledger-ibm-1",
        "IBM Profit Beats Forecasts on Software Sales",
        datetime(2008, 10, 16, 20, 30, tzinfo=UTC),
        (
            "International Business Machines Corp. said third-quarter profit rose 20 percent "
            "to $2.8 billion, beating analysts' forecasts on strong software sales.",
            "“Software is carrying the company through the downturn,” said Oren Castellano, "
            "a senior analyst at Wexford Research.",
            "IBM shares rose 4.5 percent in late trading in New York.",
        ),
        "By Tomas Reyes",
    ),
    FixtureStory(
        "Northfield Wire",
        "northfield-msft-1",
        "Microsoft Shares Slide as Investors Weigh Outlook",
        datetime(2008, 9, 29, 20, 10, tzinfo=UTC),
        (
            "Shares of Microsoft Corp. fell 9.2 percent to $24.43 in New York trading on "
            "Monday as investors worried about corporate spending on software.",
            "Harriet Lindqvist, chief strategist at Pellham Advisors, said the selling was "
            "“indiscriminate and overdone.”",
        ),
        "By Ada Brightwell",
    ),
    FixtureStory(
        "The Example Ledger",
        "ledger-apple-2",
        "Apple Falls as Analysts Trim Forecasts",
        datetime(2008, 10, 14, 20, 20, tzinfo=UTC),
        (
            "Shares of Apple Inc. fell 3.1 percent to $104.08 in New York trading on Tuesday "
            "after two brokers cut their forecasts for holiday sales.",
            "“The holiday quarter will be softer than the company hopes,” said Oren "
            "Castellano, a senior analyst at Wexford Research.",
        ),
        "By Tomas Reyes",
    ),
)

# the follow-up story's text as corrected after it was first stored (version 2)
CORRECTION = (
    "Shares of Apple Inc. fell 3.4 percent to $103.75 in New York trading on Tuesday after "
    "two brokers cut their forecasts for holiday sales. (Corrects the size of the fall.)",
    STORIES[5].paragraphs[1],
)


def archive_settings(home: Path) -> Settings:
    return load_settings(None, {"home": home})


def _article(story: FixtureStory, paragraphs: tuple[str, ...]) -> Article:
    slug = story.guid
    host = "ledger.example" if "Ledger" in story.outlet else "northfield.example"
    return Article(
        paragraphs=tuple(Paragraph(p) for p in paragraphs),
        headline=story.headline,
        byline=story.byline,
        published_at=story.published,
        url=f"https://{host}/story/{slug}",
        canonical_url=f"https://{host}/story/{slug}",
        language="en",
        site_name=story.outlet,
    )


def build_archive(home: Path) -> Settings:
    """Store the stories (enriched), the correction, prices and the saved search in ``home``."""
    from datetime import timedelta

    from broadsheet.service import open_service

    settings = archive_settings(home)
    with open_service(settings, enrich=True) as svc:
        sources = {
            "The Example Ledger": svc.store.add_source(
                "https://ledger.example/rss.xml", "feed", "The Example Ledger"
            ).id,
            "Northfield Wire": svc.store.add_source(
                "https://northfield.example/feed", "feed", "Northfield Wire"
            ).id,
        }
        pipe = svc.pipeline
        for story in STORIES:
            pipe.ingest_article(
                _article(story, story.paragraphs),
                source_id=sources[story.outlet],
                guid=story.guid,
                first_seen_at=story.published + timedelta(minutes=3),
            )
        follow_up = STORIES[5]
        pipe.ingest_article(
            _article(follow_up, CORRECTION),
            source_id=sources[follow_up.outlet],
            guid=follow_up.guid,
            first_seen_at=follow_up.published + timedelta(hours=2),
        )
        pipe.flush()
        svc.ensure_prices()
        svc.save_search("apple", "ticker:AAPL")
    return settings
