"""Reliability scenarios 14 (concurrent duplicate ingest), 16 (SIGKILL), 18 (online backup).

Real SQLite files, real child processes (fork), real signals.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from broadsheet.models import Article, Paragraph
from broadsheet.store import SQLiteStore, open_store, restore_backup
from tests.store.store_corpus import make_text

CTX = multiprocessing.get_context("fork")


def _story(seed: int, version: int = 0) -> Article:
    body = make_text(seed, sentences=3)
    if version:
        body += f" Updated {version} times since first publication."
    return Article(
        paragraphs=(Paragraph(body),),
        headline=f"Story {seed}",
        url=f"https://feed.example/s/{seed}?utm_medium=rss",
        canonical_url=f"https://feed.example/s/{seed}",
    )


def _stored_set(store: SQLiteStore) -> dict[str, str]:
    """canonical URL -> body, failing on any duplicate."""
    seen: dict[str, str] = {}
    for article in store.iter_articles():
        assert article.canonical_url is not None
        assert article.canonical_url not in seen, f"duplicate {article.canonical_url}"
        seen[article.canonical_url] = article.body
    return seen


def _log_agrees_with_store(store: SQLiteStore) -> None:
    """Replaying the change log gives exactly the stored ids (what the search index relies on)."""
    live: set[int] = set()
    for change in store.changes_since(0, limit=10**9):
        if change.op == "upsert":
            live.add(change.article_id)
        else:
            live.discard(change.article_id)
    assert live == {a.id for a in store.iter_articles()}


# --------------------------------------------------------------------------- scenario 14


def _feed_entries(n: int) -> list[tuple[Article, str]]:
    """n entries: 90% distinct stories, then repeats (same guid, or same canonical + new URL)."""
    unique = n * 9 // 10
    entries = [(_story(i), f"guid-{i}") for i in range(unique)]
    rng = random.Random(14)
    while len(entries) < n:
        seed = rng.randrange(unique)
        if len(entries) % 2:
            entries.append((_story(seed), f"guid-{seed}"))
        else:
            article = _story(seed)
            moved = Article(
                paragraphs=article.paragraphs,
                headline=article.headline,
                url=f"https://feed.example/amp/{seed}",
                canonical_url=article.canonical_url,
            )
            entries.append((moved, f"guid-amp-{seed}"))
    rng.shuffle(entries)
    return entries


def _ingest_feed(path: str, n: int, results: Any) -> None:
    store = open_store(path)
    source = store.add_source("https://feed.example/rss", "feed")
    counts = Counter(
        store.save_article(a, source_id=source.id, guid=g).status for a, g in _feed_entries(n)
    )
    store.close()
    results.put(dict(counts))


def test_scenario_14_same_feed_three_times_two_at_once(store_location: str) -> None:
    """Scenario 14 on SQLite; on PostgreSQL, the store half of scenario 19."""
    n = 10_000
    path = store_location
    results = CTX.Queue()
    runs = [CTX.Process(target=_ingest_feed, args=(path, n, results)) for _ in range(2)]
    for run in runs:
        run.start()
    counts = [results.get(timeout=900) for _ in runs]  # PostgreSQL on a loaded machine: slow
    for run in runs:
        run.join(timeout=60)
        assert run.exitcode == 0
    _ingest_feed(path, n, results)  # the third run, alone
    counts.append(results.get(timeout=10))
    unique = n * 9 // 10
    assert sum(c.get("new", 0) for c in counts) == unique  # each story stored exactly once
    assert counts[2] == {"unchanged": n}
    assert all(sum(c.values()) == n for c in counts)
    store = open_store(path)
    try:
        assert store.count_articles() == unique
        stored = _stored_set(store)  # 0 duplicates
        expected = {a.canonical_url: a.body for a, _ in _feed_entries(n)}
        assert stored == expected  # 0 lost
        assert store.integrity_check() == []
        _log_agrees_with_store(store)
    finally:
        store.close()


def test_threads_share_one_store(store_location: str) -> None:
    store = open_store(store_location)
    articles = [_story(i) for i in range(300)]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(len(articles)):
                article = articles[(i + offset) % len(articles)]
                store.save_article(article)
                store.latest_articles(limit=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k * 75,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_articles() == 300
    assert len(_stored_set(store)) == 300
    assert store.integrity_check() == []
    store.close()


# --------------------------------------------------------------------------- scenario 16


def _ingest_items(path: str, items: Sequence[tuple[int, int]], done: Any) -> None:
    store = open_store(path)
    for k, (seed, version) in enumerate(items):
        store.save_article(_story(seed, version), guid=f"g{seed}")
        done.value = k + 1  # acknowledged
    store.close()


def _kill_loop(path: str, kills: int, *, new_per_round: int, full_check_every: int) -> None:
    """Kill an ingesting child at a random moment, check, re-run; ``kills`` times.

    After every kill: integrity_check passes and every acknowledged save is there. After
    every re-run: the row count equals the source set and the round's stories hold their
    latest text; every ``full_check_every`` rounds (and at the end) the whole stored set is
    compared with the source set.
    """
    rng = random.Random(16)
    latest: dict[int, int] = {}  # the source set: seed -> version
    expected: dict[str, str] = {}  # canonical URL -> body
    next_seed = 0
    store = open_store(path)
    try:
        for round_no in range(1, kills + 1):
            batch = [(next_seed + j, 0) for j in range(new_per_round)]
            next_seed += new_per_round
            if latest:
                batch += [
                    (seed, round_no) for seed in rng.sample(sorted(latest), min(10, len(latest)))
                ]
            rng.shuffle(batch)
            done = CTX.Value("i", 0, lock=False)
            child = CTX.Process(target=_ingest_items, args=(path, batch, done))
            child.start()
            target = rng.randrange(0, len(batch))
            deadline = time.monotonic() + 30
            while done.value < target and child.is_alive() and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(rng.random() * 0.003)
            if child.pid is not None:
                os.kill(child.pid, signal.SIGKILL)
            child.join(timeout=30)
            assert store.integrity_check() == [], f"round {round_no}"
            acknowledged = done.value
            for seed, version in batch[:acknowledged]:  # 0 acknowledged writes lost
                stored = store.find_article(f"https://feed.example/s/{seed}")
                assert stored is not None, (round_no, seed)
                assert stored.body == _story(seed, version).body, (round_no, seed)
            for seed, version in batch:  # the re-run
                article = _story(seed, version)
                store.save_article(article, guid=f"g{seed}")
                latest[seed] = version
                expected[article.canonical_url or ""] = article.body
            assert store.count_articles() == len(expected), f"round {round_no}"
            for seed, version in batch:
                stored = store.find_article(f"https://feed.example/s/{seed}")
                assert stored is not None and stored.body == _story(seed, version).body
            if round_no % full_check_every == 0 or round_no == kills:
                assert _stored_set(store) == expected, f"round {round_no}"
                assert store.integrity_check() == []
        _log_agrees_with_store(store)
    finally:
        store.close()


def test_scenario_16_sigkill_30_times(store_location: str) -> None:
    """Scenario 16 on SQLite; on PostgreSQL, the store half of scenario 19."""
    _kill_loop(store_location, kills=30, new_per_round=40, full_check_every=1)


@pytest.mark.slow
def test_scenario_16_sigkill_500_times(store_location: str) -> None:
    _kill_loop(store_location, kills=500, new_per_round=20, full_check_every=25)


# --------------------------------------------------------------------------- scenario 18


def _writer(path: str, ops: Sequence[tuple[int, int]], done: Any) -> None:
    store = open_store(path)
    for k, (seed, version) in enumerate(ops):
        store.save_article(_story(seed, version))
        done.value = k + 1
    store.close()


def _state_after(ops: Sequence[tuple[int, int]], count: int) -> dict[str, str]:
    latest: dict[int, int] = {}
    for seed, version in ops[:count]:
        latest[seed] = version
    return {_story(s).canonical_url or "": _story(s, v).body for s, v in latest.items()}


def test_scenario_18_backup_under_write_load_then_restore(tmp_path: Path) -> None:
    path = str(tmp_path / "live.db")
    rng = random.Random(18)
    ops: list[tuple[int, int]] = []
    for i in range(1500):  # new stories, and now and then a new version of an old one
        if i > 20 and rng.random() < 0.25:
            ops.append((rng.randrange(i // 2), i))
        else:
            ops.append((i, 0))
    # every op writes exactly one change: after S changes the state is the first S ops
    ops = _distinct_writes(ops)
    store = open_store(path)
    done = CTX.Value("i", 0, lock=False)
    writer = CTX.Process(target=_writer, args=(path, ops, done))
    writer.start()
    backups: list[Path] = []
    try:
        for n in range(3):
            while done.value < 150 * (n + 1) and writer.is_alive():
                time.sleep(0.001)
            target = tmp_path / f"backup{n}.db"
            store.backup(target)
            backups.append(target)
        writer.join(timeout=120)
        assert writer.exitcode == 0
        assert store.max_seq() == len(ops)
        for backup in backups:  # self-contained files, no -wal beside them
            conn = sqlite3.connect(backup)
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            conn.close()
        for n, backup in enumerate(backups):
            snapshot = open_store(str(backup))
            try:
                assert snapshot.integrity_check() == []
                seq = snapshot.max_seq()
                assert seq >= 150 * (n + 1)
                assert _stored_set(snapshot) == _state_after(ops, seq), f"backup {n}"
            finally:
                snapshot.close()
            restored_path = tmp_path / f"restored{n}.db"
            restore_backup(backup, restored_path)
            restored = open_store(str(restored_path))
            try:
                assert restored.max_seq() == seq
                assert _stored_set(restored) == _state_after(ops, seq)
                assert restored.integrity_check() == []
                assert restored.save_article(_story(10**6)).status == "new"  # usable
            finally:
                restored.close()
    finally:
        if writer.is_alive():  # pragma: no cover - only on failure
            writer.kill()
        store.close()


def _distinct_writes(ops: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop ops that would not write (a version equal to the one already stored)."""
    latest: dict[int, int] = {}
    kept = []
    for seed, version in ops:
        if seed in latest and latest[seed] == version:
            continue
        if seed not in latest and version != 0:
            continue
        latest[seed] = version
        kept.append((seed, version))
    return kept
