"""Polling benchmark: fetch + parse of many feeds from a local server, then conditional re-polls.

    python -m broadsheet.bench.sources [--feeds 500] [--items 50] [--workers 8]

Target (docs/BENCHMARKS.md): 10,000 feeds an hour on one 2-core machine with conditional GET,
i.e. 2.8 feeds/s. The server runs in this process on 127.0.0.1 (reached through the
allow-list, as a feed on a LAN would be), so the figures include both ends of each request.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from broadsheet.config import FetchSettings
from broadsheet.fetch import Fetcher
from broadsheet.models import FetchResult
from broadsheet.sources.feeds import parse_feed

HOST = "bench-feeds.test"


def make_feed(index: int, items: int) -> bytes:
    """A synthetic RSS 2.0 feed of ``items`` entries with ~600 characters of text each."""
    base = datetime(2026, 11, 1, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {index}</title><link>https://feed{index}.example/</link>",
    ]
    for item in range(items):
        when = format_datetime(base + timedelta(minutes=index * items + item), usegmt=True)
        text = f"Story {item} of feed {index}: the harbour &amp; the market moved. " * 8
        parts.append(
            f"<item><title>Story {item} of feed {index}</title>"
            f"<link>https://feed{index}.example/{item}</link><guid>f{index}-{item}</guid>"
            f"<pubDate>{when}</pubDate><description>{text}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def _serve(feeds: list[bytes]) -> tuple[http.server.ThreadingHTTPServer, int]:
    etags = [f'"{hashlib.sha1(body).hexdigest()[:16]}"' for body in feeds]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            index = int(self.path.strip("/").split(".")[0])
            if self.headers.get("If-None-Match") == etags[index]:
                self.send_response(304)
                self.send_header("ETag", etags[index])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = feeds[index]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etags[index])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the benchmark reports its own figures."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, int(server.server_address[1])


def _timed(work: Callable[[int], object], count: int, workers: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        started = time.perf_counter()
        work(index)
        with lock:
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - started, latencies


def run(feeds: int, items: int, workers: int) -> dict[str, float]:
    bodies = [make_feed(i, items) for i in range(feeds)]
    server, port = _serve(bodies)
    settings = FetchSettings.model_validate(
        {"allow_private_hosts": (HOST,), "per_host_concurrency": workers}
    )
    results: dict[int, FetchResult] = {}
    figures: dict[str, float] = {}
    try:
        with Fetcher(settings, resolver=lambda host, p: ["127.0.0.1"]) as fetcher:

            def first(index: int) -> None:
                result = fetcher.fetch(f"http://{HOST}:{port}/{index}.xml")
                results[index] = result
                parsed = parse_feed(result.body, url=result.url, charset=result.charset)
                assert len(parsed.entries) == items

            def again(index: int) -> None:
                previous = results[index]
                result = fetcher.fetch(
                    f"http://{HOST}:{port}/{index}.xml",
                    etag=previous.etag,
                    last_modified=previous.last_modified,
                )
                assert result.status == 304

            elapsed, latencies = _timed(first, feeds, workers)
            figures["first_poll_feeds_per_s"] = feeds / elapsed
            figures["first_poll_p50_ms"] = statistics.median(latencies) * 1000
            elapsed, latencies = _timed(again, feeds, workers)
            figures["repoll_304_feeds_per_s"] = feeds / elapsed
            figures["repoll_304_p50_ms"] = statistics.median(latencies) * 1000
            started = time.perf_counter()
            for body in bodies[:100]:
                parse_feed(body)
            figures["parse_feed_per_s_single_thread"] = min(100, feeds) / (
                time.perf_counter() - started
            )
    finally:
        server.shutdown()
        server.server_close()
    figures["feed_bytes_avg"] = sum(map(len, bodies)) / len(bodies)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    figures = run(args.feeds, args.items, args.workers)
    print(f"{args.feeds} feeds x {args.items} items, {args.workers} workers")
    for name, value in figures.items():
        print(f"  {name:32s} {value:10.1f}")
    hourly = figures["first_poll_feeds_per_s"] * 3600
    print(f"  => {hourly:,.0f} full fetch+parse polls an hour (target 10,000)")


if __name__ == "__main__":
    main()
