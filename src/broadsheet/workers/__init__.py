"""The pipeline's stages as workers over NATS JetStream (``broadsheet worker STAGE``).

    fetch    polls a source / fetches a URL or an entry's page      → extract jobs
    extract  reads the article out of a fetched document            → store jobs
    store    saves it (idempotent by URL and guid)                  → enrich jobs, events
    enrich   annotates a stored story                               → events
    index    keeps the search index caught up (on article events)
    alerts   percolates saved searches, delivers webhooks, publishes alert.fired

``run_worker`` wires one stage to the parts it needs; ``runner`` consumes the stage's
durable JetStream consumer; ``stages`` holds what each job stage does; ``jobs`` the jobs'
JSON forms. See docs/wire.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .jobs import JOB_STAGES, JobError, Outgoing, Result, job_id
from .runner import EVENT_STAGES, STAGES, ChangePublisher, WorkerStats, run_stage
from .status import read_status

if TYPE_CHECKING:
    from ..config import Settings
    from ..pipeline import Pipeline
    from ..search import IndexFollower
    from ..store import Store
    from ..wire import Bus

__all__ = [
    "EVENT_STAGES",
    "JOB_STAGES",
    "STAGES",
    "ChangePublisher",
    "JobError",
    "Result",
    "WorkerStats",
    "publish_fetch_jobs",
    "read_status",
    "run_worker",
]


def _nats_bus(bus: Bus) -> Any:
    from ..wire.nats import NatsBus

    if not isinstance(bus, NatsBus):
        raise ConfigError("workers need wire.url = nats://... (BROADSHEET_WIRE__URL)")
    return bus


def run_worker(
    stage: str,
    *,
    settings: Settings,
    store: Store,
    bus: Bus,
    pipeline: Callable[[], Pipeline],
    follower: Callable[[], IndexFollower],
    enrich: bool,
    concurrency: int,
    stop: threading.Event,
) -> WorkerStats:
    """Run ``stage`` until ``stop`` is set (see the module). ``pipeline`` and ``follower``
    are called only by the stages that need them (an index is opened by those only)."""
    nats_bus = _nats_bus(bus)
    link = nats_bus.link
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (one of {', '.join(STAGES)})")
    if stage in JOB_STAGES:
        from .stages import Stages, make_stage

        link.run(link.js())  # connect now: the largest message the server takes
        max_payload = link.max_payload
        stages = Stages(pipeline(), enrich=enrich, max_payload=max_payload)
        publisher = ChangePublisher(store, nats_bus)
        return run_stage(
            settings.wire,
            stage,
            stop=stop,
            concurrency=concurrency,
            handle=make_stage(stages, stage),
            after=publisher.catch_up,
            link=link,
        )
    if stage == "index":
        index = follower()

        def catch_up_index() -> int:
            index.become_continuous()  # a standby takes over when the keeper dies
            return index.catch_up()

        return run_stage(
            settings.wire, stage, stop=stop, wake=catch_up_index, idle_every=1.0, link=link
        )
    from ..alerts import AlertFollower, WebhookWorker

    alerts = settings.alerts
    webhooks = WebhookWorker(store, settings.fetch, alerts).start()
    percolator = AlertFollower(
        store, nats_bus, enrich_wait=alerts.enrich_wait, on_fired=lambda _f: webhooks.poke()
    )
    try:
        return run_stage(
            settings.wire, stage, stop=stop, wake=percolator.catch_up, idle_every=1.0, link=link
        )
    finally:
        webhooks.stop()


def publish_fetch_jobs(
    bus: Bus, store: Store, urls: Iterable[str] = (), *, force: bool = False
) -> tuple[int, int]:
    """Fetch jobs for the fetch workers: one per URL given (taken in once), else one per due
    source (every unpaused one with ``force``). A due source published again before a worker
    polled it is a repeat the server drops. Returns (published, repeats)."""
    import json

    link = _nats_bus(bus).link
    now = datetime.now(UTC)
    jobs: list[Outgoing] = []
    urls = list(urls)
    for url in urls:
        jobs.append(
            Outgoing("fetch", {"kind": "url", "url": url}, job_id("url", url, time.time_ns()))
        )
    if not urls:
        sources = (
            [s for s in store.list_sources() if not s.paused] if force else store.due_sources(now)
        )
        for source in sources:
            when = time.time_ns() if force else source.next_poll_at
            jobs.append(
                Outgoing(
                    "fetch",
                    {"kind": "source", "source_id": source.id},
                    job_id("source", source.id, when),
                )
            )
    fresh = repeats = 0
    for job in jobs:
        payload = json.dumps(job.payload, separators=(",", ":")).encode()
        if link.publish(f"{link.prefix}.jobs.fetch", payload, msg_id=job.msg_id):
            fresh += 1
        else:
            repeats += 1
    return fresh, repeats
