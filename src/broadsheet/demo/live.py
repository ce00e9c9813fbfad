"""The demo wire, live: what `make demo` opens the terminal on.

The simulated wire (``DemoWireServer``) serves a historical period on loopback. Here its
replay clock moves while the terminal is open: the first part of the period is published at
once (and taken in when the demo subscribes), then one more story goes out every ``pace``
seconds, and the demo polls the wire through the real pipeline (``svc.poll``: fetch,
extract, enrich, store, index). Stories therefore reach the terminal's screens, and fire its
alerts, the way a real feed's would: through the store's change log and the service's bus.

``LiveDemo`` is a terminal ``Feed`` (``start``/``stop``/``describe``); ``step`` publishes
the next story and polls, for tests and scripted sessions that want each step on cue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from ..config import Settings
from .newswire import SIMULATED_NOTICE, WireStory, generate_wire
from .run import DEMO_MARK, clear_demo_archive, demo_settings
from .server import DemoWireServer

if TYPE_CHECKING:
    from ..service import Service

__all__ = ["LiveDemo"]

log = logging.getLogger(__name__)


class LiveDemo:
    """The simulated wire publishing while the terminal runs (see the module's docstring)."""

    def __init__(
        self,
        settings: Settings,
        *,
        start: date = date(2008, 1, 1),
        end: date = date(2008, 12, 31),
        seed: int = 7,
        max_events: int | None = 40,
        head_start: float = 0.5,
        pace: float | None = 8.0,
        fresh: bool = True,
    ) -> None:
        self.stories: list[WireStory] = generate_wire(start, end, seed=seed, max_events=max_events)
        if not self.stories:
            raise ValueError(f"the wire has no stories between {start} and {end}")
        home = settings.home
        if fresh:
            clear_demo_archive(home)
        home.mkdir(parents=True, exist_ok=True)
        (home / DEMO_MARK).write_text(SIMULATED_NOTICE + "\n", "utf-8")
        self.settings = demo_settings(settings, home)
        self.pace = pace
        self.head = max(1, min(len(self.stories), round(len(self.stories) * head_start)))
        self.published = 0
        self.wire = DemoWireServer(self.stories)
        self._svc: Service | None = None
        self._ready = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = "starting"
        self.errors: list[str] = []
        self.wire.start()

    # ------------------------------------------------------------------ steps

    def attach(self, svc: Service) -> None:
        """Use ``svc`` (opened on ``self.settings``) to take the wire in."""
        self._svc = svc

    def setup(self, say: Callable[[str], None] | None = None) -> int:
        """Publish the first part of the period and subscribe to the outlets (their stories
        are taken in at once); returns the stories stored."""
        svc = self._need_service()
        with self._lock:
            if self._ready:
                return svc.store.count_articles()
            self._state = "loading prices"
            svc.ensure_prices()
            self._publish_to(self.head)
            self._state = "subscribing"
            for url in self.wire.feed_urls():
                for view in svc.subscribe(url):
                    if say is not None:
                        say(f"subscribed to {view.source.title} ({view.source.url})")
            self._ready = True
            self._state = "live"
            return svc.store.count_articles()

    def step(self) -> int:
        """Publish the next story and poll the wire; returns the stories the poll stored."""
        svc = self._need_service()
        with self._lock:
            if self.published >= len(self.stories):
                self._state = "replay finished"
                return 0
            self._publish_to(self.published + 1)
            report = svc.poll(force=True)
            if report.failed:
                self.errors += [f"{o.url}: {o.error}" for o in report.failed]
            return report.new

    def upcoming(self) -> WireStory | None:
        """The story the next step publishes."""
        return self.stories[self.published] if self.published < len(self.stories) else None

    def _publish_to(self, count: int) -> None:
        self.published = count
        self.wire.advance_to(self.stories[count - 1].published_at)

    def _need_service(self) -> Service:
        if self._svc is None:
            raise RuntimeError("LiveDemo.attach(svc) first")
        return self._svc

    # ------------------------------------------------------------------ the terminal's Feed

    def start(self) -> None:
        """Set up (unless done) and keep publishing every ``pace`` seconds, in a thread."""
        if self._ready and self.pace is None:
            return
        self._thread = threading.Thread(target=self._run, name="demo-wire", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.setup()
            while self.pace is not None and not self._stop.wait(self.pace):
                if self.upcoming() is None:
                    self._state = "replay finished"
                    return
                self.step()
        except Exception as exc:  # the terminal keeps showing what arrived
            log.exception("the demo wire stopped")
            self._state = "stopped"
            self.errors.append(str(exc))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def close(self) -> None:
        self.stop()
        self.wire.stop()

    def describe(self) -> str:
        total = len(self.stories)
        if self.published == 0:
            return f"DEMO · {self._state}"
        clock = self.stories[self.published - 1].published_at
        text = f"DEMO {clock:%Y-%m-%d %H:%M} · {self.published}/{total} published"
        if self._state != "live":
            text += f" · {self._state}"
        return text + " · SIMULATED"
