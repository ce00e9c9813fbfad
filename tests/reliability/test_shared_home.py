"""Many processes, one home (docs/architecture.md, "Processes"): a ``poll --watch`` keeps
running while ``search``, ``read``, the Python API and a second ``ingest`` work on the same
archive. Nobody fails or waits for the poller; the poller, as the continuous follower, makes
the other processes' stories searchable; afterwards the store is whole and the index agrees."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import broadsheet
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
)


def _config(home: Path) -> Path:
    path = home.parent / "shared.toml"
    path.write_text(
        "[fetch]\n"
        'allow_private_hosts = ["127.0.0.1"]\n'
        "connect_timeout = 2.0\nread_timeout = 5.0\ntotal_timeout = 10.0\nretry_attempts = 0\n"
        "[poll]\nworkers = 2\nfetch_articles = false\ninterval = 1.0\n"
        "[enrich]\nenabled = false\n",
        "utf-8",
    )
    return path


def _wait_for(check: Callable[[], bool], what: str, limit: float = 90.0) -> None:
    """Poll ``check`` until it holds (a hang guard, not a speed assertion)."""
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.2)


def _search_ids(home: Path, config: Path, query: str) -> set[int]:
    done = run_cli(home, config, "search", query, "-n", "500", "--format", "jsonl")
    assert done.returncode == 0, done.stderr[-2000:]
    return {json.loads(line)["id"] for line in done.stdout.splitlines()}


def _ctrl_c_as_a_terminal_sends_it() -> None:
    """The poller starts as from a shell: Ctrl-C neither ignored nor blocked, whatever the
    test process (after a whole suite of servers and libraries) would hand down."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_a_watching_poller_shares_the_home(
    home: Path, publisher: Publisher, tmp_path: Path
) -> None:
    config = _config(home)
    feed = [(f"entry-{n}", n) for n in range(1, 11)]
    publisher.static(
        "/feed.xml", rss_feed(publisher.base, feed, full_text=True), "application/rss+xml"
    )
    added = run_cli(home, config, "add", f"{publisher.base}/feed.xml")
    assert added.returncode == 0, added.stderr[-2000:]

    watcher = subprocess.Popen(
        cli_command(home, config, "poll", "--watch", "--tick", "0.3"),
        # a stack dump on SIGABRT if it ever does not stop (below)
        env={**cli_env(), "PYTHONFAULTHANDLER": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_a_terminal_sends_it,
    )
    try:
        assert watcher.stderr is not None
        assert "polling" in watcher.stderr.readline()

        # readers work beside it, and are never refused
        first = _search_ids(home, config, "report")
        assert len(first) == 10
        shown = run_cli(home, config, "read", str(min(first)))
        assert shown.returncode == 0 and "report" in shown.stdout.lower(), shown.stderr

        # a second writer: a one-shot ingest of a folder of pages
        folder = tmp_path / "pages"
        folder.mkdir()
        for n in range(100, 115):
            (folder / f"story-{n}.html").write_bytes(page(n))
        ingested = run_cli(home, config, "ingest", str(folder))
        assert ingested.returncode == 0, ingested.stderr[-2000:]
        assert "15 new" in ingested.stdout

        # the feed grows while the poller watches it
        grown = [*feed, *((f"entry-{n}", n) for n in range(11, 16))]
        publisher.static(
            "/feed.xml", rss_feed(publisher.base, grown, full_text=True), "application/rss+xml"
        )
        # the poller indexes both: the other process's pages and its own new entries
        _wait_for(lambda: len(_search_ids(home, config, "report")) == 30, "30 stories searchable")

        # the Python API reads the same home meanwhile
        with broadsheet.open(home, enrich=False) as bs:
            frame = bs.search("report", limit=100)
            assert len(frame) == 30
            story = bs.article(int(frame["id"].iloc[0]))
            assert story["body"]
        assert watcher.poll() is None, "the poller stopped"
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            # generous: on a loaded machine the last poll's fetches finish first
            _, errors = watcher.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            watcher.send_signal(signal.SIGABRT)  # faulthandler: where it hangs, in `errors`
            try:
                _, errors = watcher.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                watcher.kill()
                _, errors = watcher.communicate()
    assert watcher.returncode == 0, errors[-2000:]
    assert "Traceback" not in errors

    with open_pipeline(make_settings(home), enrich=False) as pipe:
        assert pipe.store.integrity_check() == []
        assert pipe.store.count_articles() == 30
        assert indexed_ids(pipe.index) == stored_ids(pipe.store)
