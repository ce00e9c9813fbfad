"""The stage workers as real processes over NATS JetStream: a job whose worker is SIGKILLed
mid-message is redelivered and done once; poison jobs go to the dead letters, visible with
``broadsheet wire status`` (error text as data, markup-free)."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.config import WireSettings
from broadsheet.models import Article, Paragraph
from broadsheet.store import open_store
from broadsheet.wire.nats import NatsLink
from broadsheet.workers.jobs import JobError, article_from_json, article_to_json, read_job

from ..nats_server import delete_streams, unique_wire, wire_env
from ..reliability.helpers import (
    Publisher,
    cli_command,
    cli_env,
    page,
    rss_feed,
    story,
    write_config,
)


@pytest.fixture
def wire() -> Iterator[WireSettings]:
    settings = unique_wire(ack_wait=2.0, max_deliver=2)
    yield settings
    delete_streams(settings)


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    pub = Publisher().start()
    yield pub
    pub.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


class Workers:
    def __init__(self, home: Path, config: Path, wire: WireSettings) -> None:
        self.home, self.config = home, config
        self.env = cli_env() | wire_env(wire)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def start(self, stage: str, *extra: str) -> subprocess.Popen[bytes]:
        log = self.home.parent / f"worker-{len(self.procs)}-{stage}.log"
        with log.open("wb") as sink:  # kept: a failing test prints what each worker said
            proc = subprocess.Popen(
                cli_command(self.home, self.config, "worker", stage, *extra),
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def said(self) -> str:
        """What each worker wrote to stderr, and how it ended (for a failing test's report)."""
        parts = []
        for proc, log in zip(self.procs, self.logs, strict=True):
            text = log.read_text("utf-8", "replace")[-3000:]
            parts.append(f"--- {log.name} (exit {proc.poll()})\n{text}")
        return "\n".join(parts)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cli_command(self.home, self.config, *args),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def status(self) -> dict:
        done = self.cli("wire", "status", "--format", "json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(home: Path, wire: WireSettings) -> Iterator[Workers]:
    crew = Workers(home, write_config(home, fetch_articles=True), wire)
    yield crew
    crew.stop()


def _consumer(status: dict, stage: str) -> dict:
    return next(c for c in status["consumers"] if c["name"] == f"stage-{stage}")


def _wait(check, timeout: float = 60.0, crew: Workers | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(
        "timed out waiting" + (f"; the workers said:\n{crew.said()}" if crew else "")
    )


def _headlines(home: Path) -> list[str | None]:
    store = open_store(str(home / "broadsheet.db"))
    try:
        return [a.headline for a in store.iter_articles()]
    finally:
        store.close()


def test_article_jobs_round_trip_and_bad_jobs_are_poison() -> None:
    article = Article(
        paragraphs=(Paragraph("Head", "heading"), Paragraph("Body <b>text</b>")),
        headline="A \x1b[31m headline",
        published_at=datetime(2026, 3, 5, 9, tzinfo=UTC),
        url="http://127.0.0.1/x",
    )
    assert article_from_json(json.loads(json.dumps(article_to_json(article)))) == article
    with pytest.raises(JobError):
        read_job(b"\xff not json")
    with pytest.raises(JobError):
        article_from_json({"paragraphs": [["text", "<script>"]]})
    with pytest.raises(JobError):
        article_from_json({"paragraphs": "nope"})


def test_a_worker_killed_mid_job_loses_nothing(
    home: Path, wire: WireSettings, workers: Workers, publisher: Publisher
) -> None:
    base = publisher.base
    entries = [(f"k-{n}", n) for n in range(3)]
    publisher.static("/feed.xml", rss_feed(base, entries, full_text=False), "application/rss+xml")
    slow_started = threading.Event()
    first = [True]
    asked_slow: list[float] = []

    def slow_page(_headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        asked_slow.append(time.monotonic())
        if first[0]:  # the first fetch of this page hangs while its worker is killed
            first[0] = False
            slow_started.set()
            time.sleep(8)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page(1)

    publisher.static("/story/0.html", page(0), "text/html; charset=utf-8")
    publisher.routes["/story/1.html"] = slow_page
    publisher.static("/story/2.html", page(2), "text/html; charset=utf-8")
    store = open_store(str(home / "broadsheet.db"))
    store.add_source(f"{base}/feed.xml", "feed")
    store.close()
    victim = workers.start("fetch", "--concurrency", "4")
    workers.start("extract")
    workers.start("store")
    _wait(lambda: _consumer_ready(wire, "fetch"), timeout=120, crew=workers)
    done = workers.cli("wire", "publish", "--all")
    assert done.returncode == 0, done.stderr
    assert slow_started.wait(60), "the slow page was never asked for"
    victim.send_signal(signal.SIGKILL)  # mid-message: the page job is not acknowledged
    victim.wait()
    workers.start("fetch")
    expected = sorted(story(n)[0] for n in range(3))
    _wait(lambda: sorted(h or "" for h in _headlines(home)) == expected, timeout=120, crew=workers)
    status = workers.status()
    assert status["dead_letters"] == 0
    time.sleep(3)  # a late repeat would be stored now
    assert sorted(h or "" for h in _headlines(home)) == expected  # each once
    # the killed worker's page job, redelivered once (any other job it held unacknowledged
    # comes back too, and is done again without a second copy: checked above)
    assert len(asked_slow) == 2


def _consumer_ready(wire: WireSettings, stage: str) -> bool:
    """Asked of the server directly (a CLI process per poll would load a busy box further)."""
    link = NatsLink(wire)

    async def ask() -> bool:
        js = await link.js()
        try:
            await js.consumer_info(link.jobs_stream, f"stage-{stage}")
        except Exception:  # not made yet
            return False
        return True

    try:
        return link.run(ask(), timeout=20)
    finally:
        link.close()


def test_poison_jobs_go_to_the_dead_letters(
    home: Path, wire: WireSettings, workers: Workers, publisher: Publisher
) -> None:
    publisher.routes["/gone[bold]"] = lambda _h: (
        503,
        {"Content-Type": "text/plain"},
        b"[red]down[/red]",
    )
    link = NatsLink(wire)
    try:
        link.publish(f"{wire.prefix}.jobs.extract", b"{not json")
        link.publish(
            f"{wire.prefix}.jobs.fetch",
            json.dumps({"kind": "url", "url": f"{publisher.base}/gone[bold]"}).encode(),
        )
        link.publish(f"{wire.prefix}.jobs.store", json.dumps({"article": {"x": 1}}).encode())
    finally:
        link.close()
    for stage in ("fetch", "extract", "store"):
        workers.start(stage)
    _wait(
        lambda: workers.status()["dead_letters"] == 3, timeout=240, crew=workers
    )  # a loaded CI box
    status = workers.status()
    letters = {d["stage"]: d for d in status["dead"]}
    assert "not a JSON job" in letters["extract"]["error"]
    assert letters["extract"]["deliveries"] == 1  # unreadable: not tried again
    assert "paragraphs" in letters["store"]["error"]
    assert "503" in letters["fetch"]["error"]
    assert letters["fetch"]["deliveries"] == wire.max_deliver  # tried, then given up
    assert _consumer(status, "fetch")["pending"] == 0
    assert _headlines(home) == []
    table = workers.cli("wire", "status")
    assert table.returncode == 0, table.stderr
    assert "dead letters: 3" in table.stdout
    assert "/gone[bold]" in table.stdout  # text from outside shown as text
    assert "\x1b" not in table.stdout


def test_a_slow_stage_gets_backpressure(home: Path, publisher: Publisher) -> None:
    wire = unique_wire(ack_wait=30.0, max_deliver=2, max_ack_pending=3)
    crew = Workers(home, write_config(home, fetch_articles=True), wire)
    release = threading.Event()

    def slow(_headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        release.wait(30)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page(7)

    publisher.routes["/slow.html"] = slow
    link = NatsLink(wire)
    try:
        for n in range(20):
            job = {"kind": "url", "url": f"{publisher.base}/slow.html?n={n}"}
            link.publish(f"{wire.prefix}.jobs.fetch", json.dumps(job).encode())
        crew.start("fetch", "--concurrency", "4")  # it would take 4 x 8 jobs if let

        def held() -> bool:
            try:
                return _consumer(crew.status(), "fetch")["ack_pending"] == 3
            except (StopIteration, AssertionError, ValueError):
                return False

        _wait(held, crew=crew)
        for _ in range(3):
            fetch = _consumer(crew.status(), "fetch")
            assert fetch["ack_pending"] <= 3  # no more handed out than the stage may hold
            assert fetch["pending"] >= 10  # the rest wait in the stream
            time.sleep(0.5)
    finally:
        release.set()
        link.close()
        crew.stop()
        delete_streams(wire)


def test_store_and_enrich_workers_annotate_and_announce(home: Path, wire: WireSettings) -> None:
    """Enrichment on: a store job becomes a story, an enrich job its annotations (the real
    spaCy model), and both changes are published as events on the stream."""
    import sys

    from broadsheet.wire import ArticleStored, ArticleUpdated
    from broadsheet.wire.nats import NatsBus

    config = home.parent / "enrich.toml"
    config.write_text("[enrich]\nenabled = true\n", "utf-8")
    env = cli_env() | wire_env(wire)
    base = [sys.executable, "-m", "broadsheet.cli", "--home", str(home), "--config", str(config)]
    bus = NatsBus(wire)
    procs = []
    try:
        events = bus.subscribe([ArticleStored, ArticleUpdated])
        headline, paragraphs = story(3)
        article = Article(
            paragraphs=tuple(Paragraph(p) for p in paragraphs),
            headline=headline,
            url="http://127.0.0.1/story/3.html",
        )
        job = {"article": article_to_json(article), "source_id": None, "guid": None}
        bus.link.publish(f"{wire.prefix}.jobs.store", json.dumps(job).encode())
        for stage in ("store", "enrich"):
            procs.append(
                subprocess.Popen(
                    [*base, "worker", stage],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        seen: list[object] = []

        def annotated() -> bool:
            event = events.get(0.5)
            if event is not None:
                seen.append(event)
            return any(isinstance(e, ArticleUpdated) and e.what == "annotations" for e in seen)

        _wait(annotated, timeout=300)  # model load in a worker on a loaded box
        assert isinstance(seen[0], ArticleStored)
        store = open_store(str(home / "broadsheet.db"))
        try:
            [stored] = list(store.iter_articles())
            assert stored.headline == headline and stored.enrich_status == "ok"
            people = {e.text for e in store.get_annotations(stored.id).entities}
            assert any(
                name in people
                for name in (
                    "Ines Calloway",
                    "Tobias Renner",
                    "Priya Halvorsen",
                    "Osric Mbeki",
                    "Lena Vartanian",
                )
            )
        finally:
            store.close()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(30)
        bus.close()
