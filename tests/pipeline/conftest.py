"""Fixtures for pipeline tests: real settings in a temporary home, a real publisher on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from broadsheet.config import Settings, load_settings

Route = Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]


class Publisher:
    """A tiny web server on 127.0.0.1 whose routes tests can change while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                route = outer.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    status, headers, body = route(dict(self.headers.items()))
                outer.hits.append((self.path, status))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def static(self, path: str, body: bytes, content_type: str, *, etag: str | None = None) -> None:
        def route(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            out = {"Content-Type": content_type}
            if etag:
                out["ETag"] = etag
                if {k.lower(): v for k, v in headers.items()}.get("if-none-match") == etag:
                    return 304, out, b""
            return 200, out, body

        self.routes[path] = route


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    pub = Publisher()
    pub.thread.start()
    yield pub
    pub.httpd.shutdown()
    pub.httpd.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a fresh home; loopback reachable only through the allowlist."""
    return load_settings(
        None,
        {
            "home": tmp_path / "home",
            "fetch": {
                "allow_private_hosts": ["127.0.0.1"],
                "connect_timeout": 2.0,
                "read_timeout": 5.0,
                "total_timeout": 10.0,
                "retry_attempts": 0,
            },
            "poll": {"workers": 4},
        },
    )


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document: items are (guid, title, path)."""
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{guid}</guid>"
        f"<pubDate>Tue, 03 Jun 2008 14:00:00 GMT</pubDate></item>"
        for guid, title, path in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test Feed</title><link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def page(headline: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{headline}</title>"
        f"</head><body><nav><a href='/'>Home</a> <a href='/m'>Markets</a></nav>"
        f"<article><h1>{headline}</h1>{body}</article>"
        f"<footer>Copyright Test Publisher</footer></body></html>"
    ).encode()
