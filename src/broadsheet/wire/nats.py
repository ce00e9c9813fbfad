"""The wire over NATS JetStream: the same ``Bus`` contract across processes and machines.

Three streams, named from ``wire.stream`` (``S``) with subjects under ``wire.prefix`` (``P``),
created idempotently by whoever connects first:

- ``S_EVENTS`` (``P.events.>``): the engine's events (``article.stored``, ``alert.fired``...),
  kept by limits. Each is published with a message id (``change-<seq>``, ``alert-<item>``),
  so a repeat inside ``wire.duplicate_window`` (a process that crashed after publishing, two
  processes publishing the same change) is dropped by the server.
- ``S_JOBS`` (``P.jobs.<stage>``): the stage workers' work queue (a job leaves it when a
  worker acknowledges it). One durable pull consumer per stage, shared by every worker of
  that stage wherever it runs (``broadsheet.workers``).
- ``S_DEAD`` (``P.dead.<stage>``): jobs that could not be done, with the error.

The client is asyncio; ``NatsLink`` runs it in a background thread of its own so that the
synchronous engine (the store, the fetcher, the followers) can publish and subscribe.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import deque
from collections.abc import Coroutine, Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import WireError
from .bus import BoundedQueue
from .events import AlertFired, Event, event_from_json

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js import JetStreamContext

    from ..config import WireSettings

__all__ = ["NatsBus", "NatsLink", "NatsSubscription", "event_id", "subject_of"]

T = TypeVar("T")

log = logging.getLogger(__name__)

STAGES = ("fetch", "extract", "enrich", "store")


def event_id(event: Event) -> str:
    """The message id that lets JetStream drop a repeated publish of one event."""
    if isinstance(event, AlertFired):
        return f"alert-{event.item_id}"
    return f"change-{event.seq}"


def subject_of(prefix: str, event: Event) -> str:
    return f"{prefix}.events.{event.type}"


class NatsLink:
    """One connection to NATS, its JetStream context and the streams, on a loop thread.

    ``run(coro)`` runs a coroutine on that loop from any other thread and returns its
    result. Connecting happens on first use; a server that cannot be reached is a
    ``WireError`` naming the URL.
    """

    def __init__(self, settings: WireSettings, *, name: str = "broadsheet") -> None:
        if not settings.url:
            raise WireError("wire.url is not set: the wire runs in one process")
        self.settings = settings
        self.url = settings.url
        self.prefix = settings.prefix
        self.events_stream = f"{settings.stream}_EVENTS"
        self.jobs_stream = f"{settings.stream}_JOBS"
        self.dead_stream = f"{settings.stream}_DEAD"
        self._name = name
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats", daemon=True)
        self._thread.start()
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._lock = threading.Lock()
        self._connect_lock = asyncio.Lock()
        self.closed = False
        self.max_payload = 1024 * 1024  # the server's own figure, once connected

    # ------------------------------------------------------------------ the loop

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30.0) -> T:
        if self.closed:
            coro.close()
            raise WireError("the NATS connection is closed")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError as exc:
            future.cancel()
            raise WireError(f"NATS at {self.url} did not answer in {timeout} s") from exc

    async def js(self) -> JetStreamContext:
        """The JetStream context, connecting and creating the streams on first use."""
        if self._js is not None:
            return self._js
        async with self._connect_lock:
            if self._js is None:
                import nats

                async def on_error(exc: Exception) -> None:
                    log.info("NATS at %s: %r", self.url, exc)

                try:  # the first connection fails fast; a live one reconnects for ever
                    nc = await asyncio.wait_for(
                        nats.connect(
                            self.url,
                            name=self._name,
                            connect_timeout=3,
                            max_reconnect_attempts=-1,
                            reconnect_time_wait=0.5,
                            allow_reconnect=True,
                            error_cb=on_error,
                        ),
                        6,
                    )
                except (TimeoutError, Exception) as exc:
                    raise WireError(f"cannot reach NATS at {self.url}: {exc!r}") from exc
                js = nc.jetstream(timeout=10)
                self._nc = nc
                self.max_payload = nc.max_payload or self.max_payload
                await self._ensure_streams(js)
                self._js = js
        assert self._js is not None
        return self._js

    async def client(self) -> Client:
        await self.js()
        assert self._nc is not None
        return self._nc

    async def _ensure_streams(self, js: JetStreamContext) -> None:
        from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig

        window = self.settings.duplicate_window
        wanted = [
            StreamConfig(
                name=self.events_stream,
                subjects=[f"{self.prefix}.events.>"],
                retention=RetentionPolicy.LIMITS,
                storage=StorageType.FILE,
                max_msgs=1_000_000,
                max_age=7 * 24 * 3600.0,
                discard=DiscardPolicy.OLD,
                duplicate_window=window,
            ),
            StreamConfig(
                name=self.jobs_stream,
                subjects=[f"{self.prefix}.jobs.>"],
                retention=RetentionPolicy.WORK_QUEUE,
                storage=StorageType.FILE,
                duplicate_window=window,
            ),
            StreamConfig(
                name=self.dead_stream,
                subjects=[f"{self.prefix}.dead.>"],
                retention=RetentionPolicy.LIMITS,
                storage=StorageType.FILE,
                max_msgs=100_000,
                discard=DiscardPolicy.OLD,
                duplicate_window=window,
            ),
        ]
        await ensure_streams(js, wanted)

    # ------------------------------------------------------------------ helpers

    def publish(
        self, subject: str, payload: bytes, *, msg_id: str | None = None, timeout: float = 10.0
    ) -> bool:
        """Publish and wait for JetStream's ack; False when it was a repeat (dropped)."""

        async def go() -> bool:
            js = await self.js()
            headers = {"Nats-Msg-Id": msg_id} if msg_id else None
            ack = await js.publish(subject, payload, timeout=timeout, headers=headers)
            return not ack.duplicate

        try:
            return self.run(go(), timeout=timeout + 5)
        except WireError:
            raise
        except Exception as exc:
            raise WireError(f"publish to {subject} failed: {exc!r}") from exc

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True

        async def shut() -> None:
            if self._nc is not None and not self._nc.is_closed:
                try:
                    await asyncio.wait_for(self._nc.drain(), 5)
                except Exception:  # a server gone away: nothing left to flush
                    await self._nc.close()

        with contextlib.suppress(Exception):  # closing: the connection is dropped either way
            asyncio.run_coroutine_threadsafe(shut(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()


async def ensure_streams(js: JetStreamContext, configs: Iterable[Any]) -> None:
    """Create each stream, or bring an existing one to ``config`` (idempotent)."""
    from nats.js.errors import NotFoundError

    for config in configs:
        try:
            info = await js.stream_info(config.name)
        except NotFoundError:
            try:
                await js.add_stream(config)
            except Exception:  # another process created it meanwhile
                await js.stream_info(config.name)
            continue
        have = info.config
        if list(have.subjects or []) != list(config.subjects or []) or (
            have.duplicate_window != config.duplicate_window
        ):
            await js.update_stream(config)


class NatsSubscription(BoundedQueue):
    """Events from the events stream, published from the moment of subscribing (an ordered
    ephemeral consumer); a message that is not a known event is counted in ``unreadable``."""

    def __init__(self, bus: NatsBus, types: tuple[type[Event], ...], maxsize: int) -> None:
        super().__init__(types, maxsize)
        self._bus = bus
        self._sub: Any = None
        self.unreadable = 0

    async def _start(self) -> None:
        from nats.js.api import DeliverPolicy

        js = await self._bus.link.js()

        async def on_message(msg: Any) -> None:
            try:
                event = event_from_json(json.loads(msg.data))
            except (ValueError, TypeError):
                self.unreadable += 1
                return
            self.offer(event)

        self._sub = await js.subscribe(
            f"{self._bus.link.prefix}.events.>",
            stream=self._bus.link.events_stream,
            cb=on_message,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
        )

    def close(self) -> None:
        self._close()
        self._bus._remove(self)
        sub, self._sub = self._sub, None
        if sub is not None and not self._bus.link.closed:
            with contextlib.suppress(Exception):  # the connection is going away
                self._bus.link.run(sub.unsubscribe(), timeout=5)


class NatsBus:
    """The ``Bus`` over JetStream (see the module).

    ``publish`` never waits for the server: the publish is sent at once and its ack awaited
    in the background, at most ``window`` at a time (a publisher further ahead waits for the
    oldest: backpressure). ``flush`` waits for every ack and raises ``WireError`` when any
    publish since the last flush failed; a publisher that keeps a position (the change
    publisher of the workers) flushes before it saves it.
    """

    def __init__(
        self, settings: WireSettings, *, link: NatsLink | None = None, window: int = 1000
    ) -> None:
        self.link = link or NatsLink(settings)
        self._owns = link is None
        self._lock = threading.Lock()
        self._subs: list[NatsSubscription] = []
        self._pending: deque[Future[None]] = deque()
        self._window = max(1, window)
        self._failures: list[str] = []
        self.published = 0
        self.repeats = 0
        self.failed = 0

    async def _send(self, subject: str, payload: bytes, msg_id: str) -> None:
        try:
            js = await self.link.js()
            ack = await js.publish(subject, payload, timeout=10, headers={"Nats-Msg-Id": msg_id})
        except Exception as exc:
            with self._lock:
                self.failed += 1
                self._failures.append(f"{subject}: {exc!r}")
            log.warning("publish to %s failed: %r", subject, exc)
            return
        with self._lock:
            if ack.duplicate:
                self.repeats += 1
            else:
                self.published += 1

    def publish(self, event: Event) -> None:
        payload = json.dumps(event.to_json(), separators=(",", ":")).encode()
        if self.link.closed:
            raise WireError("the NATS connection is closed")
        future = asyncio.run_coroutine_threadsafe(
            self._send(subject_of(self.link.prefix, event), payload, event_id(event)),
            self.link.loop,
        )
        with self._lock:
            self._pending.append(future)
            while self._pending and self._pending[0].done():
                self._pending.popleft()
            oldest = self._pending[0] if len(self._pending) > self._window else None
        if oldest is not None:
            oldest.result(30)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait for the acks of everything published; ``WireError`` if any publish failed."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            try:
                future.result(timeout)
            except TimeoutError as exc:
                raise WireError(f"NATS at {self.link.url} did not acknowledge in time") from exc
        with self._lock:
            while self._pending and self._pending[0].done():
                self._pending.popleft()
            failures, self._failures = self._failures, []
        if failures:
            raise WireError(f"{len(failures)} publishes failed: {failures[-1]}")

    def subscribe(
        self, types: Iterable[type[Event]] | None = None, *, maxsize: int = 10_000
    ) -> NatsSubscription:
        sub = NatsSubscription(self, tuple(types or ()), maxsize)
        self.link.run(sub._start())
        with self._lock:
            self._subs.append(sub)
        return sub

    def _remove(self, sub: NatsSubscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subs)

    def close(self) -> None:
        if not self.link.closed:
            try:
                self.flush(10)
            except WireError as exc:  # what was not acknowledged is published again later
                log.warning("closing the bus: %s", exc)
        with self._lock:
            subs, self._subs = self._subs, []
        for sub in subs:
            sub.close()
        if self._owns:
            self.link.close()
