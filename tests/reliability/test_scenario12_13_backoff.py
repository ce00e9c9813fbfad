"""Scenarios 12 and 13 through the pipeline: a 429 with Retry-After is not polled again
before it (seconds and HTTP-date forms, with in-fetch retries on); a source that is down
backs off exponentially (capped), shows its last error, and resumes by itself when back."""

from __future__ import annotations

import gc
import itertools
import threading
import time
import warnings
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from broadsheet.config import Settings, load_settings
from broadsheet.pipeline import open_pipeline, poll_due

from .helpers import Publisher, Route, rss_feed, run_cli

INTERVAL = 60.0
CAP = 3600.0


def _settings(home: Path, *, retries: int) -> Settings:
    return load_settings(
        None,
        {
            "home": home,
            "fetch": {
                "allow_private_hosts": ["127.0.0.1"],
                "connect_timeout": 1.0,
                "read_timeout": 3.0,
                "total_timeout": 5.0,
                "retry_attempts": retries,
                "backoff_base": 0.05,
            },
            "poll": {"interval": INTERVAL, "max_backoff": CAP, "fetch_articles": False},
            "enrich": {"enabled": False},
        },
    )


def _retry_after(form: str, seconds: float) -> tuple[str, datetime]:
    """The header value and the earliest moment a new request is allowed."""
    now = datetime.now(UTC)
    if form == "seconds":
        return str(int(seconds)), now + timedelta(seconds=seconds)
    when = (now + timedelta(seconds=seconds)).replace(microsecond=0)
    return format_datetime(when, usegmt=True), when


