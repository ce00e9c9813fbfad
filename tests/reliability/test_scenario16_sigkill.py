"""Scenario 16: SIGKILL the ingester at random points, N times, then run it again.

Both ingesters are real CLI processes: ``broadsheet ingest FOLDER`` over a few hundred
generated pages, and ``broadsheet poll --all`` against a publisher on loopback. Passes when
the store's integrity check is clean, the stored set equals the source set, and the search
index agrees with the store.
"""

from __future__ import annotations

import gzip
import random
import signal
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

# on SQLite and on PostgreSQL (scenario 19)
pytestmark = pytest.mark.usefixtures("scenario_store")


def _kill_at_random_points(cmd: list[str], kills: int, seed: int, window: float) -> list[float]:
    rng = random.Random(seed)
    moments = []
    for _ in range(kills):
        proc = subprocess.Popen(
            cmd, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        moment = rng.uniform(0.3, window)
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        moments.append(moment)
    return moments


def _check(home: Path, expected: set[str]) -> None:
    with open_pipeline(make_settings(home), enrich=False) as pipe:  # opening catches up
        store = pipe.store
        assert store.integrity_check() == []
        headlines = [a.headline for a in store.iter_articles()]
        assert len(headlines) == len(set(headlines)), "a story stored twice"
        assert set(headlines) == expected, "lost or foreign stories"
        assert pipe.index is not None
        assert indexed_ids(pipe.index) == stored_ids(store)


def _write_pages(folder: Path, count: int) -> set[str]:
    folder.mkdir(parents=True)
    for n in range(count):
        sub = folder / f"day-{n % 7}"
        sub.mkdir(exist_ok=True)
        if n % 5 == 0:
            (sub / f"story-{n:04d}.html.gz").write_bytes(gzip.compress(page(n)))
        else:
            (sub / f"story-{n:04d}.html").write_bytes(page(n))
    return {story(n)[0] for n in range(count)}


@pytest.mark.parametrize(
    ("pages", "kills"),
    [(200, 4), pytest.param(400, 60, marks=pytest.mark.slow)],
    ids=["200-pages-4-kills", "400-pages-60-kills"],
)
def test_sigkill_folder_ingest_then_rerun(
    home: Path, tmp_path: Path, pages: int, kills: int
) -> None:
    folder = tmp_path / "pages"
    expected = _write_pages(folder, pages)
    config = write_config(home, fetch_articles=True)
    cmd = cli_command(home, config, "ingest", str(folder))
    _kill_at_random_points(cmd, kills, seed=16, window=4.0)
    done = run_cli(home, config, "ingest", str(folder))
    assert done.returncode == 0, done.stderr
    _check(home, expected)


@pytest.mark.parametrize(
    ("entries", "kills"),
    [(100, 3), pytest.param(300, 40, marks=pytest.mark.slow)],
    ids=["100-entries-3-kills", "300-entries-40-kills"],
)
def test_sigkill_poll_then_rerun(
    home: Path, publisher: Publisher, entries: int, kills: int
) -> None:
    base = publisher.base
    publisher.static(
        "/feed.xml",
        rss_feed(base, [(f"k-{n}", n) for n in range(entries)], full_text=False),
        "application/rss+xml",
    )
    for n in range(entries):
        publisher.static(f"/story/{n}.html", page(n), "text/html; charset=utf-8")
    config = write_config(home, fetch_articles=True)
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        pipe.store.add_source(f"{base}/feed.xml", "feed")
    cmd = cli_command(home, config, "poll", "--all")
    _kill_at_random_points(cmd, kills, seed=61, window=4.0)
    done = run_cli(home, config, "poll", "--all")
    assert done.returncode == 0, done.stderr
    _check(home, {story(n)[0] for n in range(entries)})
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        [source] = pipe.store.list_sources()
        assert source.error_count == 0 and source.last_error is None
