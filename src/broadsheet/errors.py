"""The one exception tree of Broadsheet.

    BroadsheetError                 base of everything we raise on purpose
    ├── ConfigError                 a setting is missing or invalid
    ├── FetchError                  anything that went wrong getting bytes over HTTP
    │   ├── BlockedURLError         refused by the SSRF guard (scheme, address, port)
    │   ├── FetchTimeoutError       connect/read/total timeout
    │   ├── BodyTooLargeError       body (or decompressed body) over the cap
    │   ├── HTTPStatusError         an error status (carries ``status`` and ``retry_after``)
    │   └── TooManyRedirectsError
    ├── SourceError                 a source could not be read (bad feed, bad OPML, bad WARC)
    │   └── FeedParseError
    ├── ExtractionError             no article could be read from a document
    ├── EnrichmentError             annotation failed (the article is stored anyway)
    ├── StoreError                  the system of record refused an operation
    │   ├── NotFoundError           no such article / source / ticker
    │   ├── AlreadyExistsError      a name already taken (a user)
    │   └── IndexBusyError          another process holds the right to write the search index
    ├── QuerySyntaxError            a malformed query (carries ``position``)
    ├── InvalidRequestError         a request's other parameters are invalid (a cursor, a range)
    ├── MarketDataError             prices could not be read or are invalid
    ├── AuthError                   a login failed (one message for every cause)
    ├── ThrottledError              too many failed logins for an account (``retry_after``)
    └── WireError                   NATS JetStream could not be reached or refused a request

Exit codes for the command line are mapped from this tree in ``broadsheet.cli.exit_codes``.
"""

from __future__ import annotations

__all__ = [
    "AlreadyExistsError",
    "AuthError",
    "BlockedURLError",
    "BodyTooLargeError",
    "BroadsheetError",
    "ConfigError",
    "EnrichmentError",
    "ExtractionError",
    "FeedParseError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "IndexBusyError",
    "InvalidRequestError",
    "MarketDataError",
    "NotFoundError",
    "QuerySyntaxError",
    "SourceError",
    "StoreError",
    "ThrottledError",
    "TooManyRedirectsError",
    "WireError",
]


class BroadsheetError(Exception):
    """Base class of every error Broadsheet raises on purpose."""


class ConfigError(BroadsheetError):
    """A setting is missing or invalid."""


class FetchError(BroadsheetError):
    """Bytes could not be fetched."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class BlockedURLError(FetchError):
    """The SSRF guard refused the URL or the address it resolved to."""


class FetchTimeoutError(FetchError):
    """A connect, read or total timeout expired."""


class BodyTooLargeError(FetchError):
    """The body, or its decompressed form, exceeded the cap."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(
        self, message: str, *, url: str | None = None, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after  # seconds, parsed from Retry-After when present


class TooManyRedirectsError(FetchError):
    """More redirects than allowed."""


class SourceError(BroadsheetError):
    """A source could not be read."""


class FeedParseError(SourceError):
    """A feed could not be parsed at all."""


class ExtractionError(BroadsheetError):
    """No article could be read from a document."""


class EnrichmentError(BroadsheetError):
    """Annotating an article failed; the article itself is kept."""


class StoreError(BroadsheetError):
    """The store refused an operation."""


class NotFoundError(StoreError):
    """No such article, source or security."""


class AlreadyExistsError(StoreError):
    """The name is taken (a user)."""


class IndexBusyError(StoreError):
    """Another process holds the search index's writer; it will catch the index up."""


class QuerySyntaxError(BroadsheetError):
    """A query could not be parsed; ``position`` is the character index of the problem."""

    def __init__(self, message: str, *, query: str, position: int) -> None:
        self.query = query
        self.position = position
        pointer = f"\n  {query}\n  {' ' * position}^"
        super().__init__(f"{message} at position {position}{pointer}")
        self.reason = message


class InvalidRequestError(BroadsheetError):
    """A request's parameters (other than its query) are invalid: a cursor, a date range."""


class MarketDataError(BroadsheetError):
    """Prices could not be read or are invalid."""


class WireError(BroadsheetError):
    """The message wire (NATS JetStream) could not be reached or refused a request."""


class AuthError(BroadsheetError):
    """A login (or a credential) was refused. The message is the same whatever the cause:
    unknown user, wrong password, wrong or replayed code."""

    def __init__(self, message: str = "wrong name, password or code") -> None:
        super().__init__(message)


class ThrottledError(BroadsheetError):
    """Too many failed logins for one account lately; ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1.0, float(retry_after))
        super().__init__(
            "too many failed logins for this account; "
            f"try again in {int(self.retry_after + 0.999)} s"
        )
