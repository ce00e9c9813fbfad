"""Near-duplicates join one story only when they appear around the same time: the same
template weeks apart (a weekly wrap, an earnings formula) is a different story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from broadsheet.models import Article, Paragraph
from broadsheet.store import open_store

TEXT = (
    "Shares of Northwind Traders fell {n} percent on the day as investors weighed a weaker "
    "outlook for the wholesale business, the steepest drop in months, as trading volume "
    "doubled and analysts cut their forecasts for the second half of the year, citing "
    "slower orders from grocery chains in the region and higher freight costs at the ports."
)


def _article(url: str, n: int, when: datetime) -> Article:
    return Article(
        paragraphs=(Paragraph(TEXT.format(n=n)),),
        headline=f"Northwind falls {n}%",
        url=url,
        published_at=when,
    )


@pytest.mark.parametrize(("gap_days", "same_story"), [(0, True), (1, True), (30, False)])
def test_story_window(store_location: str, gap_days: int, same_story: bool) -> None:
    start = datetime(2011, 5, 2, 20, 0, tzinfo=UTC)
    with open_store(store_location) as store:
        first = store.save_article(_article("https://a.example/1", 6, start))
        second = store.save_article(
            _article("https://b.example/2", 7, start + timedelta(days=gap_days))
        )
        assert first.status == second.status == "new"
        assert (first.story_id == second.story_id) is same_story
        assert store.integrity_check() == []
