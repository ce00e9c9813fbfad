"""Subscriptions: add, list, pause, resume, remove, OPML in and out, and polling."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..models import Source
from ..pipeline import PollOutcome
from .base import ServiceBase
from .views import SourceView

__all__ = ["OpmlImport", "PollReport", "SourceTasks"]


@dataclass(frozen=True, slots=True)
class OpmlImport:
    added: int
    existing: int

    def to_json(self) -> dict[str, int]:
        return {"added": self.added, "existing": self.existing}


@dataclass(frozen=True, slots=True)
class PollReport:
    """One round of polling: what each source answered."""

    outcomes: list[PollOutcome]

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def failed(self) -> list[PollOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    @property
    def unchanged(self) -> int:
        return sum(o.status == "not-modified" for o in self.outcomes)

    def to_json(self) -> dict[str, object]:
        return {
            "sources": len(self.outcomes),
            "new": self.new,
            "unchanged": self.unchanged,
            "failed": len(self.failed),
            "outcomes": [
                {
                    "source_id": o.source_id,
                    "url": o.url,
                    "status": o.status,
                    "new": o.new,
                    "seen": o.seen,
                    "failed": o.failed,
                    "error": o.error,
                }
                for o in self.outcomes
            ],
        }


class SourceTasks(ServiceBase):
    def subscribe(self, url: str, *, title: str | None = None) -> list[SourceView]:
        """Subscribe to a feed, a page's advertised feeds, or a single page; new stories are
        taken in at once."""
        from ..pipeline import add_source

        return [SourceView(s) for s in add_source(self.pipeline, url, title=title)]

    def sources(self) -> list[SourceView]:
        return [SourceView(s) for s in self.store.list_sources()]

    def source(self, source_id: int) -> SourceView:
        return SourceView(self.store.get_source(source_id))

    def pause_source(self, source_id: int) -> SourceView:
        self.store.get_source(source_id)
        return SourceView(self.store.update_source(source_id, paused=True))

    def resume_source(self, source_id: int) -> SourceView:
        self.store.get_source(source_id)
        return SourceView(self.store.update_source(source_id, paused=False, next_poll_at=None))

    def remove_source(self, source_id: int) -> SourceView:
        """Unsubscribe (stories already stored stay)."""
        gone = self.store.get_source(source_id)
        self.store.remove_source(source_id)
        return SourceView(gone)

    def import_opml(self, data: bytes) -> OpmlImport:
        """Subscribe to every feed of an OPML document (polled at the next poll)."""
        from ..sources import read_opml

        added = existing = 0
        for outline in read_opml(data):
            if self.store.find_source(outline.url) is not None:
                existing += 1
                continue
            self.store.add_source(outline.url, "feed", outline.title)
            added += 1
        return OpmlImport(added, existing)

    def export_opml(self) -> str:
        from ..sources import write_opml

        feeds: list[Source] = [s for s in self.store.list_sources() if s.kind == "feed"]
        return write_opml(feeds)

    def poll(
        self,
        *,
        force: bool = False,
        progress: Callable[[int, int, PollOutcome], None] | None = None,
    ) -> PollReport:
        """Poll every due source once (every unpaused one with ``force``)."""
        from ..pipeline import poll_due

        return PollReport(poll_due(self.pipeline, force=force, progress=progress))

    def watch(
        self,
        *,
        stop: threading.Event,
        tick: float = 5.0,
        on_cycle: Callable[[PollReport], None] | None = None,
    ) -> None:
        """Keep polling due sources until ``stop`` is set; this process follows the store
        meanwhile (the index and live events stay current for every process)."""
        from ..pipeline import watch as watch_loop

        self.start_following()

        def cycle(outcomes: list[PollOutcome]) -> None:
            if on_cycle is not None:
                on_cycle(PollReport(outcomes))

        watch_loop(self.pipeline, stop=stop, tick=tick, on_cycle=cycle)
