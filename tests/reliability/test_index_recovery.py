"""The search index is derived data (ARCHITECTURE): rebuilt from the store at any time, and
caught up from the store's changes after a crash. Checked through the CLI: what
``broadsheet search`` shows after the index fell behind, was removed, or was damaged."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.errors import IndexBusyError
from broadsheet.models import Document
from broadsheet.pipeline import open_pipeline
from broadsheet.search import SearchIndex
from broadsheet.store import open_store

from .helpers import make_settings, page, run_cli, story, write_config

PAGES = 6


def _document(body: bytes) -> Document:
    return Document(
        uri="http://gazette.example/120.html",
        body=body,
        media_type="text/html",
        fetched_at=datetime.now(UTC),
        charset="utf-8",
    )


def _folder(root: Path) -> Path:
    folder = root / "pages"
    folder.mkdir()
    for n in range(PAGES):
        (folder / f"p{n}.html").write_bytes(page(100 + n))
    return folder


def _ingest_in_process(home: Path, folder: Path) -> None:
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        report = pipe.ingest_path(folder)
        assert report.counts.get("new") == len(list(folder.iterdir()))
        if pipe.index is not None:
            pipe.flush()
            pipe.index.close()  # release the writer (see test_a_closed_pipeline_releases)


def _cli_headlines(home: Path) -> set[str]:
    done = run_cli(home, None, "search", '"final reading"', "--format", "jsonl", "-n", "50")
    assert done.returncode == 0, done.stderr[-2000:]
    return {json.loads(line)["headline"] for line in done.stdout.splitlines() if line.strip()}


EXPECTED = {story(100 + n)[0] for n in range(PAGES)}


def test_search_after_the_index_folder_is_removed_then_reindex(home: Path, tmp_path: Path) -> None:
    _ingest_in_process(home, _folder(tmp_path))
    shutil.rmtree(make_settings(home).index_dir)
    rebuilt = run_cli(home, None, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _cli_headlines(home) == EXPECTED


def test_search_sees_stories_stored_while_the_index_was_busy(home: Path, tmp_path: Path) -> None:
    settings = make_settings(home)
    config = write_config(home, fetch_articles=True)
    first = tmp_path / "first"
    first.mkdir()
    (first / "first.html").write_bytes(page(120))
    _ingest_in_process(home, first)  # the index exists and has committed
    holder = SearchIndex(settings.index_dir)
    holder.index_articles([])  # holds the index writer, as a running poll would
    try:
        done = run_cli(home, config, "ingest", str(_folder(tmp_path)))
        assert done.returncode == 0, done.stderr
    finally:
        holder.close()
    store = open_store(settings.database)
    try:
        assert {a.headline for a in store.iter_articles()} == EXPECTED | {story(120)[0]}
    finally:
        store.close()
    assert _cli_headlines(home) == EXPECTED | {story(120)[0]}


def test_reindex_recovers_a_damaged_index(home: Path, tmp_path: Path) -> None:
    _ingest_in_process(home, _folder(tmp_path))
    (make_settings(home).index_dir / "meta.json").write_text("{damaged", "utf-8")
    rebuilt = run_cli(home, None, "reindex")
    assert "Traceback" not in rebuilt.stderr
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert _cli_headlines(home) == EXPECTED


def test_opening_a_fresh_index_elsewhere_keeps_its_writer_lock(home: Path) -> None:
    settings = make_settings(home)
    with open_pipeline(settings, enrich=False) as pipe:
        assert pipe.index is not None
        outcome = pipe.ingest_document(_document(page(120)))
        assert outcome.article_id is not None
        # the writer is taken and the first commit is still to come (as mid-flush)
        pipe.index.index_articles([(pipe.store.get_article(outcome.article_id), None)])
        lock = settings.index_dir / ".tantivy-writer.lock"
        assert lock.exists()
        done = run_cli(home, None, "search", "harbour")
        assert done.returncode == 0, done.stderr
        assert lock.exists(), "another process removed the index under its writer"
        with pytest.raises(IndexBusyError):
            SearchIndex(settings.index_dir).index_articles([])


def test_a_closed_pipeline_releases_the_index(home: Path) -> None:
    settings = make_settings(home)
    with open_pipeline(settings, enrich=False) as first:
        first.ingest_document(_document(page(120)))
    with open_pipeline(settings, enrich=False) as second:
        doc = _document(page(121))
        second.ingest_document(
            Document(
                uri="http://gazette.example/121.html",
                body=doc.body,
                media_type="text/html",
                fetched_at=doc.fetched_at,
                charset="utf-8",
            )
        )
        second.flush()
        assert second.index is not None
        found = {h.headline for h in second.index.search('"final reading"').hits}
        assert found == {story(120)[0], story(121)[0]}
    assert first.index is not None  # (still referenced: not yet collected)
