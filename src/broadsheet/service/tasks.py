"""``Service``: every user task over one archive, built from the task mixins (the
package's docstring tells the whole story; ``broadsheet.service`` imports this on first use
of ``Service`` or ``open_service``)."""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..wire import Bus
from .accounts import AccountTasks
from .alerts import AlertTasks
from .archive import ArchiveTasks
from .batch import BatchTasks
from .live import LiveTasks
from .markets import MarketTasks
from .sources import SourceTasks
from .wire import WireTasks

__all__ = ["Service", "open_service"]


class Service(
    ArchiveTasks,
    SourceTasks,
    MarketTasks,
    AlertTasks,
    BatchTasks,
    AccountTasks,
    LiveTasks,
    WireTasks,
):
    """Every user task over one archive (see the module's docstring)."""

    def __enter__(self) -> Service:
        return self


def open_service(
    settings: Settings,
    *,
    enrich: bool | None = None,
    follow: bool = False,
    bus: Bus | None = None,
    enricher: Any = None,
) -> Service:
    """The service over the archive the settings name. ``follow``: this process keeps the
    index caught up and publishes live events while it runs (servers, watchers, terminals)."""
    return Service(settings, enrich=enrich, follow=follow, bus=bus, enricher=enricher)
