"""`--warc-out`: what Broadsheet fetched is written as WARC, and replaying it gives the same
stories (a desk archives and replays its own crawl)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from broadsheet.config import load_settings
from broadsheet.store import open_store
from tests.publisher import Publisher
from tests.reliability.helpers import page, rss_feed, run_cli


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    pub = Publisher().start()
    yield pub
    pub.stop()


def _bodies(home: Path) -> dict[str, str]:
    store = open_store(load_settings(None, {"home": home}).database)
    try:
        return {a.url or "": a.body for a in store.iter_articles()}
    finally:
        store.close()


def test_fetched_pages_are_archived_and_replay(publisher: Publisher, tmp_path: Path) -> None:
    for n in (1, 2, 3):
        publisher.static(f"/story/{n}.html", page(n), "text/html; charset=utf-8")
    entries = [(f"g{n}", n) for n in (1, 2, 3)]
    publisher.static(
        "/feed.xml", rss_feed(publisher.base, entries, full_text=False), "application/rss+xml"
    )
    archive = tmp_path / "crawl"
    live = tmp_path / "live"
    done = run_cli(live, None, "--warc-out", str(archive), "ingest", f"{publisher.base}/feed.xml")
    assert done.returncode == 0, done.stderr[-2000:]
    files = sorted(archive.glob("*.warc.gz"))
    assert len(files) == 1
    with files[0].open("rb") as handle:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(handle)]
    assert f"{publisher.base}/feed.xml" in uris
    assert {f"{publisher.base}/story/{n}.html" for n in (1, 2, 3)} <= set(uris)

    replayed = tmp_path / "replayed"
    done = run_cli(replayed, None, "ingest", str(archive))
    assert done.returncode == 0, done.stderr[-2000:]
    assert _bodies(replayed) == _bodies(live) and len(_bodies(live)) == 3
