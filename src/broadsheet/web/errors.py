"""One error shape for every failure: ``{"error": {"code", "message"}}`` for the API (and
the Reader API), an HTML page with the same words (and the same headers) for the pages."""

from __future__ import annotations

from typing import Any

from .. import errors as bs_errors

__all__ = ["WebError", "error_body", "status_for"]


class WebError(Exception):
    """An answer other than success, with its HTTP status and a stable code."""

    def __init__(
        self, status: int, code: str, message: str, *, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


def code_for(status: int) -> str:
    return _CODES.get(status, "error" if status >= 400 else "ok")


def status_for(exc: BaseException) -> tuple[int, str, dict[str, Any]]:
    """(HTTP status, code, extra fields) for one of Broadsheet's errors."""
    auth = getattr(bs_errors, "AuthError", None)
    throttled = getattr(bs_errors, "ThrottledError", None)
    if throttled is not None and isinstance(exc, throttled):
        return 429, "throttled", {}
    if auth is not None and isinstance(exc, auth):
        return 401, "unauthorized", {}
    if isinstance(exc, bs_errors.QuerySyntaxError):
        return 422, "query_syntax", {"position": exc.position, "reason": exc.reason}
    if isinstance(exc, bs_errors.NotFoundError):
        return 404, "not_found", {}
    if isinstance(exc, bs_errors.InvalidRequestError | bs_errors.BlockedURLError):
        return 422, "invalid_request", {}
    if isinstance(exc, bs_errors.MarketDataError):
        return 404, "no_data", {}
    if isinstance(exc, bs_errors.IndexBusyError):
        return 503, "unavailable", {}
    if isinstance(exc, bs_errors.SourceError | bs_errors.FetchError):
        return 422, "invalid_request", {}
    if isinstance(exc, bs_errors.ConfigError):  # in a request: a value the user gave
        return 422, "invalid_request", {}
    if isinstance(exc, bs_errors.BroadsheetError):
        # e.g. a duplicate name refused by the store, an invalid value
        return 422, "invalid_request", {}
    return 500, "server_error", {}


def error_body(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if extra:
        body.update(extra)
    return {"error": body}
