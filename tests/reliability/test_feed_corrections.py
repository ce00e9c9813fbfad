"""A story re-fetched with changed text is a new version of the same article (ARCHITECTURE,
Data). Through a full-text feed: the publisher corrects an entry (same guid, new text) and
the next poll must keep both texts as versions; a broken parse must still change nothing."""

from __future__ import annotations

from pathlib import Path

from broadsheet.pipeline import open_pipeline, poll_due

from .helpers import Publisher, make_settings, rss_feed

CORRECTION = b"now goes to a final reading next month. (Corrected: the vote was on Wednesday.)"


def test_corrected_entry_in_a_full_text_feed_becomes_a_new_version(
    home: Path, publisher: Publisher
) -> None:
    entries = [(f"c-{n}", n) for n in range(3)]
    original = rss_feed(publisher.base, entries, full_text=True)
    publisher.static("/feed.xml", original, "application/rss+xml")
    with open_pipeline(make_settings(home, fetch_articles=False), enrich=False) as pipe:
        pipe.store.add_source(f"{publisher.base}/feed.xml", "feed")
        [first] = poll_due(pipe, force=True)
        assert first.new == 3
        corrected = original.replace(b"now goes to a final reading next month.", CORRECTION, 1)
        assert corrected != original
        publisher.static("/feed.xml", corrected, "application/rss+xml")
        [second] = poll_due(pipe, force=True)
        assert second.status == "ok"
        articles = list(pipe.store.iter_articles())
        assert len(articles) == 3
        changed = [a for a in articles if "Corrected:" in a.body]
        assert len(changed) == 1
        assert changed[0].version == 2
        assert [v.version for v in pipe.store.article_versions(changed[0].id)] == [1, 2]
        assert pipe.store.integrity_check() == []
