"""``broadsheet bench wire``: from a story stored to its alert received by a live subscriber.

In a temporary home: N generated saved searches (``alerts_corpus.make_searches``), a following
service (the percolator, the index and the change feed, as ``serve`` runs them), and a
writer thread with its own store connection — as another process would be — storing
generated stories with their annotations at R a second for S seconds. The subscriber is
pluggable: an in-process bus subscriber in its own thread (default), or an SSE client of
``broadsheet serve`` (``--sse URL``, reading the home the command was given).

Latency: the subscriber's clock when an ``AlertFired`` arrives, minus its ``stored_at`` (the
story's change-log time). Counts: ``delivered`` distinct inbox items received live,
``duplicates`` repeats of an item, ``lost`` items in the inbox never received plus
matches a brute-force check (every search against a sample of stories with
``search.matches``) finds but the inbox lacks.
"""

from __future__ import annotations

import abc
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from broadsheet.config import Settings, StoreSettings
from broadsheet.search import article_fields, matches, parse_query, prepare_article
from broadsheet.store import Store, open_store
from broadsheet.wire import AlertFired, event_from_json

from .alerts_corpus import StoryMaker, make_searches

__all__ = ["BusReceiver", "SSEReceiver", "percentile", "read_sse", "run_wire_bench"]

_SAMPLE = 20
_ARCHIVE = 300
_STALL = 30.0  # seconds without progress after which the bench stops waiting
_WAIT_MAX = 1800.0  # and the longest it waits for a backlog in all


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


class _Receiver(abc.ABC):
    """Collects (item id, latency ms) from a subscriber thread."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.items: list[int] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, event: AlertFired) -> None:
        received = datetime.now(UTC)
        with self._lock:
            self.items.append(event.item_id)
            self.latencies.append((received - event.stored_at).total_seconds() * 1000)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="bench-receiver", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @abc.abstractmethod
    def _run(self) -> None:
        """Receive events until stopped, calling ``record`` for each alert."""


class BusReceiver(_Receiver):
    """A subscriber of the service's in-process bus, in a thread of its own."""

    def __init__(self, bus: Any) -> None:
        super().__init__()
        self._subscription = bus.subscribe([AlertFired], maxsize=1_000_000)

    def _run(self) -> None:
        while not self._stop.is_set():
            event = self._subscription.get(0.2)
            if isinstance(event, AlertFired):
                self.record(event)
        self._subscription.close()


def read_sse(
    lines: Iterator[str], on_id: Callable[[str], None] | None = None
) -> Iterator[tuple[str, str]]:
    """(event name, data) of each server-sent event in a stream of lines; ``on_id`` is told
    each ``id:`` (what a reconnecting client sends back as ``Last-Event-ID``)."""
    name, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = "message", list[str]()
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
            elif field == "id" and on_id is not None and "\0" not in value:
                on_id(value)


