"""Polite, resilient fetching: scenarios 11 (conditional GET), 12 (Retry-After, per-host cap)
and 13 (backoff), plus the basics of a successful fetch."""

from __future__ import annotations

import http.server
import itertools
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from broadsheet.errors import FetchError, HTTPStatusError
from broadsheet.fetch import Fetcher, next_poll_delay, parse_retry_after
from broadsheet.fetch.backoff import retry_backoff

from ..hang_guard import finishes
from .fetch_helpers import (
    ALLOWED,
    ALLOWED_2,
    LiveServer,
    free_port,
    loopback_resolver,
    ok_route,
    settings,
)

# --------------------------------------------------------------------------- basics


def test_fetch_reports_media_type_charset_and_headers(serve: Callable[..., LiveServer]) -> None:
    server = serve(ok_route(b"<rss/>", 'application/rss+xml; Charset="KOI8-R"'))
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        result = fetcher.fetch(server.url("/feed"), accept="application/rss+xml")
    assert (result.status, result.body) == (200, b"<rss/>")
    assert result.media_type == "application/rss+xml"
    assert result.charset == "koi8-r"
    assert result.headers["content-type"].startswith("application/rss+xml")
    sent = server.stats.requests[0][2]
    assert sent["accept"] == "application/rss+xml"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert sent["user-agent"].startswith("Broadsheet/")
    assert "if-none-match" not in sent and "if-modified-since" not in sent


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_client_errors_are_not_retried(serve: Callable[..., LiveServer], status: int) -> None:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Length", "0")
        h.end_headers()

    server = serve(route)
    config = settings(retry_attempts=3)
    with Fetcher(config, resolver=loopback_resolver) as f, pytest.raises(HTTPStatusError) as info:
        f.fetch(server.url("/gone"))
    assert info.value.status == status
    assert server.url("/gone") in str(info.value)
    assert len(server.stats.requests) == 1


# --------------------------------------------------------------------------- scenario 11


class ValidatorServer:
    """A feed whose ETag changes with its content while Last-Modified stays put."""

    LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"

    def __init__(self) -> None:
        self.version = 1
        self.etags = {1: 'W/"v1, with a comma"', 2: '"v2  two spaces"', 3: '"ÿ-latin1?"'}

    def route(self, h: http.server.BaseHTTPRequestHandler) -> None:
        etag = self.etags[self.version]
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        body = f"<rss>version {self.version}</rss>".encode()
        h.send_response(200)
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", self.LAST_MODIFIED)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


def test_scenario_11_validators_are_echoed_exactly(serve: Callable[..., LiveServer]) -> None:
    feed = ValidatorServer()
    feed.etags[3] = '"v3"'
    server = serve(feed.route)
    url = server.url("/feed.xml")
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        first = fetcher.fetch(url)
        assert len(server.stats.requests) == 1  # one GET when a feed is added
        assert (first.etag, first.last_modified) == (feed.etags[1], feed.LAST_MODIFIED)
        etag, modified = first.etag, first.last_modified
        not_modified = 0
        polls = 0
        for version in (1, 1, 1, 2, 2, 2, 2, 3, 3, 3):
            feed.version = version
            result = fetcher.fetch(url, etag=etag, last_modified=modified)
            polls += 1
            sent = server.stats.requests[-1][2]
            assert sent["if-none-match"] == etag
            assert sent["if-modified-since"] == modified
            if result.not_modified:
                not_modified += 1
                assert result.body == b""
                assert result.etag == etag
            else:
                assert result.body == f"<rss>version {version}</rss>".encode()
                assert result.last_modified == feed.LAST_MODIFIED  # unchanged...
                assert result.etag == feed.etags[version]  # ...while the ETag moved on
            etag, modified = result.etag, result.last_modified
    assert not_modified == polls - 2  # every unchanged poll was a 304


def test_scenario_11_unchanged_feed_polls_are_304(serve: Callable[..., LiveServer]) -> None:
    feed = ValidatorServer()
    server = serve(feed.route)
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        first = fetcher.fetch(server.url("/f"))
        results = [
            fetcher.fetch(server.url("/f"), etag=first.etag, last_modified=first.last_modified)
            for _ in range(40)
        ]
    assert sum(r.status == 304 for r in results) / len(results) >= 0.95


# --------------------------------------------------------------------------- scenario 12


class Throttler:
    """Answers 429/503 with a Retry-After once, then 200; records when requests arrived."""

    def __init__(self, status: int, retry_after: Callable[[], str]) -> None:
        self.status = status
        self.retry_after = retry_after
        self.allowed_at: float | None = None
        self.times: list[float] = []

    def route(self, h: http.server.BaseHTTPRequestHandler) -> None:
        now = time.time()
        self.times.append(now)
        if self.allowed_at is None:
            value = self.retry_after()
            delay = parse_retry_after(value)
            assert delay is not None
            self.allowed_at = (
                now + delay
                if value.strip().isdigit()
                else (
                    datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT")
                    .replace(tzinfo=UTC)
                    .timestamp()
                )
            )
            h.send_response(self.status)
            h.send_header("Retry-After", value)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        ok_route(b"thanks")(h)


@pytest.mark.parametrize(
    ("status", "header"),
    [
        (429, lambda: "1"),
        (503, lambda: "1"),
        (429, lambda: format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)),
    ],
    ids=["429 seconds", "503 seconds", "429 http-date"],
)
def test_scenario_12_no_request_before_retry_after(
    serve: Callable[..., LiveServer], status: int, header: Callable[[], str]
) -> None:
    throttler = Throttler(status, header)
    server = serve(throttler.route)
    with Fetcher(settings(retry_attempts=2), resolver=loopback_resolver) as fetcher:
        assert fetcher.fetch(server.url("/feed")).body == b"thanks"
    assert len(throttler.times) == 2
    assert throttler.allowed_at is not None
    assert throttler.times[1] >= throttler.allowed_at


