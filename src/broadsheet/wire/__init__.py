"""The wire: typed events read from the store's change log, a bus that carries them, and
followers that keep derived data (the search index, alerts) caught up with the log.

In one process the bus is ``InProcessBus``; across processes the same events travel over a
message stream (NATS JetStream) behind the same ``Bus`` contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bus import Bus, InProcessBus, Subscription
from .events import (
    EVENT_TYPES,
    AlertFired,
    ArticleDeleted,
    ArticleStored,
    ArticleUpdated,
    Event,
    SourceFailed,
    SourceRecovered,
    event_from_change,
    event_from_json,
)
from .follow import ChangeFeed, ChangeSource, Follower, FollowLoop

if TYPE_CHECKING:
    from ..config import WireSettings

__all__ = [
    "EVENT_TYPES",
    "AlertFired",
    "ArticleDeleted",
    "ArticleStored",
    "ArticleUpdated",
    "Bus",
    "ChangeFeed",
    "ChangeSource",
    "Event",
    "FollowLoop",
    "Follower",
    "InProcessBus",
    "SourceFailed",
    "SourceRecovered",
    "Subscription",
    "event_from_change",
    "event_from_json",
    "open_bus",
]


def open_bus(settings: WireSettings) -> Bus:
    """The bus ``wire.url`` names: in-process when unset, else NATS JetStream (connecting on
    first use)."""
    if not settings.url:
        return InProcessBus()
    from .nats import NatsBus

    return NatsBus(settings)
