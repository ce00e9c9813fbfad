"""Typed events: what happened in the archive, in the order the store's change log says.

Every event carries the change-log position (``seq``) it was read from, so a consumer that
reconnects can ask for what came after the last event it saw. Each has one JSON form
(``to_json``/``event_from_json``) for the live stream, the web and message brokers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, ClassVar, Protocol

__all__ = [
    "EVENT_TYPES",
    "AlertFired",
    "ArticleDeleted",
    "ArticleStored",
    "ArticleUpdated",
    "ChangeLike",
    "Event",
    "SourceFailed",
    "SourceRecovered",
    "event_from_change",
    "event_from_json",
]


class ChangeLike(Protocol):
    """One row of the store's change log (``broadsheet.store.Change``)."""

    @property
    def seq(self) -> int: ...
    @property
    def article_id(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def source_id(self) -> int | None: ...
    @property
    def at(self) -> datetime | None: ...
    @property
    def detail(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event: its position in the change log and when it was written."""

    type: ClassVar[str] = "event"
    seq: int
    at: datetime | None

    def to_json(self) -> dict[str, Any]:
        # every field is a scalar: read them directly (``asdict`` deep-copies, and was a
        # tenth of the live stream's time at a thousand alerts a second)
        data: dict[str, Any] = {"type": self.type}
        for spec in fields(self):
            value = getattr(self, spec.name)
            data[spec.name] = value.isoformat() if isinstance(value, datetime) else value
        return data


@dataclass(frozen=True, slots=True)
class ArticleStored(Event):
    """A story was stored for the first time."""

    type: ClassVar[str] = "article.stored"
    article_id: int
    source_id: int | None


@dataclass(frozen=True, slots=True)
class ArticleUpdated(Event):
    """A stored story changed: a new version of its text ("version"), its annotations
    ("annotations"), or the cluster it belongs to ("story")."""

    type: ClassVar[str] = "article.updated"
    article_id: int
    source_id: int | None
    what: str


@dataclass(frozen=True, slots=True)
class ArticleDeleted(Event):
    type: ClassVar[str] = "article.deleted"
    article_id: int


@dataclass(frozen=True, slots=True)
class SourceFailed(Event):
    """A poll of a source failed; ``error`` says why (text from outside: data, not markup)."""

    type: ClassVar[str] = "source.failed"
    source_id: int
    error: str


@dataclass(frozen=True, slots=True)
class SourceRecovered(Event):
    """A source that had failed answered again."""

    type: ClassVar[str] = "source.recovered"
    source_id: int


@dataclass(frozen=True, slots=True)
class AlertFired(Event):
    """A saved search (``alert_id``, ``name``, of user ``owner``) fired for a story: one inbox
    item (``item_id``) was created. ``seq`` is the change-log position of the change that
    fired it, ``at`` when it fired, ``stored_at`` when the story was stored. Published once
    per item on the bus of each following process; consumers that reconnect can tell a
    repeat by ``item_id``. Carries an owner: forward it only to that user."""

    type: ClassVar[str] = "alert.fired"
    alert_id: int
    owner: str
    name: str
    article_id: int
    story_id: int | None
    headline: str | None
    stored_at: datetime
    item_id: int


_DATE_FIELDS = ("at", "stored_at")

EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        ArticleStored,
        ArticleUpdated,
        ArticleDeleted,
        SourceFailed,
        SourceRecovered,
        AlertFired,
    )
}

_UPDATES = {"updated": "version", "annotated": "annotations", "story": "story"}


def event_from_change(change: ChangeLike) -> Event | None:
    """The event a change-log row records (None for a row of an unknown kind)."""
    seq, at = change.seq, change.at
    if change.article_id is not None:
        if change.kind == "stored":
            return ArticleStored(seq, at, change.article_id, change.source_id)
        if change.kind in _UPDATES:
            return ArticleUpdated(
                seq, at, change.article_id, change.source_id, _UPDATES[change.kind]
            )
        if change.kind == "deleted":
            return ArticleDeleted(seq, at, change.article_id)
    elif change.source_id is not None:
        if change.kind == "source_failed":
            return SourceFailed(seq, at, change.source_id, change.detail or "")
        if change.kind == "source_recovered":
            return SourceRecovered(seq, at, change.source_id)
    return None


def event_from_json(data: dict[str, Any]) -> Event:
    """The event ``to_json`` wrote; ``ValueError`` for an unknown type or missing field."""
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise ValueError(f"unknown event type {data.get('type')!r}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            raise ValueError(f"event {cls.type} lacks {f.name!r}")
        values[f.name] = data[f.name]
    for key in _DATE_FIELDS:
        if values.get(key) is not None:
            values[key] = datetime.fromisoformat(values[key])
    return cls(**values)
