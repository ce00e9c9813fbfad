"""Real HTTP servers on 127.0.0.1 for the fetch tests, and a sentinel that counts connections."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from broadsheet.config import FetchSettings

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]

ALLOWED = "feeds.test"  # the only name tests allow to reach loopback
ALLOWED_2 = "feeds2.test"


@dataclass
class ServerStats:
    connections: int = 0
    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    stats: ServerStats
    route: Handler

    def verify_request(self, request: object, client_address: object) -> bool:
        with self.stats.lock:
            self.stats.connections += 1
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-body is what most of these tests do


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        import time

        stats = self.server.stats
        with stats.lock:
            stats.requests.append(
                (time.time(), self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        try:
            self.server.route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with stats.lock:
                stats.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class LiveServer:
    port: int
    stats: ServerStats
    server: _Server

    def url(self, path: str = "/", host: str = ALLOWED) -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def hits(self) -> int:
        return self.stats.connections


def start_server(route: Handler, port: int = 0) -> LiveServer:
    server = _Server(("127.0.0.1", port), _RequestHandler)
    server.stats = ServerStats()
    server.route = route
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return LiveServer(server.server_address[1], server.stats, server)


def ok_route(body: bytes = b"ok", content_type: str = "text/plain") -> Handler:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return route


def loopback_resolver(host: str, port: int) -> list[str]:
    """DNS as the tests simulate it: every test name answers 127.0.0.1."""
    return ["127.0.0.1"]


def settings(**overrides: object) -> FetchSettings:
    base: dict[str, object] = {
        "connect_timeout": 2.0,
        "read_timeout": 3.0,
        "total_timeout": 5.0,
        "allow_private_hosts": (ALLOWED, ALLOWED_2),
        "retry_attempts": 0,
        "backoff_base": 0.05,
    }
    base.update(overrides)
    return FetchSettings(**base)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
