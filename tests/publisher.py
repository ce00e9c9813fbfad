"""A publisher for tests: a real web server on 127.0.0.1 whose routes can change mid-test."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Publisher", "Route"]

Route = Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]


class Publisher:
    """A small web server on 127.0.0.1 whose routes a test can change while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                route = outer.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    status, headers, body = route(dict(self.headers.items()))
                with outer._lock:
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
        """Serve ``body`` at ``path``; with ``etag``, answer a matching If-None-Match with 304."""

        def route(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            out = {"Content-Type": content_type}
            if etag:
                out["ETag"] = etag
                if {k.lower(): v for k, v in headers.items()}.get("if-none-match") == etag:
                    return 304, out, b""
            return 200, out, body

        self.routes[path] = route

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.hits if p == path)

    def start(self) -> Publisher:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
