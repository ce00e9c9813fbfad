"""Fixtures of the markets tests: recorded provider responses served on 127.0.0.1, and the
provider-contract parametrisation."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from broadsheet.config import FetchSettings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class _Recorded(http.server.BaseHTTPRequestHandler):
    """Answers like Stooq (/stooq/q/d/l/?s=...) and Yahoo (/yahoo/v8/finance/chart/T)."""

    requests: list[str]

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        status, name, ctype = 404, "", "text/plain"
        if parts.path == "/stooq/q/d/l/":
            symbol = parse_qs(parts.query).get("s", [""])[0]
            status, ctype = 200, "text/csv"
            name = "stooq_ibm.csv" if symbol == "ibm.us" else "stooq_nodata.txt"
        elif parts.path.startswith("/yahoo/v8/finance/chart/"):
            ctype = "application/json"
            if parts.path.endswith("/AAPL"):
                status, name = 200, "yahoo_aapl.json"
            elif parts.path.endswith("/BROKEN"):
                status, name = 500, "yahoo_notfound.json"
            else:
                name = "yahoo_notfound.json"
        body = (FIXTURES / name).read_bytes() if name else b"not found"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class RecordedServer:
    base: str  # http://127.0.0.1:PORT
    requests: list[str]


@pytest.fixture(scope="module")
def recorded_server() -> Iterator[RecordedServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorded)
    server.daemon_threads = True
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RecordedServer(f"http://127.0.0.1:{server.server_address[1]}", server.requests)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def loopback_fetch_settings() -> FetchSettings:
    return FetchSettings.model_validate(
        {"allow_private_hosts": ["127.0.0.1"], "retry_attempts": 0, "total_timeout": 10.0}
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Provider contract classes list their cases in ``cases``: one test per case."""
    cls = metafunc.cls
    if cls is not None and "case" in metafunc.fixturenames and hasattr(cls, "cases"):
        metafunc.parametrize("case", cls.cases, ids=[c.id for c in cls.cases])
