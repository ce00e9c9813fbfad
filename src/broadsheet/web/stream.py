"""``/api/v1/stream``: server-sent events of the user's alerts (``alert.fired``, only their
own) and of new stories (``article.stored``), with ``id:`` lines and ``Last-Event-ID``
resume (what was missed is read back from the store), and heartbeats.

An event's id is ``ITEM.SEQ``: the newest inbox item and the newest change-log position
sent so far on this stream. A client that reconnects with it gets every alert of its user
created after ITEM and every story stored after SEQ, then the live events, with no repeat.
One thread per app reads the service's bus and hands events to the streams' asyncio
queues, so a thousand open streams hold no threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ..wire import AlertFired, ArticleStored, Event
from .errors import WebError
from .security import Principal, api_principal, check_origin

__all__ = ["Hub", "router"]

router = APIRouter()
_QUEUE = 20_000  # events a stream may have waiting before it reads the store instead
_REPLAY = 500  # alerts (and stories) read back from the store per round
_DRAIN = 2000  # events the hub hands over (and a stream writes) in one round


class Hub:
    """Fans the bus's live events out to the open streams of this process."""

    def __init__(self, bus: Any) -> None:
        self._bus = bus
        self._clients: set[tuple[asyncio.AbstractEventLoop, _Client]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def join(self) -> _Client:
        client = _Client()
        with self._lock:
            self._clients.add((asyncio.get_running_loop(), client))
            if self._thread is None:
                subscription = self._bus.subscribe([AlertFired, ArticleStored], maxsize=100_000)
                self._thread = threading.Thread(
                    target=self._run, args=(subscription,), name="sse-hub", daemon=True
                )
                self._thread.start()
        return client

    def leave(self, client: _Client) -> None:
        with self._lock:
            self._clients = {c for c in self._clients if c[1] is not client}

    def _run(self, subscription: Any) -> None:
        for first in subscription:  # ends when the bus closes
            # what else is waiting goes in the same hand-over: one wake-up of each event
            # loop per round, not per event (a story fires ~10 alerts at once)
            batch = [first]
            while len(batch) < _DRAIN:
                more = subscription.get(0)
                if more is None:
                    break
                batch.append(more)
            with self._lock:
                clients = list(self._clients)
            for loop, client in clients:
                with contextlib.suppress(RuntimeError):  # a loop that has closed
                    loop.call_soon_threadsafe(_offer_all, client, batch)


class _Behind(Event):
    """Put in a stream's queue in place of what it could not hold: read the store."""


_BEHIND = _Behind(0, None)


class _Client:
    """One open stream: its queue, and whether it fell behind (then the queue holds only
    ``_BEHIND`` and the stream reads what it missed from the store)."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(_QUEUE)
        self.behind = False


def _offer_all(client: _Client, events: list[Event]) -> None:
    for event in events:
        _offer(client, event)


def _offer(client: _Client, event: Event) -> None:
    if client.behind:
        return  # it will read this one from the store
    if client.queue.full():
        # a stream that cannot keep up: its queue becomes a note to catch up from the
        # store (where every alert and story is), so nothing is lost and nothing repeats
        while not client.queue.empty():
            client.queue.get_nowait()
        client.behind = True
        client.queue.put_nowait(_BEHIND)
        return
    client.queue.put_nowait(event)


def _hub(request: Request) -> Hub:
    app = request.app
    hub = getattr(app.state, "hub", None)
    if hub is None:
        hub = app.state.hub = Hub(app.state.svc.bus)
    return hub


def parse_event_id(value: str | None) -> tuple[int, int] | None:
    """(item, seq) of an ``ITEM.SEQ`` event id; None for none or one this server never sent."""
    if not value:
        return None
    item, dot, seq = value.strip().partition(".")
    if not dot or not item.isdigit() or not seq.isdigit() or len(value) > 40:
        return None
    return int(item), int(seq)


@router.get(
    "/api/v1/stream",
    tags=["live"],
    summary="Live events: your alerts and new stories (text/event-stream)",
    responses={200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
async def stream(request: Request, principal: Annotated[Principal, Depends(api_principal)]) -> Any:
    check_origin(request)  # a page of another site may not open a user's stream
    svc = request.app.state.svc
    if not getattr(svc, "following", True):
        raise WebError(503, "unavailable", "this server does not follow the archive")
    hub = _hub(request)
    client = hub.join()  # before reading the store: nothing falls between the two
    try:
        resume = parse_event_id(
            request.headers.get("last-event-id") or request.query_params.get("last_event_id")
        )
        if resume is None:
            item, seq = await asyncio.to_thread(svc.live_position)
        else:
            item, seq = resume
    except BaseException:
        hub.leave(client)
        raise
    heartbeat = float(request.app.state.heartbeat)

    async def replay() -> AsyncIterator[str]:
        """What the store holds after the stream's position, a round at a time."""
        nonlocal item, seq
        while True:
            caught = await asyncio.to_thread(
                svc.missed_events, principal.owner, item, seq, limit=_REPLAY
            )
            frames: list[str] = []
            for old in caught:
                sent = _frame(old, principal.owner, item, seq)
                if sent is not None:
                    text, item, seq = sent
                    frames.append(text)
            if frames:
                yield "".join(frames)
            if len(caught) < _REPLAY:
                return

    async def events() -> AsyncIterator[str]:
        nonlocal item, seq
        try:
            yield f"retry: 2000\nid: {item}.{seq}\n: connected\n\n"
            if resume is not None:  # every round of what was missed, then the live events
                async for text in replay():
                    yield text
            while True:
                try:
                    event = await asyncio.wait_for(client.queue.get(), timeout=heartbeat)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": heartbeat\n\n"
                    continue
                if event is _BEHIND:
                    client.behind = False  # what arrives from now on is queued again
                    async for text in replay():
                        yield text
                    continue
                # this event and every one already waiting go out in one write
                frames: list[str] = []
                while True:
                    if event is _BEHIND:
                        client.queue.put_nowait(event)  # handled first in the next round
                        break
                    sent = _frame(event, principal.owner, item, seq)
                    if sent is not None:
                        text, item, seq = sent
                        frames.append(text)
                    if len(frames) >= _DRAIN or client.queue.empty():
                        break
                    event = client.queue.get_nowait()
                if frames:
                    yield "".join(frames)
        finally:
            hub.leave(client)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _frame(event: Event, owner: str, item: int, seq: int) -> tuple[str, int, int] | None:
    """The SSE frame of ``event`` for ``owner`` and the stream's new position; None for an
    event not theirs or already sent."""
    if isinstance(event, AlertFired):
        if event.owner != owner or event.item_id <= item:
            return None
        item = event.item_id
    elif isinstance(event, ArticleStored):
        if event.seq <= seq:
            return None
        seq = event.seq
    else:
        return None
    data = json.dumps(event.to_json(), ensure_ascii=False)
    return f"id: {item}.{seq}\nevent: {event.type}\ndata: {data}\n\n", item, seq
