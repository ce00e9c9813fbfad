"""Running one stage as a durable JetStream consumer (``broadsheet worker STAGE``).

Each stage has one durable pull consumer, shared by every worker of that stage wherever it
runs: JetStream hands each job to one of them (a queue group). A worker pulls a small batch
per slot (``concurrency`` slots), does each job in a thread, publishes the jobs it makes
for the next stage (each with a message id, so a repeat is dropped), and only then
acknowledges. Killed before the ack, the job comes back after ``wire.ack_wait`` to another
worker; done twice, it changes nothing (see ``stages``). Backpressure: at most
``wire.max_ack_pending`` jobs of a stage are out at once, and a worker asks for no more than
it has free slots.

A job that cannot be done — unreadable, a page with no article, or one that failed (or
whose worker died) ``wire.max_deliver`` times — goes to the dead-letter stream with its
error, and is acknowledged there.

The ``index`` and ``alerts`` stages consume the events stream instead (``article.*``, each
with a durable consumer of its own): an event wakes them, and they catch up from the
store's change log, which they follow by their own saved positions (the index's, the alert
follower's), so a lost or repeated event changes nothing. The job stages that write the
store publish its change log as events (``ChangePublisher``), by a position kept in the
store, with message ids that make repeats harmless.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import WireError
from ..wire import event_from_change
from ..wire.nats import NatsBus, NatsLink
from .jobs import JOB_STAGES, JobError, Outgoing, Result, read_job

if TYPE_CHECKING:
    from ..config import WireSettings
    from ..store import Store

__all__ = [
    "EVENT_STAGES",
    "STAGES",
    "ChangePublisher",
    "WorkerStats",
    "consumer_name",
    "run_stage",
]

log = logging.getLogger(__name__)

EVENT_STAGES = ("index", "alerts")
STAGES = (*JOB_STAGES, "index", "alerts")
PUBLISHER = "wire-events"  # the store-kept position of the change-log publisher
_BATCH = 8


def consumer_name(stage: str) -> str:
    return f"stage-{stage}"


@dataclass
class WorkerStats:
    """What one worker did (its ``--format json`` summary when it stops)."""

    stage: str
    done: int = 0
    failed: int = 0  # tries that failed and were handed back for another try
    dead: int = 0
    published: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "done": self.done,
            "failed": self.failed,
            "dead": self.dead,
            "published": self.published,
            "errors": self.errors[-10:],
        }


class ChangePublisher:
    """Publishes the store's change log as events on a NATS bus, from a position saved in the
    store (``wire-events``): after a crash it starts again there, and the server drops the
    repeats by message id. Any number of processes may run one."""

    name = PUBLISHER

    def __init__(self, store: Store, bus: NatsBus) -> None:
        self._store = store
        self._bus = bus
        self._lock = threading.Lock()
        saved = store.saved_position(PUBLISHER)
        if saved is None:  # never ran: events from now on
            saved = store.max_seq()
            store.set_follower_position(PUBLISHER, saved)
        self.position = saved

    def catch_up(self) -> int:
        with self._lock:
            read = 0
            self.position = max(self.position, self._store.follower_position(PUBLISHER))
            while True:
                changes = self._store.changes_since(self.position, 500)
                if not changes:
                    return read
                for change in changes:
                    event = event_from_change(change)
                    if event is not None:
                        self._bus.publish(event)
                self._bus.flush()  # every event acknowledged before the position moves
                self.position = changes[-1].seq
                read += len(changes)
                if self.position > self._store.follower_position(PUBLISHER):
                    self._store.set_follower_position(PUBLISHER, self.position)


async def ensure_consumer(link: NatsLink, stage: str) -> tuple[str, str]:
    """The durable consumer of ``stage`` (created, or brought to the settings); returns
    (stream, consumer)."""
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
    from nats.js.errors import NotFoundError

    js = await link.js()
    settings = link.settings
    if stage in JOB_STAGES:
        stream, subject = link.jobs_stream, f"{link.prefix}.jobs.{stage}"
        deliver = DeliverPolicy.ALL
    else:
        stream, subject = link.events_stream, f"{link.prefix}.events.article.>"
        deliver = DeliverPolicy.NEW
    name = consumer_name(stage)
    config = ConsumerConfig(
        durable_name=name,
        filter_subject=subject,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=settings.ack_wait,
        # one delivery more than the tries, so a job whose workers all died is seen once
        # more, and dead-lettered rather than left undelivered
        max_deliver=settings.max_deliver + 1,
        max_ack_pending=settings.max_ack_pending,
        deliver_policy=deliver,
    )
    try:
        info = await js.consumer_info(stream, name)
    except NotFoundError:
        try:
            await js.add_consumer(stream, config)
        except Exception:  # another worker created it meanwhile
            await js.consumer_info(stream, name)
        return stream, name
    have = info.config
    if (have.ack_wait, have.max_deliver, have.max_ack_pending) != (
        config.ack_wait,
        config.max_deliver,
        config.max_ack_pending,
    ):
        config.deliver_policy = have.deliver_policy  # cannot change once made
        await js.add_consumer(stream, config)  # an update of an existing durable
    return stream, name


class _Runner:
    def __init__(
        self,
        link: NatsLink,
        stage: str,
        *,
        concurrency: int,
        stop: threading.Event,
        handle: Callable[[dict[str, Any]], Result] | None,
        wake: Callable[[], object] | None,
        after: Callable[[], object] | None,
        idle_every: float,
    ) -> None:
        self.link = link
        self.stage = stage
        self.concurrency = max(1, concurrency)
        self.stop = stop
        self.handle = handle
        self.wake = wake
        self.after = after
        self.idle_every = idle_every
        self.stats = WorkerStats(stage)
        self.pool = ThreadPoolExecutor(self.concurrency + 1, thread_name_prefix=f"w-{stage}")
        self._last_idle = 0.0

    async def run(self) -> None:
        stream, durable = await ensure_consumer(self.link, self.stage)
        js = await self.link.js()
        sub = await js.pull_subscribe_bind(durable=durable, stream=stream)
        if self.stage in EVENT_STAGES:
            await self._events(sub)
        else:
            await asyncio.gather(*(self._slot(sub) for _ in range(self.concurrency)))

    async def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, func, *args)

    async def _fetch(self, sub: Any, batch: int) -> list[Any]:
        from nats.errors import TimeoutError as NatsTimeout

        try:
            return list(await sub.fetch(batch, timeout=1.0))
        except (NatsTimeout, TimeoutError):
            return []

    async def _idle(self, force: bool = False) -> None:
        if self.after is None:
            return
        now = time.monotonic()
        if force or now - self._last_idle >= self.idle_every:
            self._last_idle = now
            try:
                await self._call(self.after)
            except Exception as exc:  # the next round tries again
                log.warning("%s worker: %r", self.stage, exc)

    # ------------------------------------------------------------------ job stages

    async def _slot(self, sub: Any) -> None:
        while not self.stop.is_set():
            msgs = await self._fetch(sub, _BATCH)
            # while this worker lives and holds a job, it tells the server so: a job is
            # redelivered when its worker died, not because a loaded machine was slow
            beats = [asyncio.ensure_future(self._heartbeat(msg)) for msg in msgs]
            try:
                for msg, beat in zip(msgs, beats, strict=True):
                    try:
                        await self._one(msg)
                    finally:
                        beat.cancel()
            finally:
                for beat in beats:
                    beat.cancel()
            await self._idle(force=bool(msgs) and self.stage in ("store", "enrich"))

    async def _one(self, msg: Any) -> None:
        assert self.handle is not None
        tries = msg.metadata.num_delivered
        limit = self.link.settings.max_deliver
        if tries > limit:
            await self._dead(msg, f"not done after {limit} deliveries (its workers died)", tries)
            return
        try:
            job = read_job(msg.data)
            result: Result = await self._call(self.handle, job)
            for item in result.jobs:
                await self._publish(item)
            if result.then is not None:
                await self._call(result.then)
        except JobError as exc:
            await self._dead(msg, str(exc), tries)
            return
        except Exception as exc:
            error = str(exc) or repr(exc)
            self.stats.failed += 1
            self.stats.errors.append(error)
            if tries >= limit:
                await self._dead(msg, error, tries)
            else:
                await msg.nak(delay=min(30.0, 0.5 * 2 ** (tries - 1)))
            return
        await msg.ack_sync(timeout=10)
        self.stats.done += 1

    async def _heartbeat(self, msg: Any) -> None:
        every = max(0.2, self.link.settings.ack_wait / 3)
        while True:
            await asyncio.sleep(every)
            try:
                await msg.in_progress()
            except Exception as exc:  # the connection is back soon, or the job comes back
                log.debug("in-progress signal failed: %r", exc)

    async def _publish(self, item: Outgoing) -> None:
        js = await self.link.js()
        payload = json.dumps(item.payload, separators=(",", ":")).encode()
        ack = await js.publish(
            f"{self.link.prefix}.jobs.{item.stage}",
            payload,
            timeout=10,
            headers={"Nats-Msg-Id": item.msg_id},
        )
        if not ack.duplicate:
            self.stats.published += 1

    async def _dead(self, msg: Any, error: str, tries: int) -> None:
        js = await self.link.js()
        record = {
            "stage": self.stage,
            "error": error[:2000],
            "deliveries": tries,
            "subject": msg.subject,
            "stream_seq": msg.metadata.sequence.stream,
            "at": datetime.now(UTC).isoformat(),
            "job": msg.data[:65536].decode("utf-8", "replace"),
        }
        await js.publish(
            f"{self.link.prefix}.dead.{self.stage}",
            json.dumps(record).encode(),
            timeout=10,
            headers={"Nats-Msg-Id": f"dead-{self.stage}-{msg.metadata.sequence.stream}"},
        )
        await msg.term()
        self.stats.dead += 1
        self.stats.errors.append(error)
        log.warning("%s job dead-lettered: %s", self.stage, error)

    # ------------------------------------------------------------------ event stages

    async def _events(self, sub: Any) -> None:
        assert self.wake is not None
        await self._catch_up()
        while not self.stop.is_set():
            msgs = await self._fetch(sub, 256)
            if not msgs:
                if time.monotonic() - self._last_idle >= self.idle_every:
                    await self._catch_up()  # clock-driven work; writes nobody announced
                continue
            if not await self._catch_up():
                for msg in msgs:  # try again shortly (another worker holds the index)
                    await msg.nak(delay=1.0)
                continue
            for msg in msgs:
                await msg.ack()
            self.stats.done += len(msgs)

    async def _catch_up(self) -> bool:
        assert self.wake is not None
        self._last_idle = time.monotonic()
        try:
            await self._call(self.wake)
        except Exception as exc:
            self.stats.failed += 1
            self.stats.errors.append(str(exc) or repr(exc))
            log.warning("%s worker: %r", self.stage, exc)
            return False
        return True

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def run_stage(
    settings: WireSettings,
    stage: str,
    *,
    stop: threading.Event,
    concurrency: int = 1,
    handle: Callable[[dict[str, Any]], Result] | None = None,
    wake: Callable[[], object] | None = None,
    after: Callable[[], object] | None = None,
    idle_every: float = 1.0,
    link: NatsLink | None = None,
) -> WorkerStats:
    """Consume ``stage`` until ``stop`` is set. Job stages pass ``handle`` (one job → the
    next jobs); event stages pass ``wake`` (catch up from the store). ``after`` runs after a
    batch and when idle (the change publisher)."""
    if stage not in STAGES:
        raise WireError(f"unknown stage {stage!r} (one of {', '.join(STAGES)})")
    own = link is None
    link = link or NatsLink(settings, name=f"broadsheet-worker-{stage}")
    runner = _Runner(
        link,
        stage,
        concurrency=concurrency,
        stop=stop,
        handle=handle,
        wake=wake,
        after=after,
        idle_every=idle_every,
    )
    try:
        future = asyncio.run_coroutine_threadsafe(runner.run(), link.loop)
        while not future.done():
            try:
                future.result(0.5)
            except TimeoutError:
                continue
        future.result()
    finally:
        runner.close()
        if own:
            link.close()
    return runner.stats
