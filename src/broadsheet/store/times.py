"""How the store writes time: integer microseconds since the epoch, UTC.

A naive ``datetime`` is taken as UTC; datetimes come back timezone-aware (UTC). Article ids
are first-seen milliseconds times ``IDS_PER_MS`` plus a counter, so ids sort like
``first_seen_at`` and a date range is an id range.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

__all__ = [
    "IDS_PER_MS",
    "article_day",
    "article_id_at",
    "day",
    "from_us",
    "iso",
    "now_us",
    "opt_dt",
    "opt_us",
    "parse_iso",
    "to_us",
]

IDS_PER_MS = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(dt: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC."""
    aware = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt
    return (aware - _EPOCH) // timedelta(microseconds=1)


def from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def now_us() -> int:
    return to_us(datetime.now(UTC))


def opt_us(dt: datetime | None) -> int | None:
    return None if dt is None else to_us(dt)


def opt_dt(us: int | None) -> datetime | None:
    return None if us is None else from_us(us)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 exactly as given (offset kept, or none for a naive datetime)."""
    return None if dt is None else dt.isoformat()


def parse_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def day(value: date | datetime | str | None) -> str | None:
    """YYYY-MM-DD of a date, a datetime or an ISO string."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value[:10]


def article_id_at(moment: datetime) -> int:
    """The smallest article id first seen at or after ``moment`` (ids follow first_seen_at)."""
    return (to_us(moment) // 1000) * IDS_PER_MS


def article_day(published_at: str | None, first_seen_us: int) -> str:
    """An article's date: as published (in its own offset), else when first seen (UTC)."""
    if published_at:
        return published_at[:10]
    return from_us(first_seen_us).date().isoformat()
