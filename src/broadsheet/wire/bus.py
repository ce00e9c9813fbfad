"""The bus: events go to every subscriber, never blocking the publisher.

``Bus`` is the contract; ``InProcessBus`` runs inside one process (the default). A
subscriber that falls behind loses its oldest events, not the publisher's time: its
``dropped`` count says how many, and a consumer that must not miss anything (the index,
alerts) follows the store's change log from its own saved position instead (``follow``).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Protocol

from .events import Event

__all__ = ["Bus", "InProcessBus", "Subscription"]


class Subscription(Protocol):
    @property
    def dropped(self) -> int:
        """Events lost because this subscriber fell behind."""

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event, waiting up to ``timeout`` seconds (None: no event came)."""

    def close(self) -> None: ...

    def __iter__(self) -> Iterator[Event]: ...


class Bus(Protocol):
    def publish(self, event: Event) -> None: ...

    def subscribe(
        self, types: Iterable[type[Event]] | None = None, *, maxsize: int = 10_000
    ) -> Subscription:
        """Events published from now on (of ``types`` only, when given)."""

    def close(self) -> None: ...


class BoundedQueue:
    """One subscriber's bounded queue of events (of ``types`` only, when given): the oldest
    event is dropped, and counted, when it is full, so a slow reader never holds up the
    publisher. The subscriptions of every bus are one of these."""

    def __init__(self, types: tuple[type[Event], ...], maxsize: int) -> None:
        self._types = types
        self._items: deque[Event] = deque()
        self._maxsize = max(1, maxsize)
        self._ready = threading.Condition()
        self._closed = False
        self.dropped = 0

    def offer(self, event: Event) -> None:
        if self._types and not isinstance(event, self._types):
            return
        with self._ready:
            if self._closed:
                return
            if len(self._items) >= self._maxsize:
                self._items.popleft()
                self.dropped += 1
            self._items.append(event)
            self._ready.notify()

    def get(self, timeout: float | None = None) -> Event | None:
        with self._ready:
            if not self._items and not self._closed:
                self._ready.wait(timeout)
            return self._items.popleft() if self._items else None

    def _close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def __iter__(self) -> Iterator[Event]:
        while not self._closed:
            event = self.get(0.5)
            if event is not None:
                yield event

    async def aiter(self, poll: float = 0.25) -> AsyncIterator[Event]:
        """The events for an asyncio consumer (the wait runs in a worker thread)."""
        while not self._closed:
            event = await asyncio.to_thread(self.get, poll)
            if event is not None:
                yield event


class _Queue(BoundedQueue):
    """A subscription of the in-process bus."""

    def __init__(self, bus: InProcessBus, types: tuple[type[Event], ...], maxsize: int) -> None:
        super().__init__(types, maxsize)
        self._bus = bus

    def close(self) -> None:
        self._close()
        self._bus._remove(self)


class InProcessBus:
    """A bus inside one process: publish from any thread, subscribe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: list[_Queue] = []

    def publish(self, event: Event) -> None:
        with self._lock:
            queues = list(self._queues)
        for queue in queues:
            queue.offer(event)

    def subscribe(
        self, types: Iterable[type[Event]] | None = None, *, maxsize: int = 10_000
    ) -> _Queue:
        queue = _Queue(self, tuple(types or ()), maxsize)
        with self._lock:
            self._queues.append(queue)
        return queue

    def _remove(self, queue: _Queue) -> None:
        with self._lock:
            if queue in self._queues:
                self._queues.remove(queue)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._queues)

    def close(self) -> None:
        with self._lock:
            queues, self._queues = self._queues, []
        for queue in queues:
            queue.close()