@pytest.mark.parametrize(("form", "seconds"), [("seconds", 7200.0), ("http-date", 10800.0)])
def test_429_is_not_polled_again_before_retry_after(
    home: Path, publisher: Publisher, form: str, seconds: float
) -> None:
    allowed: list[datetime] = []

    def busy(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        value, not_before = _retry_after(form, seconds)
        allowed.append(not_before)
        return 429, {"Content-Type": "text/plain", "Retry-After": value}, b"slow down"

    publisher.routes["/busy.xml"] = busy
    with open_pipeline(_settings(home, retries=2), enrich=False) as pipe:
        source = pipe.store.add_source(f"{publisher.base}/busy.xml", "feed")
        before = datetime.now(UTC)
        [outcome] = poll_due(pipe, force=True)
        assert outcome.status == "error"
        assert publisher.count("/busy.xml") == 1  # no retry inside the fetch either
        source = pipe.store.get_source(source.id)
        assert source.next_poll_at is not None
        assert source.next_poll_at >= allowed[0] - timedelta(seconds=1)
        assert source.last_error and "429" in source.last_error
        # the scheduler asks for it again only once Retry-After has passed
        for minutes in (1, 30, int(seconds // 60) - 1):
            later = before + timedelta(minutes=minutes)
            assert poll_due(pipe, now=later) == []
        assert publisher.count("/busy.xml") == 1
        due = [s.id for s in pipe.store.due_sources(before + timedelta(seconds=seconds + 60))]
        assert due == [source.id]


def test_down_then_back_resumes_by_itself(home: Path) -> None:
    first = Publisher().start()
    port = first.httpd.server_address[1]
    url = f"{first.base}/feed.xml"
    first.static(
        "/feed.xml",
        rss_feed(first.base, [(f"d-{n}", n) for n in range(3)], full_text=True),
        "application/rss+xml",
    )
    with open_pipeline(_settings(home, retries=0), enrich=False) as pipe:
        source = pipe.store.add_source(url, "feed")
        [ok] = poll_due(pipe, force=True)
        assert ok.status == "ok" and ok.new == 3
        # down: first answering 503, then not answering at all (connection refused)
        first.routes["/feed.xml"] = lambda h: (503, {"Content-Type": "text/plain"}, b"down")
        delays = []
        for attempt in range(1, 13):
            if attempt == 3:
                first.stop()
            source = pipe.store.get_source(source.id)
            now = source.next_poll_at or datetime.now(UTC)
            [outcome] = poll_due(pipe, now=now + timedelta(seconds=1))
            assert outcome.status == "error"
            source = pipe.store.get_source(source.id)
            assert source.error_count == attempt
            assert source.last_error  # visible on the source
            assert source.next_poll_at is not None and source.last_fetch_at is not None
            delays.append((source.next_poll_at - source.last_fetch_at).total_seconds())
        # exponential (±10% jitter), then capped
        for n, delay in enumerate(delays[:5], start=1):
            assert INTERVAL * 2 ** (n - 1) * 0.89 <= delay <= INTERVAL * 2 ** (n - 1) * 1.11
        assert all(delay <= CAP + 1 for delay in delays)
        assert delays[-1] >= CAP * 0.89
        # back on the same address, with one more story: the next due poll resumes
        second = _publisher_on(port)
        try:
            second.static(
                "/feed.xml",
                rss_feed(second.base, [(f"d-{n}", n) for n in range(4)], full_text=True),
                "application/rss+xml",
            )
            assert pipe.store.due_sources(datetime.now(UTC)) == []  # not early
            due_at = pipe.store.get_source(source.id).next_poll_at
            assert due_at is not None
            [back] = poll_due(pipe, now=due_at + timedelta(seconds=1))
            assert back.status == "ok" and back.new == 1
            source = pipe.store.get_source(source.id)
            assert source.error_count == 0
            assert source.last_error is None
            assert source.last_success_at is not None
            assert pipe.store.count_articles() == 4
        finally:
            second.stop()


def _publisher_on(port: int) -> Publisher:
    """A publisher bound to ``port`` again (the host came back at the same address)."""
    pub = Publisher()
    handler = pub.httpd.RequestHandlerClass
    pub.httpd.server_close()
    pub.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    pub.httpd.daemon_threads = True
    pub.thread = threading.Thread(target=pub.httpd.serve_forever, daemon=True)
    return pub.start()


class _InFlight:
    """Counts requests being answered at once (each answer takes a moment)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def route(self, body: bytes) -> Route:
        def answer(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            time.sleep(0.15)
            with self.lock:
                self.now -= 1
            return 200, {"Content-Type": "application/rss+xml"}, body

        return answer


def test_per_host_cap_held_on_the_first_poll(home: Path, publisher: Publisher) -> None:
    feeds = 12
    counter = _InFlight()
    for n in range(feeds):
        body = rss_feed(publisher.base, [(f"cap-{n}", n)], full_text=True)
        publisher.routes[f"/cap/{n}.xml"] = counter.route(body)
    settings = _settings(home, retries=0)
    fetch = settings.fetch.model_copy(update={"per_host_concurrency": 1})
    poll = settings.poll.model_copy(update={"workers": 6})
    settings = settings.model_copy(update={"fetch": fetch, "poll": poll})
    # Pipeline.fetcher was once built lazily without a lock, so each worker thread of a
    # fresh pipeline made its own Fetcher (no shared cap; dropped ones leaked sockets).
    # Leaked sockets are reported when collected: record them, do not raise.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_pipeline(settings, enrich=False) as pipe:
            for n in range(feeds):
                pipe.store.add_source(f"{publisher.base}/cap/{n}.xml", "feed")
            outcomes = poll_due(pipe, force=True)
            assert [o.status for o in outcomes] == ["ok"] * feeds
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert counter.most == 1, f"{counter.most} requests to one host at once (cap 1)"
    assert leaked == []


def test_short_retry_after_is_waited_out_within_the_poll(home: Path, publisher: Publisher) -> None:
    """A Retry-After short enough to wait for is retried in the same poll, never early."""
    moments: list[float] = []
    body = rss_feed(publisher.base, [("ra-1", 1)], full_text=True)

    def route(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        moments.append(time.monotonic())
        if len(moments) <= 2:
            return 429, {"Content-Type": "text/plain", "Retry-After": "1"}, b"wait"
        return 200, {"Content-Type": "application/rss+xml"}, body

    publisher.routes["/soon.xml"] = route
    with open_pipeline(_settings(home, retries=2), enrich=False) as pipe:
        source = pipe.store.add_source(f"{publisher.base}/soon.xml", "feed")
        [outcome] = poll_due(pipe, force=True)
        assert outcome.status == "ok" and outcome.new == 1
        assert pipe.store.get_source(source.id).error_count == 0
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert len(gaps) == 2
    assert min(gaps) >= 0.95, f"asked again {min(gaps):.2f} s after Retry-After: 1"


def test_last_error_and_next_poll_visible_in_the_cli(home: Path) -> None:
    settings = _settings(home, retries=0)
    with open_pipeline(settings, enrich=False) as pipe:
        pipe.store.add_source("http://127.0.0.1:9/closed.xml", "feed")  # discard port: refused
        [outcome] = poll_due(pipe, force=True)
        assert outcome.status == "error"
    listed = run_cli(home, None, "sources")
    assert listed.returncode == 0, listed.stderr
    text = " ".join(listed.stdout.split())
    assert "closed.xml" in text
    assert "could not connect" in text or "refused" in text.lower(), text
