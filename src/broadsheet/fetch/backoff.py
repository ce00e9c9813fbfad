"""When to try again: retry backoff inside one fetch, and the poll schedule of a source."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["next_poll_delay", "parse_retry_after", "retry_backoff"]

_MAX_EXPONENT = 62


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    with contextlib.suppress(ValueError):  # not a number: try an HTTP-date below
        seconds = float(value)
        return max(seconds, 0.0) if seconds == seconds else None  # NaN is not a delay
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((when - current).total_seconds(), 0.0)


def retry_backoff(attempt: int, base: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff for retry number ``attempt`` (0-based)."""
    return rng.uniform(0.0, base * 2.0 ** min(attempt, _MAX_EXPONENT))


def next_poll_delay(
    error_count: int,
    *,
    interval: float,
    cap: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds until a source should be polled again.

    A healthy source (``error_count == 0``) is polled every ``interval`` seconds, jittered by
    ±10% so sources added together drift apart. A failing one waits ``interval * 2**(n-1)``
    (also ±10%) after its n-th consecutive failure, never more than ``cap``; a server's
    ``retry_after`` is always honoured, even beyond the cap.
    """
    rng = rng or random.Random()
    jitter = rng.uniform(0.9, 1.1)
    if error_count <= 0:
        delay = interval * jitter
    else:
        exponent = min(error_count - 1, _MAX_EXPONENT)
        delay = min(cap, interval * 2.0**exponent * jitter)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return max(delay, 0.0)