class SSEReceiver(_Receiver):
    """An SSE client of ``broadsheet serve``'s live stream (``alert.fired`` events)."""

    def __init__(self, url: str, token: str | None = None) -> None:
        super().__init__()
        self._url = url
        self._headers = {"Accept": "text/event-stream"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self.connected = threading.Event()

    def _run(self) -> None:
        # as a browser's EventSource: a stream that breaks is opened again with the last id
        # it saw, so the server sends what was missed (a slow server is not a lost alert)
        # a read timeout longer than the server's heartbeat (15 s): a stream that is only
        # quiet is not broken (at 5 s every quiet spell reopened it and read the store back)
        timeout = httpx.Timeout(connect=5.0, read=45.0, write=5.0, pool=5.0)
        last_id: list[str] = []

        def saw(value: str) -> None:
            last_id[:] = [value]

        with httpx.Client(timeout=timeout, trust_env=False) as client:
            while not self._stop.is_set():
                headers = dict(self._headers)
                if last_id:
                    headers["Last-Event-ID"] = last_id[0]
                try:
                    with client.stream("GET", self._url, headers=headers) as response:
                        response.raise_for_status()
                        self.connected.set()
                        for _name, data in read_sse(response.iter_lines(), saw):
                            self._take(data)
                            if self._stop.is_set():
                                return
                except httpx.ReadTimeout:
                    continue
                except httpx.HTTPError:
                    time.sleep(0.2)

    def _take(self, data: str) -> None:
        try:
            payload = json.loads(data)
            if isinstance(payload, dict) and isinstance(payload.get("data"), dict):
                payload = payload["data"]  # an envelope around the event
            event = event_from_json(payload)
        except (ValueError, TypeError):
            return
        if isinstance(event, AlertFired):
            self.record(event)


def run_wire_bench(
    *,
    alerts: int,
    rate: float,
    seconds: float,
    seed: int = 11,
    sse: str | None = None,
    token: str | None = None,
    wire: str | None = None,
    settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the benchmark (see the module); returns the figures as one JSON-able dict.

    ``wire``: a nats:// URL; the percolator runs in a following process of its own and the
    alerts reach this one over NATS JetStream (``bench.wire_nats``)."""
    say = progress or (lambda _text: None)
    if sse is not None:
        return _run(settings, alerts, rate, seconds, seed, sse, token, say)
    from .wire_nats import delete_streams, unique_wire

    nats_wire = unique_wire(wire) if wire else None
    with tempfile.TemporaryDirectory(prefix="broadsheet-wire-") as tmp:
        update: dict[str, Any] = {
            "home": Path(tmp),
            "store": StoreSettings(url=None),
            "search": settings.search.model_copy(update={"index_dir": None}),
        }
        if nats_wire is not None:
            update["wire"] = nats_wire
        local = settings.model_copy(update=update)
        try:
            return _run(local, alerts, rate, seconds, seed, None, None, say)
        finally:
            if nats_wire is not None:
                delete_streams(nats_wire)


def _run(
    settings: Settings,
    alerts: int,
    rate: float,
    seconds: float,
    seed: int,
    sse: str | None,
    token: str | None,
    say: Callable[[str], None],
) -> dict[str, Any]:
    from ..service import open_service

    maker = StoryMaker(seed)
    searches = make_searches(alerts, seed)
    writer = open_store(settings.database)
    try:
        sources = {}
        for name in sorted({maker.story(n).outlet for n in range(50)}):
            slug = "-".join(name.lower().split())
            sources[name] = writer.add_source(f"https://{slug}.example/feed", "feed", name)
        source_ids = {name: src.id for name, src in sources.items()}
        if sse is None:  # an archive that has been running a while (not measured)
            say(f"storing an archive of {_ARCHIVE} earlier stories")
            _write(writer, StoryMaker(seed + 1), source_ids, _ARCHIVE, rate=0)
        say(f"saving {alerts:,} saved searches")
        stamp = f"{seed}-{int(time.time())}"
        for name, query in searches:
            writer.add_alert(f"{name}-{stamp}", query, follower="alerts")
        svc = open_service(settings, enrich=False)
        over_nats = settings.wire.url is not None and sse is None
        follower: subprocess.Popen[str] | None = None
        follower_cpu: float | None = None
        try:
            receiver: _Receiver = BusReceiver(svc.bus) if sse is None else SSEReceiver(sse, token)
            receiver.start()
            if isinstance(receiver, SSEReceiver) and not receiver.connected.wait(10):
                raise RuntimeError(f"could not connect to {sse}")
            if over_nats:
                from .wire_nats import start_follower

                say("compiling the saved searches in a following process (alerts over NATS)")
                started = time.perf_counter()
                follower = start_follower(settings)
                say(f"compiled in {time.perf_counter() - started:.1f} s")
            elif sse is None:
                say("compiling the saved searches")
                started = time.perf_counter()
                svc.start_following()
                svc.catch_up_alerts()
                say(f"compiled in {time.perf_counter() - started:.1f} s")
            total = max(1, round(rate * seconds))
            say(f"storing {total:,} stories at {rate:g}/s from another process")
            load0 = _load()
            threads0 = thread_cpu()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            stored = _write_elsewhere(settings.database, seed, source_ids, total, rate)
            load1 = _load()
            expected = _wait_for_delivery(writer, receiver, stamp)
            time.sleep(0.5)  # a repeat, if any, would arrive now
            threads = {  # before the receiver's thread ends
                name: round(seconds - threads0.get(name, 0.0), 2)
                for name, seconds in thread_cpu().items()
                if seconds - threads0.get(name, 0.0) >= 0.01
            }
            receiver.stop()
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            missing_reports = _brute_force(writer, maker, stored, searches, stamp)
        finally:
            if follower is not None:
                from .wire_nats import stop_follower

                follower_cpu = stop_follower(follower)
            svc.close()
    finally:
        writer.close()
    got = set(receiver.items)
    duplicates = len(receiver.items) - len(got)
    lost = len(set(expected) - got) + missing_reports
    result = {
        "alerts": alerts,
        "rate": rate,
        "stories": len(stored),
        "delivered": len(got & set(expected)),
        "lost": lost,
        "duplicates": duplicates,
        "latency_ms": {
            "p50": round(percentile(receiver.latencies, 50), 2),
            "p99": round(percentile(receiver.latencies, 99), 2),
            "max": round(max(receiver.latencies, default=0.0), 2),
        },
        "subscriber": "sse" if sse else ("nats" if over_nats else "bus"),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_story": round(1000 * cpu / max(1, len(stored)), 2),
        # this process's threads (alerts: the percolator; follow: the index and change
        # feed; native: tantivy's own threads), CPU seconds during the measured part
        "thread_cpu_s": threads,
        # the machine's 1-minute load average when the writer started and when it ended
        "load": [load0, load1],
        # with --wire: the following process (percolator, change feed, publishes to NATS)
        "follower_cpu_s": follower_cpu,
    }
    return result


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each thread of this process so far, by thread name (Linux; threads
    that Python did not start are summed as ``native``; {} elsewhere)."""
    names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    found: dict[str, float] = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat", encoding="ascii") as handle:
                fields = handle.read().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        name = names.get(int(task), "native")
        found[name] = found.get(name, 0.0) + seconds
    return found


def _write(
    store: Store, maker: StoryMaker, source_ids: dict[str, int], total: int, rate: float
) -> list[tuple[int, int]]:
    """Store ``total`` stories (``rate`` a second; 0: at once); returns (story number,
    article id) of each stored."""
    stored: list[tuple[int, int]] = []
    start = time.perf_counter()
    for n in range(total):
        if rate > 0:
            pause = start + n / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        story = maker.story(n)
        saved = store.save_article(story.article, source_id=source_ids[story.outlet])
        if saved.article_id is None or saved.status not in ("new", "new_version"):
            continue
        store.save_annotations(saved.article_id, story.annotations)
        stored.append((n, saved.article_id))
    return stored


def write_stories(
    database: str, seed: int, source_ids: dict[str, int], total: int, rate: float
) -> None:
    """The writer process: store the stories, then print what was stored as JSON."""
    store = open_store(database)
    try:
        stored = _write(store, StoryMaker(seed), source_ids, total, rate)
    finally:
        store.close()
    sys.stdout.write(json.dumps(stored) + "\n")


def _write_elsewhere(
    database: str, seed: int, source_ids: dict[str, int], total: int, rate: float
) -> list[tuple[int, int]]:
    """Run ``write_stories`` in another process (as a poller would be) and wait for it."""
    args = json.dumps([database, seed, source_ids, total, rate])
    code = (
        "import json, sys; from broadsheet.bench.alerts import write_stories; "
        "write_stories(*json.loads(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, args],
        capture_output=True,
        text=True,
        check=False,
        timeout=total / rate + 600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the writer process failed: {done.stderr[-2000:]}")
    return [(int(n), int(a)) for n, a in json.loads(done.stdout.strip().splitlines()[-1])]


def _wait_for_delivery(store: Store, receiver: _Receiver, stamp: str) -> list[int]:
    """Wait until every change is percolated and every inbox item received, for as long as
    the percolator or the stream is still making progress (a backlog is waited out, so a
    late alert counts in the latency, not as lost); give up after ``_STALL`` seconds without
    progress or ``_WAIT_MAX`` in all. Returns the inbox items the bench's searches made."""
    started = last_move = time.monotonic()
    seen: tuple[int, int] | None = None
    expected: tuple[int, list[int]] | None = None  # at a follower position
    while True:
        position = store.follower_position("alerts")
        received = len(receiver.items)
        now = time.monotonic()
        if (position, received) != seen:
            seen, last_move = (position, received), now
        if position >= store.max_seq():  # percolated: only now is the inbox worth reading
            if expected is None or expected[0] != position:
                expected = (position, _expected_items(store, stamp))
            if len(set(receiver.items)) >= len(expected[1]):
                return expected[1]
        if now - last_move > _STALL or now - started > _WAIT_MAX:
            return _expected_items(store, stamp)
        time.sleep(0.25)


def _expected_items(store: Store, stamp: str) -> list[int]:
    items: list[int] = []
    before: int | None = None
    while True:
        page = store.inbox_entries("local", limit=500, before=before)
        if not page:
            return items
        items.extend(e.item_id for e in page if e.name.endswith(stamp))
        before = page[-1].item_id


def _brute_force(
    store: Store,
    maker: StoryMaker,
    stored: list[tuple[int, int]],
    searches: list[tuple[str, str]],
    stamp: str,
) -> int:
    """Matches that every search finds by brute force on a sample of stories, but that no
    inbox report holds."""
    if not stored:
        return 0
    rng = random.Random(7)
    sample = rng.sample(stored, min(_SAMPLE, len(stored)))
    ids = {s.name: s.id for s in store.list_saved_searches(owner="local")}
    reported: set[tuple[int, int]] = set()
    before: int | None = None
    while True:
        page = store.inbox_entries("local", limit=500, before=before)
        if not page:
            break
        for entry in page:
            reported.update((entry.search_id, r.article_id) for r in entry.reports)
            reported.add((entry.search_id, entry.article_id))
        before = page[-1].item_id
    by_story = {}
    for entry_story in store.get_articles([a for _, a in sample]):
        by_story[entry_story.id] = entry_story
    missing = 0
    for _, article_id in sample:
        article = by_story.get(article_id)
        if article is None:
            continue
        prep = prepare_article(article_fields(article, store.get_annotations(article_id)))
        for name, query in searches:
            search_id = ids.get(f"{name}-{stamp}")
            if search_id is None or not matches(parse_query(query), prep):
                continue
            if (search_id, article_id) not in reported:  # grouped reports have rows too
                missing += 1
    return missing
