"""Named exit codes, mapped from the error tree in one place."""

from __future__ import annotations

from enum import IntEnum

from ..errors import (
    AuthError,
    BroadsheetError,
    ConfigError,
    ExtractionError,
    FetchError,
    InvalidRequestError,
    MarketDataError,
    NotFoundError,
    QuerySyntaxError,
    SourceError,
    ThrottledError,
)

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # something failed; the message says what
    USAGE = 2  # bad command-line usage (click's own code)
    NOT_FOUND = 3  # no such article, source or ticker
    BAD_QUERY = 4  # the query could not be parsed
    FETCH_FAILED = 5  # a URL could not be fetched (or was refused by the guard)
    BAD_INPUT = 6  # a file, feed or page could not be read
    CONFIG = 7  # invalid settings
    PARTIAL = 8  # a batch finished but some items failed
    AUTH_FAILED = 9  # a login or credential was refused
    THROTTLED = 10  # too many failed logins for the account; wait and retry
    INTERRUPTED = 130


_MAP: tuple[tuple[type[BroadsheetError], ExitCode], ...] = (
    (NotFoundError, ExitCode.NOT_FOUND),
    (QuerySyntaxError, ExitCode.BAD_QUERY),
    (InvalidRequestError, ExitCode.USAGE),
    (FetchError, ExitCode.FETCH_FAILED),
    (SourceError, ExitCode.BAD_INPUT),
    (ExtractionError, ExitCode.BAD_INPUT),
    (MarketDataError, ExitCode.BAD_INPUT),
    (ConfigError, ExitCode.CONFIG),
    (AuthError, ExitCode.AUTH_FAILED),
    (ThrottledError, ExitCode.THROTTLED),
)


def exit_code_for(error: BaseException) -> ExitCode:
    for kind, code in _MAP:
        if isinstance(error, kind):
            return code
    return ExitCode.ERROR
