"""The wire: typed events read from the store's change log, a bus that carries them, and
followers that keep derived data (the search index, alerts) caught up with the log.

In one process the bus is ``InProcessBus``; across processes the same events travel over a
message stream (NATS JetStream) behind the same ``Bus`` contract.
"""

from __future__ import annotations

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
]
