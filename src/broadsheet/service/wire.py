"""The wire across processes: stage workers, feeding them, and what the streams hold."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from .base import ServiceBase

__all__ = ["WirePublished", "WireStatus", "WireTasks"]


@dataclass(frozen=True, slots=True)
class WireStatus:
    """Streams, the stages' consumers (pending, in flight, redelivered) and dead letters."""

    data: dict[str, Any]

    @property
    def streams(self) -> list[dict[str, Any]]:
        return list(self.data["streams"])

    @property
    def consumers(self) -> list[dict[str, Any]]:
        return list(self.data["consumers"])

    @property
    def dead_letters(self) -> int:
        return int(self.data["dead_letters"])

    @property
    def dead(self) -> list[dict[str, Any]]:
        return list(self.data["dead"])

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)


@dataclass(frozen=True, slots=True)
class WirePublished:
    """Fetch jobs handed to the fetch workers (``repeats``: already waiting, dropped)."""

    published: int
    repeats: int

    def to_json(self) -> dict[str, int]:
        return {"published": self.published, "repeats": self.repeats}


class WireTasks(ServiceBase):
    def _require_wire(self) -> None:
        if not self.settings.wire.url:
            raise ConfigError(
                "the stage workers run over NATS JetStream: set wire.url "
                "(BROADSHEET_WIRE__URL=nats://127.0.0.1:4222)"
            )

    def run_worker(
        self, stage: str, *, stop: threading.Event, concurrency: int = 1
    ) -> dict[str, Any]:
        """Run one stage as a durable JetStream consumer until ``stop`` is set; returns what
        it did (``WorkerStats.to_json``)."""
        from ..workers import run_worker

        self._require_wire()
        stats = run_worker(
            stage,
            settings=self.settings,
            store=self.store,
            bus=self.bus,
            pipeline=lambda: self.pipeline,
            follower=lambda: self.follower,
            enrich=self.enrich,
            concurrency=concurrency,
            stop=stop,
        )
        return stats.to_json()

    def wire_publish(self, urls: Sequence[str] = (), *, force: bool = False) -> WirePublished:
        """Fetch jobs: each URL taken in once, or every due source (all with ``force``)."""
        from ..workers import publish_fetch_jobs

        self._require_wire()
        fresh, repeats = publish_fetch_jobs(self.bus, self.store, urls, force=force)
        return WirePublished(fresh, repeats)

    def wire_status(self, *, dead: int = 20) -> WireStatus:
        """What the streams hold, the stages' consumers, and the latest dead letters."""
        from ..wire.nats import NatsBus
        from ..workers import read_status

        self._require_wire()
        assert isinstance(self.bus, NatsBus)
        return WireStatus(read_status(self.bus.link, dead=dead))