@pytest.mark.parametrize("header", ["120", "31"])
def test_scenario_12_long_retry_after_is_handed_to_the_poller(
    serve: Callable[..., LiveServer], header: str
) -> None:
    throttler = Throttler(429, lambda: header)
    server = serve(throttler.route)
    with (
        Fetcher(settings(retry_attempts=5), resolver=loopback_resolver) as fetcher,
        pytest.raises(HTTPStatusError) as info,
    ):
        finishes(lambda: fetcher.fetch(server.url("/feed")))  # no sleep of 31 s or more
    assert info.value.status == 429
    assert info.value.retry_after == float(header)
    assert len(throttler.times) == 1


def test_scenario_12_retries_give_up_with_the_last_status(serve: Callable[..., LiveServer]) -> None:
    def broken(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(502)
        h.send_header("Content-Length", "0")
        h.end_headers()

    server = serve(broken)
    config = settings(retry_attempts=3, backoff_base=0.01)
    with (
        Fetcher(config, resolver=loopback_resolver) as f,
        pytest.raises(HTTPStatusError, match="HTTP 502") as info,
    ):
        f.fetch(server.url("/down"))
    assert info.value.status == 502
    assert len(server.stats.requests) == 4


class _Working:
    """Counts requests while the server works on them, before it answers: a client releases
    its slot only once it has the answer, so this window never overlaps more than the cap
    (the server's own in-flight count also spans the moment after the last byte is sent,
    when the next request may already be in)."""

    def __init__(self, delay: float) -> None:
        self.delay, self.now, self.max = delay, 0, 0
        self.lock = threading.Lock()

    def __call__(self, h: http.server.BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.now += 1
            self.max = max(self.max, self.now)
        time.sleep(self.delay)
        with self.lock:
            self.now -= 1
        ok_route(b"ok")(h)


def test_scenario_12_per_host_cap_is_held(serve: Callable[..., LiveServer]) -> None:
    slow = _Working(0.06)
    server = serve(slow)
    config = settings(per_host_concurrency=2)
    with Fetcher(config, resolver=loopback_resolver) as fetcher:
        # 50 feeds on one host, fetched by 25 worker threads at once
        def work(index: int) -> None:
            assert fetcher.fetch(server.url(f"/feed/{index}")).body == b"ok"

        threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(server.stats.requests) == 50
    assert slow.max == 2


def test_scenario_12_the_cap_is_per_host(serve: Callable[..., LiveServer]) -> None:
    slow = _Working(0.2)

    server = serve(slow)
    with Fetcher(settings(per_host_concurrency=1), resolver=loopback_resolver) as fetcher:
        threads = [
            threading.Thread(target=fetcher.fetch, args=(server.url(f"/{i}", host=host),))
            for i in range(6)
            for host in (ALLOWED, ALLOWED_2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert slow.max == 2  # one per host name, two names


def test_retry_backoff_is_jittered_and_grows() -> None:
    rng = random.Random(7)
    for attempt in range(6):
        ceiling = 0.5 * 2**attempt
        values = [retry_backoff(attempt, 0.5, rng) for _ in range(200)]
        assert all(0.0 <= v <= ceiling for v in values)
        assert len(set(values)) == 200
        assert max(values) > ceiling * 0.8


# --------------------------------------------------------------------------- scenario 13


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("17", 17.0),
        ("  3 ", 3.0),
        ("-5", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    now = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sun, 29 Nov 2026 12:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Sun, 29 Nov 2026 11:00:00 GMT", now=now) == 0.0


def test_scenario_13_backoff_grows_caps_and_resumes() -> None:
    rng = random.Random(1)
    interval, cap = 900.0, 24 * 3600.0
    healthy = [next_poll_delay(0, interval=interval, cap=cap, rng=rng) for _ in range(500)]
    assert all(810.0 <= d <= 990.0 for d in healthy)
    assert len({round(d, 3) for d in healthy}) > 400  # jittered

    # the host is down for three days: count the polls and watch the delays
    elapsed, errors, delays = 0.0, 0, []
    while elapsed < 3 * 24 * 3600:
        errors += 1
        delay = next_poll_delay(errors, interval=interval, cap=cap, rng=rng)
        delays.append(delay)
        elapsed += delay
    assert all(d <= cap for d in delays)
    assert delays[-1] == cap
    growing = delays[: delays.index(cap)]
    assert all(b > a for a, b in itertools.pairwise(growing))
    assert len(delays) < 20  # a dead host costs a handful of requests a day
    # it comes back: the first success resets the schedule
    assert next_poll_delay(0, interval=interval, cap=cap, rng=rng) <= 990.0


@pytest.mark.parametrize(("errors", "retry_after"), [(0, 3600.0), (1, 7200.0), (30, 2 * 86400.0)])
def test_scenario_13_never_earlier_than_retry_after(errors: int, retry_after: float) -> None:
    delay = next_poll_delay(errors, interval=900, cap=86400, retry_after=retry_after)
    assert delay >= retry_after


def test_huge_error_counts_do_not_overflow() -> None:
    assert next_poll_delay(10**6, interval=900, cap=86400) == 86400


def test_scenario_13_host_down_then_back(serve: Callable[..., LiveServer]) -> None:
    port = free_port()
    url = f"http://{ALLOWED}:{port}/feed"
    with Fetcher(settings(retry_attempts=1, backoff_base=0.01), resolver=loopback_resolver) as f:
        with pytest.raises(FetchError, match="could not connect") as info:
            f.fetch(url)
        assert info.value.url == url
        serve(ok_route(b"back"), port=port)
        assert f.fetch(url).body == b"back"
