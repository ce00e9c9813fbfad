"""US equity trading sessions, roughly: weekdays less the NYSE's regular holidays and
its unscheduled closures since 2000. Good enough to tell a gap in a price series from a
holiday, and to place a story before or after a session's close.

Session closes are taken at 16:00 America/New_York; early closes (13:00 on some
holiday eves) are not modelled.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from pandas.tseries.holiday import (
    AbstractHolidayCalendar,
    GoodFriday,
    Holiday,
    USLaborDay,
    USMartinLutherKingJr,
    USMemorialDay,
    USPresidentsDay,
    USThanksgivingDay,
    nearest_workday,
)

__all__ = [
    "CLOSE_TIME",
    "EXCHANGE_TZ",
    "NYSECalendar",
    "expected_sessions",
    "session_close_times",
]

EXCHANGE_TZ = "America/New_York"
CLOSE_TIME = pd.Timedelta(hours=16)

# Days the exchange closed outside its holiday rules (facts).
_SPECIAL_CLOSURES = (
    "2001-09-11",
    "2001-09-12",
    "2001-09-13",
    "2001-09-14",  # September 11 attacks
    "2004-06-11",  # funeral of President Reagan
    "2007-01-02",  # funeral of President Ford
    "2012-10-29",
    "2012-10-30",  # Hurricane Sandy
    "2018-12-05",  # funeral of President G. H. W. Bush
    "2025-01-09",  # funeral of President Carter
)


class NYSECalendar(AbstractHolidayCalendar):  # type: ignore[misc]
    """The NYSE's regular full-day holidays."""

    rules = [  # noqa: RUF012 (pandas declares this as a class attribute)
        Holiday("New Year's Day", month=1, day=1, observance=nearest_workday),
        USMartinLutherKingJr,
        USPresidentsDay,
        GoodFriday,
        USMemorialDay,
        Holiday("Juneteenth", month=6, day=19, start_date="2022-01-01", observance=nearest_workday),
        Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
        USLaborDay,
        USThanksgivingDay,
        Holiday("Christmas Day", month=12, day=25, observance=nearest_workday),
    ]


def expected_sessions(
    start: date | str | pd.Timestamp, end: date | str | pd.Timestamp
) -> pd.DatetimeIndex:
    """Trading days from ``start`` to ``end`` inclusive."""
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if hi < lo:
        return pd.DatetimeIndex([])
    days = pd.bdate_range(lo, hi)
    holidays = NYSECalendar().holidays(lo, hi)
    # A Saturday New Year's Day is not observed on the Friday before (NYSE rule).
    holidays = holidays[~((holidays.month == 12) & (holidays.day == 31))]
    closed = holidays.union(pd.DatetimeIndex(pd.to_datetime(list(_SPECIAL_CLOSURES))))
    return days.difference(closed)


def session_close_times(sessions: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The UTC instant each session closed (16:00 New York time)."""
    local = pd.DatetimeIndex(sessions).normalize() + CLOSE_TIME
    return local.tz_localize(EXCHANGE_TZ).tz_convert("UTC")
