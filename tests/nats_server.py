"""The NATS JetStream server the wire tests talk to (127.0.0.1:4222, or ``$BROADSHEET_NATS``).

Each test gets streams and subjects of its own (a unique ``wire.stream`` and ``wire.prefix``)
and deletes them afterwards. An unreachable server skips the test on a developer's machine and
FAILS it when ``BROADSHEET_REQUIRE_NATS`` is set (``.ci/run`` sets it): in CI a wire test
can never pass by being skipped.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from urllib.parse import urlparse

import pytest

from broadsheet.config import WireSettings

URL = os.environ.get("BROADSHEET_NATS", "nats://127.0.0.1:4222")
REQUIRE = "BROADSHEET_REQUIRE_NATS"


def reachable(url: str = URL) -> bool:
    where = urlparse(url)
    try:
        with socket.create_connection((where.hostname or "127.0.0.1", where.port or 4222), 2):
            return True
    except OSError:
        return False


def require_nats() -> str:
    """The server's URL; skips (or fails when required) when nothing answers there."""
    if reachable():
        return URL
    message = f"NATS JetStream is not reachable at {URL}"
    if os.environ.get(REQUIRE):
        pytest.fail(f"{message} ({REQUIRE} is set)")
    pytest.skip(message)


def unique_wire(**fields: object) -> WireSettings:
    """Wire settings with streams and subjects no other test uses."""
    tag = uuid.uuid4().hex[:10]
    return WireSettings(url=require_nats(), prefix=f"t{tag}", stream=f"T{tag.upper()}", **fields)


def delete_streams(wire: WireSettings) -> None:
    """Remove a test's streams (and with them its consumers and messages)."""

    async def go() -> None:
        import nats

        nc = await nats.connect(wire.url, connect_timeout=3)
        js = nc.jetstream()
        for suffix in ("_EVENTS", "_JOBS", "_DEAD"):
            try:
                await js.delete_stream(wire.stream + suffix)
            except Exception:  # never created
                continue
        await nc.close()

    asyncio.run(go())


def wire_env(wire: WireSettings) -> dict[str, str]:
    """The environment that points a CLI subprocess at ``wire``'s streams."""
    return {
        "BROADSHEET_WIRE__URL": wire.url or "",
        "BROADSHEET_WIRE__PREFIX": wire.prefix,
        "BROADSHEET_WIRE__STREAM": wire.stream,
        "BROADSHEET_WIRE__ACK_WAIT": str(wire.ack_wait),
        "BROADSHEET_WIRE__MAX_DELIVER": str(wire.max_deliver),
        "BROADSHEET_WIRE__MAX_ACK_PENDING": str(wire.max_ack_pending),
    }
