"""Fixtures of the fetch tests: live servers on 127.0.0.1 torn down after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .fetch_helpers import Handler, LiveServer, ok_route, start_server


@pytest.fixture
def serve() -> Iterator[Callable[..., LiveServer]]:
    servers: list[LiveServer] = []

    def make(route: Handler, port: int = 0) -> LiveServer:
        live = start_server(route, port)
        servers.append(live)
        return live

    yield make
    for live in servers:
        live.server.shutdown()
        live.server.server_close()


@pytest.fixture
def sentinel(serve: Callable[..., LiveServer]) -> LiveServer:
    """A listener that must never be reached; counts every TCP connection it accepts."""
    return serve(ok_route(b"sentinel reached"))
