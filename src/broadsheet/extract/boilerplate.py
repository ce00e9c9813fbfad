"""Boilerplate lines that survive body extraction, as data.

:data:`BOILERPLATE` is the ONE table of such knowledge: ``(site, pattern)`` rows, sorted,
where ``site`` is a host name suffix (``""`` = every site) and ``pattern`` a regular
expression that must match the WHOLE paragraph (case-insensitive). Add a row here instead
of writing ``if site == ...`` in code; keep the table sorted (a test checks it).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["BOILERPLATE", "RELATED_MARKER", "is_boilerplate", "is_related_marker"]

# A line announcing a block of links to other stories: the short lines after it go too.
RELATED_MARKER = re.compile(
    r"(?:you (?:may|might)|we think you(?:'|’)ll) (?:also )?(?:like|enjoy)\W*"
    r"|(?:related|more|recommended|popular|trending|latest)"
    r"(?: (?:coverage|stories|articles|reading|news|posts|videos|from [\w .’'-]{1,40}))?\W*"
    r"|(?:read|see|watch) (?:more|also|next)\W*",
    re.IGNORECASE,
)

BOILERPLATE: tuple[tuple[str, str], ...] = (
    ("", r"(?:\W*)advertisement(?:\W*)"),
    ("", r"(?:click|tap) here to .{0,80}"),
    ("", r"(?:follow|like) us on .{0,80}"),
    ("", r"(?:read|see) (?:more|also|next)\s*:.{0,160}"),
    (
        "",
        r"(?:related|more|recommended)(?: (?:coverage|stories|articles|reading))?(?:\s*:.{0,120})?",
    ),
    ("", r"(?:share|email|print|tweet)(?: (?:this|the) (?:article|story|page))?"),
    ("", r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|get|receive) .{0,160}"),
    ("", r"(?:you (?:may|might)|we think you(?:'|’)ll) (?:also )?(?:like|enjoy)\W*"),
    ("", r"(?:©|copyright\s*(?:©|\(c\)|\d{4})).{0,120}"),
    ("", r".{0,120}\bsubscribe to .{0,60}newsletters?\W*"),
    ("", r".{0,120}all rights reserved\.?"),
    ("", r".{0,160}\bclick(?:ing)? here\b.{0,100}"),
    ("", r"\[\w+[^\]]*\].{0,200}\[/\w+\]"),
    ("", r"\d*\s*comments?"),
    ("", r"continue reading(?: the main story)?\.?"),
    ("", r"have a tip\?.{0,200}"),
    ("", r"originally published (?:on|by|in|at) .{1,80}"),
    ("", r"supported by"),
    ("", r"tell us what you think\W*"),
    ("", r"this (?:article|story) (?:was|has been) (?:updated|corrected)\.?"),
    ("", r"we use cookies.{0,200}"),
    ("foxbusiness.com", r"(?-i:[^a-z]{12,})"),
    ("foxnews.com", r"(?-i:[^a-z]{12,})"),
)


@lru_cache(maxsize=256)
def _patterns_for(site: str | None) -> re.Pattern[str]:
    rows = [
        pattern
        for host, pattern in BOILERPLATE
        if not host or (site is not None and (site == host or site.endswith("." + host)))
    ]
    return re.compile("|".join(f"(?:{p})" for p in rows), re.IGNORECASE | re.DOTALL)


def is_boilerplate(text: str, site: str | None = None) -> bool:
    """True when the whole paragraph is a known boilerplate line (for ``site`` or any site)."""
    stripped = text.strip()
    if len(stripped) > 240:
        return False
    return _patterns_for(site).fullmatch(stripped) is not None


def is_related_marker(text: str) -> bool:
    """True for a "You may also like" / "Related stories" line heading a block of links."""
    stripped = text.strip()
    return len(stripped) < 60 and RELATED_MARKER.fullmatch(stripped) is not None
