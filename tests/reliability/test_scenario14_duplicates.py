"""Scenario 14: the same feed polled three times, two of the runs at once in two processes.

Passes when rows = unique stories (0 duplicates, 0 lost) and the search index agrees with
the store, on the next open (which catches up) and after ``broadsheet reindex``.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from broadsheet.pipeline import open_pipeline

from .helpers import (
    Publisher,
    cli_command,
    cli_env,
    indexed_ids,
    make_settings,
    page,
    rss_feed,
    run_cli,
    stored_ids,
    story,
    write_config,
)

# a 10,000-entry full-text feed is about 16 MB, over the default 15 MiB body cap
BIG_FEED = 64 * 1024 * 1024


# on SQLite and on PostgreSQL (scenario 19)
pytestmark = pytest.mark.usefixtures("scenario_store")


def _feed_entries(unique: int) -> list[tuple[str, int]]:
    """``unique`` stories, plus repeats of some (same guid) and syndicated copies of others
    (another guid and link, the same text): neither may add a row."""
    entries = [(f"story-{n}", n) for n in range(unique)]
    entries += [(f"story-{n}", n) for n in range(0, unique, 17)]  # the same item twice
    entries += [(f"syndicated-{n}", n) for n in range(5, unique, 23)]  # a copy, new guid
    return entries


def _serve_feed(publisher: Publisher, unique: int, *, full_text: bool) -> str:
    entries = _feed_entries(unique)
    base = publisher.base
    body = rss_feed(base, entries, full_text=full_text)
    publisher.static("/feed.xml", body, "application/rss+xml; charset=utf-8")
    if not full_text:
        for n in range(unique):
            publisher.static(f"/story/{n}.html", page(n), "text/html; charset=utf-8")
    return f"{base}/feed.xml"


def _page_hits(publisher: Publisher) -> int:
    with publisher._lock:
        return sum(1 for path, _ in publisher.hits if path.startswith("/story/"))


def _poll_three_times(
    home: Path, publisher: Publisher, unique: int, *, full_text: bool
) -> tuple[float, int]:
    """Two polls at once, then a third; returns the seconds taken and the entry pages the
    third poll fetched."""
    url = _serve_feed(publisher, unique, full_text=full_text)
    config = write_config(home, fetch_articles=not full_text, max_body_bytes=BIG_FEED)
    settings = make_settings(home, fetch_articles=not full_text, max_body_bytes=BIG_FEED)
    with open_pipeline(settings, enrich=False) as pipe:
        pipe.store.add_source(url, "feed")
        # the same feed subscribed a second time under another address: its entries are the
        # same stories, so they may not add rows either
        pipe.store.add_source(f"{url}?via=alias", "feed")
    started = time.perf_counter()
    cmd = cli_command(home, config, "poll", "--all")
    procs = [
        subprocess.Popen(cmd, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=3600)
        assert proc.returncode == 0, err.decode(errors="replace")
    pair = time.perf_counter() - started
    before = _page_hits(publisher)
    third = run_cli(home, config, "poll", "--all", timeout=3600)
    assert third.returncode == 0, third.stderr
    total = time.perf_counter() - started
    print(f"scenario 14: two polls at once {pair:.1f} s, the third {total - pair:.1f} s")
    return total, _page_hits(publisher) - before


def _check_nothing_lost_nothing_doubled(home: Path, unique: int, *, full_text: bool) -> None:
    settings = make_settings(home, fetch_articles=not full_text, max_body_bytes=BIG_FEED)
    with open_pipeline(settings, enrich=False) as pipe:  # opening catches the index up
        store = pipe.store
        assert store.integrity_check() == []
        articles = list(store.iter_articles())
        headlines = [a.headline for a in articles]
        expected = {story(n)[0] for n in range(unique)}
        assert len(articles) == unique, f"{len(articles)} rows for {unique} stories"
        assert len(set(headlines)) == len(headlines), "duplicate rows"
        assert set(headlines) == expected, "lost or foreign stories"
        assert pipe.index is not None
        assert indexed_ids(pipe.index) == stored_ids(store)
        sources = store.list_sources()
        assert len(sources) == 2
        assert all(s.error_count == 0 and s.last_error is None for s in sources)
    rebuilt = run_cli(home, None, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"indexed {unique} stories" in rebuilt.stdout
    with open_pipeline(settings, enrich=False) as pipe:
        assert pipe.index is not None
        assert indexed_ids(pipe.index) == stored_ids(pipe.store)
        probe = story(unique // 2)[0]
        hits = pipe.index.search(f'headline:"{probe}"', limit=5).hits
        assert [h.headline for h in hits][:1] == [probe]


@pytest.mark.parametrize(
    ("unique", "full_text"),
    [
        (200, True),
        (60, False),
        pytest.param(10_000, True, marks=pytest.mark.slow),
        pytest.param(1_000, False, marks=pytest.mark.slow),
    ],
    ids=["feed-200", "pages-60", "feed-10000", "pages-1000"],
)
def test_same_feed_three_polls_two_at_once(
    home: Path, publisher: Publisher, unique: int, full_text: bool
) -> None:
    seconds, third_run_pages = _poll_three_times(home, publisher, unique, full_text=full_text)
    _check_nothing_lost_nothing_doubled(home, unique, full_text=full_text)
    assert third_run_pages == 0  # every entry was known by then: no page fetched again
    print(f"scenario 14: {unique} stories, full_text={full_text}: 3 polls in {seconds:.1f} s")
