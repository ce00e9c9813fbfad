"""Scenario 15: delete stories with ``broadsheet delete``, fetch again in every way: 0 come back,
and none is found by search (at once, after reopening, after ``broadsheet reindex``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet.errors import NotFoundError
from broadsheet.pipeline import open_pipeline, poll_due

from .helpers import (
    Publisher,
    make_settings,
    page,
    rss_feed,
    run_cli,
    story,
    write_config,
)

STORIES = 12
DELETED = (1, 4, 7, 10)


# on SQLite and on PostgreSQL (scenario 19)
pytestmark = pytest.mark.usefixtures("scenario_store")


def _search_headlines(home: Path, query: str) -> list[str]:
    done = run_cli(home, None, "search", query, "--format", "jsonl", "-n", "100")
    assert done.returncode == 0, done.stderr
    return [json.loads(line)["headline"] for line in done.stdout.splitlines() if line.strip()]


def _index_headlines(home: Path, query: str) -> list[str]:
    with open_pipeline(make_settings(home), enrich=False) as pipe:  # opening catches up
        assert pipe.index is not None
        return [h.headline or "" for h in pipe.index.search(query, limit=100).hits]


def _poll_in_process(home: Path) -> None:
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        assert [o.status for o in poll_due(pipe, force=True)] == ["ok"]


def _stored_headlines(home: Path) -> dict[str, int]:
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        assert pipe.store.integrity_check() == []
        return {a.headline or "": a.id for a in pipe.store.iter_articles()}


def test_deleted_stories_never_come_back(home: Path, publisher: Publisher, tmp_path: Path) -> None:
    base = publisher.base
    publisher.static(
        "/feed.xml",
        rss_feed(base, [(f"s-{n}", n) for n in range(STORIES)], full_text=False),
        "application/rss+xml",
    )
    for n in range(STORIES):
        publisher.static(f"/story/{n}.html", page(n), "text/html; charset=utf-8")
    config = write_config(home, fetch_articles=True)
    added = run_cli(home, config, "add", f"{base}/feed.xml")
    assert added.returncode == 0, added.stderr
    ids = _stored_headlines(home)
    assert len(ids) == STORIES
    doomed = [ids[story(n)[0]] for n in DELETED]
    assert len(_index_headlines(home, '"final reading"')) == STORIES

    deleted = run_cli(home, config, "delete", *map(str, doomed))
    assert deleted.returncode == 0, deleted.stderr
    assert all(f"deleted {i}" in deleted.stdout for i in doomed)

    # fetched again: the same feed; the same stories under new guids and links (text equal);
    # the same guids with edited text; each page by URL; each page saved as a file
    polled = run_cli(home, config, "poll", "--all")
    assert polled.returncode == 0, polled.stderr
    moved = [(f"moved-{n}", n) for n in range(STORIES)]
    moved_feed = rss_feed(base, moved, full_text=True).replace(b"/story/", b"/moved/")
    publisher.static("/feed.xml", moved_feed, "application/rss+xml")
    _poll_in_process(home)
    for n in DELETED:
        edited = page(n).replace(b"on Thursday", b"on Thursday night")
        publisher.static(f"/story/{n}.html", edited, "text/html; charset=utf-8")
    publisher.static(
        "/feed.xml",
        rss_feed(base, [(f"s-{n}", n) for n in range(STORIES)], full_text=False),
        "application/rss+xml",
    )
    _poll_in_process(home)
    for n in DELETED:
        publisher.static(f"/story/{n}.html", page(n), "text/html; charset=utf-8")
    urls = [f"{base}/story/{n}.html" for n in DELETED]
    folder = tmp_path / "saved"
    folder.mkdir()
    for n in DELETED:
        (folder / f"story-{n}.html").write_bytes(page(n))
    again = run_cli(home, config, "ingest", *urls, str(folder))
    assert again.returncode == 0, again.stderr

    after = _stored_headlines(home)
    gone = {story(n)[0] for n in DELETED}
    assert len(after) == STORIES - len(DELETED)
    assert gone.isdisjoint(after), "a deleted story came back"
    assert set(after.values()).isdisjoint(doomed)
    for n in DELETED:
        assert _index_headlines(home, f'headline:"report {n})"') == []
    assert sorted(_search_headlines(home, '"final reading"')) == sorted(after)
    rebuilt = run_cli(home, None, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert sorted(_index_headlines(home, '"final reading"')) == sorted(after)
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        for article_id in doomed:
            with pytest.raises(NotFoundError):
                pipe.store.get_article(article_id)
