"""The only code in Broadsheet that speaks HTTP.

``Fetcher`` makes guarded, capped, polite GETs; ``check_url`` is the guard's static check;
``next_poll_delay`` schedules a source's next poll.
"""

from __future__ import annotations

from .backoff import next_poll_delay, parse_retry_after
from .client import Fetcher
from .guard import check_url, default_resolver, forbidden_reason

__all__ = [
    "Fetcher",
    "check_url",
    "default_resolver",
    "forbidden_reason",
    "next_poll_delay",
    "parse_retry_after",
]
