"""Ingesting files and folders: idempotent, deletions stick, bad files never stop a batch,
and a SIGKILL mid-batch followed by a re-run loses and doubles nothing."""

from __future__ import annotations

import gzip
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from broadsheet.config import Settings
from broadsheet.pipeline import open_pipeline

from .conftest import page

TOWNS = ["Ashford", "Belmont", "Carrow", "Dunmore", "Elsworth", "Fenwick", "Garland", "Hollins"]


def _write_pages(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        town = f"{TOWNS[i % len(TOWNS)]} {i}"
        paras = [
            f"The council of {town} approved a budget of {100 + i} million dollars on Monday, "
            f"with spending on roads rising {i % 9 + 1} percent from last year.",
            f"“This budget keeps the promises we made to residents of {town},” said mayor "
            f"Alma Reyes-{i}, who has led the council since the spring election.",
            f"Opposition members said the plan for {town} relied on optimistic tax forecasts and "
            "would leave little room for repairs to the water system next winter.",
        ]
        data = page(f"{town} approves budget number {i}", paras)
        if i % 3 == 0:
            (folder / f"story{i:04d}.html.gz").write_bytes(gzip.compress(data))
        else:
            (folder / f"story{i:04d}.html").write_bytes(data)


def test_folder_ingest_is_idempotent_and_deletions_stick(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    _write_pages(folder, 6)
    (folder / "broken.html.gz").write_bytes(b"not gzip at all")
    (folder / "empty.html").write_bytes(b"<html><body><nav>Home</nav></body></html>")
    with open_pipeline(settings, enrich=False) as pipe:
        first = pipe.ingest_path(folder)
        assert first.counts.get("new") == 6
        assert len(first.failures) == 2  # reported, and the batch went on
        again = pipe.ingest_path(folder)
        assert again.counts.get("new", 0) == 0 and again.counts.get("unchanged") == 6
        victim = next(iter(pipe.store.iter_articles()))
        pipe.delete_article(victim.id)
        third = pipe.ingest_path(folder)
        assert third.counts.get("deleted") == 1 and third.counts.get("new", 0) == 0
        assert pipe.store.count_articles() == 5
        assert pipe.index is not None
        assert pipe.index.search("budget").total == 5


def test_changed_text_becomes_a_new_version(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    _write_pages(folder, 1)
    with open_pipeline(settings, enrich=False) as pipe:
        pipe.ingest_path(folder)
        path = next(folder.iterdir())
        raw = path.read_bytes()
        raw = gzip.decompress(raw) if path.name.endswith(".gz") else raw
        raw = raw.replace(b"Opposition members said", b"Opposition members warned late on Monday")
        path.write_bytes(gzip.compress(raw) if path.name.endswith(".gz") else raw)
        report = pipe.ingest_path(folder)
        assert report.counts == {"new_version": 1}
        (art,) = list(pipe.store.iter_articles())
        assert art.version == 2 and "warned late on Monday" in art.body
        assert pipe.index is not None
        assert pipe.index.search('"warned late"').total == 1


@pytest.mark.parametrize("kills", [6])
def test_sigkill_mid_ingest_then_rerun(settings: Settings, tmp_path: Path, kills: int) -> None:
    folder = tmp_path / "pages"
    _write_pages(folder, 80)
    env = {**os.environ, "BROADSHEET_HOME": str(settings.home)}
    cmd = [sys.executable, "-m", "broadsheet.cli", "--no-enrich", "ingest", str(folder)]
    rng = random.Random(11)
    for _ in range(kills):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with open_pipeline(settings, enrich=False) as pipe:
        assert pipe.store.integrity_check() == []
        arts = list(pipe.store.iter_articles())
        assert len(arts) == 80  # nothing lost
        assert len({a.headline for a in arts}) == 80  # nothing doubled
        assert pipe.index is not None
        assert pipe.index.search("budget").total == 80  # the index agrees with the store


def test_undated_file_is_not_dated_by_its_modification_time(
    settings: Settings, tmp_path: Path
) -> None:
    """Issue 12: a page with no date of its own keeps no publication date; its "seen at" is
    when it was taken in, not when the file was last written."""
    from datetime import UTC, datetime

    folder = tmp_path / "undated"
    folder.mkdir()
    story = folder / "pier.html"
    story.write_bytes(
        page(
            "Harbour council votes to rebuild the old pier",
            [
                "The harbour council voted on Tuesday evening to rebuild the old pier, closed "
                "to walkers since the winter storms damaged its deck and two of its supports.",
                "Members said work would start once the contract is signed, and that the "
                "boats that moor alongside would move to the north quay while crews work.",
            ],
        )
    )
    old = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC).timestamp()
    os.utime(story, (old, old))
    started = datetime.now(UTC).replace(microsecond=0)
    with open_pipeline(settings, enrich=False) as pipe:
        assert pipe.ingest_path(folder).counts.get("new") == 1
        stored = next(iter(pipe.store.iter_articles()))
        assert stored.published_at is None
        assert stored.first_seen_at is not None and stored.first_seen_at >= started
        assert pipe.index is not None
        hit = pipe.index.search("pier").hits[0]
        assert hit.published_at is None and hit.first_seen_at is not None
        assert hit.first_seen_at.year >= started.year
