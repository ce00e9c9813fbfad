"""What keeps stories coming while the terminal is open, and how the status bar names it.

A ``Feed`` is started when the app opens and stopped when it closes; ``describe`` is the
wire's state for the status bar. ``ArchivePoller`` polls the user's due sources (as
``broadsheet poll --watch`` does); the demo brings its own feed (the simulated wire
replaying live). Stories reach the screens the same way in both cases: stored by the
pipeline, then published as events on the service's bus.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from .text import when

if TYPE_CHECKING:
    from ..service import PollReport, Service

__all__ = ["ArchivePoller", "Feed"]


class Feed(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def describe(self) -> str:
        """The wire's state in a few words: ``LIVE · 12 sources · polled 14:02``."""


class ArchivePoller:
    """Polls the archive's due sources in a background thread while the app runs."""

    def __init__(self, svc: Service, *, tick: float = 5.0) -> None:
        self._svc = svc
        self._tick = tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: datetime | None = None
        self._failed = 0
        self._sources = 0
        self._error: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tui-poller", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._svc.watch(stop=self._stop, tick=self._tick, on_cycle=self._cycle)
        except Exception as exc:  # the screens keep working on what is stored
            self._error = str(exc)

    def _cycle(self, report: PollReport) -> None:
        self._last = datetime.now(UTC)
        self._failed = len(report.failed)
        self._sources = len(report.outcomes)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def describe(self) -> str:
        if self._error:
            return "POLLING STOPPED"
        if self._last is None:
            return "LIVE"
        text = f"LIVE · polled {when(self._last)[11:]}"
        if self._failed:
            text += f" · {self._failed} failing"
        return text
