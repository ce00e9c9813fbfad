"""Dates of a page: a declared date string read (:func:`parse_date`), the publication dates
the page declares (JSON-LD, ``<meta>``, ``<time>``), and the publication date chosen with
htmldate (run without dateparser)."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any


def parse_date(value: object) -> datetime | None:
    """ISO 8601, RFC 2822 or a leading YYYY-MM-DD -> aware datetime (UTC when no zone)."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 80:
        return None
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        try:
            dt = email.utils.parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is None:
            m = re.match(
                r"(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?", s
            )
            if m:
                try:
                    nums = [int(g) for g in m.groups() if g is not None] + [0, 0, 0]
                    dt = datetime(nums[0], nums[1], nums[2], nums[3], nums[4], nums[5])
                except (TypeError, ValueError):
                    dt = None
    if dt is None or not 1990 <= dt.year <= 2100:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


_META_DATES = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "publishdate",
    "publication_date",
    "ptime",
    "pdate",
    "date.available",
    "dc.date.issued",
    "dc.date",
    "date",
)


def _declared_dates(
    ld: dict[str, Any], meta: dict[str, str], times: list[Any]
) -> list[tuple[str, datetime]]:
    """Publication dates the page declares, most trusted first, each with its source."""
    out: list[tuple[str, datetime]] = []
    dt = parse_date(ld.get("datePublished"))
    if dt is not None:
        out.append(("ld:datePublished", dt))
    for key in _META_DATES:
        dt = parse_date(meta.get(key))
        if dt is not None:
            out.append((f"meta:{key}", dt))
    dt = parse_date(ld.get("dateCreated"))
    if dt is not None:
        out.append(("ld:dateCreated", dt))
    for el in times[:20]:
        dt = parse_date(el.get("datetime"))
        if dt is not None:
            out.append(("time", dt))
            break
    return out


# htmldate's extensive search hands date-like text to dateparser, which guesses the language
# among some 200 and compiles each one's patterns the first time it meets it: seconds of CPU
# a language, so a page of text in many scripts held a worker for 18 s in the fuzz tests.
# Broadsheet's htmldate runs its extensive search without dateparser: its own patterns, the
# page's elements and text only (on the validation pages 970 right of 1,110 instead of 978).
class _NoExternalParser:
    """Stands in for dateparser in htmldate: every date it is asked about is unknown."""

    def get_date_data(self, _text: str) -> dict[str, None]:
        return {"date_obj": None}


@lru_cache(maxsize=1)
def _no_external_parser() -> _NoExternalParser:
    """What htmldate's ``get_external_parser`` (a cached factory) hands out instead."""
    return _NoExternalParser()


@contextmanager
def _without_dateparser() -> Iterator[None]:
    """htmldate without dateparser while Broadsheet reads a date; other users of htmldate in
    the process (trafilatura's own metadata) keep theirs."""
    import htmldate.extractors as hx

    original = hx.get_external_parser
    hx.get_external_parser = _no_external_parser
    try:
        yield
    finally:
        hx.get_external_parser = original


def _htmldate(root: Any, url: str | None) -> datetime | None:
    """htmldate's original publication date of the page (its extensive search on), or None.

    htmldate reads the page in a fixed order (URL, ``<meta>``, JSON-LD, ``<abbr>``, date
    elements, ``<time>``, then the text) and checks every date against the page's others;
    on the validation pages it was right more often than any single declared source."""
    from htmldate import find_date

    try:
        with _without_dateparser():
            day = find_date(root, url=url, original_date=True, extensive_search=True)
    except (ValueError, TypeError, AttributeError, IndexError, OverflowError, RecursionError):
        return None
    if not day:
        return None
    try:
        return datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _publication_date(
    root: Any, url: str | None, declared: list[tuple[str, datetime]]
) -> datetime | None:
    """The day htmldate finds, with the time of day of a declared date of that same day;
    the most trusted declared date when htmldate finds none."""
    day = _htmldate(root, url)
    if day is None:
        return declared[0][1] if declared else None
    for _, dt in declared:
        if dt.date() == day.date():
            return dt
    return day
