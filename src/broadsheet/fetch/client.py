"""The Fetcher: one safe, polite HTTP GET (or a webhook's POST) at a time per caller thread.

Every connection goes through :class:`~broadsheet.fetch.guard.GuardedBackend`, redirects are
followed by hand (each hop checked again), the body is streamed with a total deadline and a cap
on its decompressed size, and transient failures are retried with jittered backoff.
"""

from __future__ import annotations

import random
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import httpcore
import httpx

from ..config import FetchSettings
from ..errors import (
    BlockedURLError,
    BodyTooLargeError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    TooManyRedirectsError,
)
from ..models import FetchResult
from ..textsafe import clean_text
from .archive import WarcArchive
from .backoff import parse_retry_after, retry_backoff
from .decode import ACCEPT_ENCODING, make_decoder
from .guard import DeadlineState, GuardedBackend, Resolver, check_url

__all__ = ["DEFAULT_ACCEPT", "MAX_RETRY_AFTER_SLEEP", "Fetcher"]

# feeds and pages alike (the same Fetcher gets both): no preference that could make a server
# doing content negotiation answer an article URL with a feed or the reverse
DEFAULT_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
MAX_RETRY_AFTER_SLEEP = 30.0  # longer Retry-After: give up now, the poller reschedules
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

_EXCEPTION_MAP: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


def _map_httpcore(exc: Exception) -> Exception:
    for core_type, httpx_type in _EXCEPTION_MAP:
        if isinstance(exc, core_type):
            return httpx_type(str(exc))
    return exc


class _MappedStream(httpx.SyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except httpcore.TimeoutException as exc:
            raise _map_httpcore(exc) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _map_httpcore(exc) from exc

    def close(self) -> None:
        if hasattr(self._inner, "close"):
            self._inner.close()


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool whose every socket the guard has approved."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext | None = None) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=30.0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = self._pool.handle_request(core_request)
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _map_httpcore(exc) from exc
        except httpcore.UnsupportedProtocol as exc:
            raise _map_httpcore(exc) from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_MappedStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _Transient(Exception):
    """A failure worth retrying; carries the error to raise when retries run out."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


class _Redirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class Fetcher:
    """Thread-safe HTTP GETs with the SSRF guard, caps, politeness and retries.

    ``resolver(host, port) -> [ip, ...]`` replaces the system DNS lookup (tests use it to
    simulate DNS answers); ``ssl_context`` replaces the default certificate verification
    (e.g. a private CA). Use as a context manager or call :meth:`close`.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        resolver: Resolver | None = None,
        rng: random.Random | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._settings = settings
        self._state = DeadlineState()
        self._backend = GuardedBackend(settings, resolver, self._state)
        self._transport = GuardedTransport(self._backend, ssl_context)
        self._client = httpx.Client(
            transport=self._transport,
            follow_redirects=False,
            trust_env=False,  # never route through an environment proxy the guard cannot see
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.total_timeout,
            ),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()
        self.archive = WarcArchive(settings.warc_out) if settings.warc_out else None

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        self._client.close()
        if self.archive is not None:
            self.archive.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------- public

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url``; validators make it conditional (a 304 gives an empty body).

        Raises :class:`BlockedURLError`, :class:`FetchTimeoutError`, :class:`BodyTooLargeError`,
        :class:`HTTPStatusError` (with ``status`` and ``retry_after``),
        :class:`TooManyRedirectsError` or :class:`FetchError`; every message names the URL.
        """
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if etag is not None:
            headers["If-None-Match"] = etag
        if last_modified is not None:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                result = self._follow(url, headers, etag, last_modified)
                if self.archive is not None:
                    self.archive.record(result)
                return result
            except _Transient as transient:
                retry_after = transient.retry_after
                if retry_after is not None and retry_after > MAX_RETRY_AFTER_SLEEP:
                    raise transient.error from None
                if attempt >= self._settings.retry_attempts:
                    raise transient.error from None
                with self._rng_lock:
                    delay = retry_backoff(attempt, self._settings.backoff_base, self._rng)
                if retry_after is not None:
                    delay = max(delay, retry_after)
                time.sleep(delay)
                attempt += 1

    # ----------------------------------------------------------------- internals

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._hosts_lock:
            sem = self._hosts.get(host)
            if sem is None:
                sem = threading.BoundedSemaphore(max(1, self._settings.per_host_concurrency))
                self._hosts[host] = sem
            return sem

    def _follow(
        self, url: str, headers: dict[str, str], etag: str | None, last_modified: str | None
    ) -> FetchResult:
        current = url
        for _hop in range(self._settings.max_redirects + 1):
            check_url(current, self._settings)
            try:
                return self._get(current, headers, etag, last_modified)
            except _Redirect as redirect:
                current = redirect.location
        raise TooManyRedirectsError(
            f"{url}: more than {self._settings.max_redirects} redirects (last: {current})",
            url=url,
        )

    def _get(
        self, url: str, headers: dict[str, str], etag: str | None, last_modified: str | None
    ) -> FetchResult:
        with self._exchange(url), self._client.stream("GET", url, headers=headers) as response:
            return self._handle(url, response, etag, last_modified)

    @contextmanager
    def _exchange(self, url: str) -> Iterator[None]:
        """One request to ``url``: the host's politeness slot, the total deadline, and
        transport errors mapped to ``FetchError``s (connection failures as transient)."""
        host = httpx.URL(url).host.lower()
        with self._semaphore(host):
            self._state.deadline = time.monotonic() + self._settings.total_timeout
            try:
                yield
            except BlockedURLError as exc:
                message = str(exc) if url in str(exc) else f"{url}: {exc}"
                raise BlockedURLError(message, url=url) from None
            except (httpx.ConnectTimeout, httpx.ConnectError) as exc:
                what = (
                    "timed out connecting"
                    if isinstance(exc, httpx.TimeoutException)
                    else ("could not connect")
                )
                error_type = (
                    FetchTimeoutError if isinstance(exc, httpx.TimeoutException) else (FetchError)
                )
                raise _Transient(error_type(f"{url}: {what}: {exc}", url=url)) from exc
            except httpx.TimeoutException as exc:
                if self._state.remaining() is not None and (self._state.remaining() or 0) <= 0:
                    message = f"{url}: gave up after {self._settings.total_timeout:g} s in all"
                else:
                    message = f"{url}: no data for {self._settings.read_timeout:g} s"
                raise FetchTimeoutError(message, url=url) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}", url=url) from exc
            finally:
                self._state.deadline = None

    def post(
        self,
        url: str,
        body: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> FetchResult:
        """POST ``body`` to ``url`` once: the SSRF guard, timeouts and the response cap apply;
        no redirect is followed and nothing is retried (a sender of webhooks keeps its own
        retry schedule). A status outside 2xx raises ``HTTPStatusError``."""
        check_url(url, self._settings)
        sent = {"Content-Type": content_type, "Accept": "*/*", **dict(headers or {})}
        try:
            with (
                self._exchange(url),
                self._client.stream("POST", url, headers=sent, content=body) as response,
            ):
                status = response.status_code
                if not 200 <= status < 300:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    message = f"{url}: HTTP {status} {response.reason_phrase or ''}".rstrip()
                    if 300 <= status < 400:
                        message += " (redirects are not followed for a POST)"
                    raise HTTPStatusError(message, url=url, status=status, retry_after=retry_after)
                answer = self._read_body(url, response)
                found = {k.lower(): v for k, v in _joined_headers(response).items()}
                media_type, charset = _parse_content_type(found.get("content-type"))
                return FetchResult(
                    url=url,
                    status=status,
                    body=answer,
                    headers=found,
                    media_type=media_type,
                    charset=charset,
                )
        except _Transient as transient:
            raise transient.error from None

    def _handle(
        self,
        url: str,
        response: httpx.Response,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"{url}: redirect {status} without a Location", url=url)
            try:
                target = str(response.url.join(location))
            except (httpx.InvalidURL, ValueError) as exc:
                raise FetchError(f"{url}: bad redirect target {location!r}", url=url) from exc
            raise _Redirect(target)
        headers = {k.lower(): v for k, v in _joined_headers(response).items()}
        media_type, charset = _parse_content_type(headers.get("content-type"))
        if status == 304:
            return FetchResult(
                url=url,
                status=304,
                body=b"",
                headers=headers,
                etag=headers.get("etag", etag),
                last_modified=headers.get("last-modified", last_modified),
                media_type=media_type,
                charset=charset,
            )
        if status >= 400 or status < 200 or 300 <= status < 400:
            retry_after = parse_retry_after(headers.get("retry-after"))
            reason = clean_text(response.reason_phrase or "")  # the server's words
            message = f"{url}: HTTP {status} {reason}".rstrip()
            if retry_after is not None:
                message += f" (Retry-After {retry_after:g} s)"
            error = HTTPStatusError(message, url=url, status=status, retry_after=retry_after)
            if status == 429 or status >= 500:
                raise _Transient(error, retry_after)
            raise error
        body = self._read_body(url, response)
        return FetchResult(
            url=url,
            status=status,
            body=body,
            headers=headers,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            media_type=media_type,
            charset=charset,
        )

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        cap = self._settings.max_body_bytes
        length = response.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > cap:
            raise BodyTooLargeError(
                f"{url}: body of {int(length)} bytes is over the {cap}-byte cap", url=url
            )
        try:
            decoder = make_decoder(response.headers.get("content-encoding"))
        except FetchError as exc:
            raise FetchError(f"{url}: {exc}", url=url) from None
        body = bytearray()
        raw_total = 0
        try:
            for raw in response.iter_raw():
                raw_total += len(raw)
                if raw_total > cap:
                    raise BodyTooLargeError(f"{url}: body over the {cap}-byte cap", url=url)
                self._check_deadline(url)
                for piece in decoder.feed(raw):
                    if len(body) + len(piece) > cap:
                        raise BodyTooLargeError(
                            f"{url}: decompressed body over the {cap}-byte cap", url=url
                        )
                    body += piece
            for piece in decoder.flush():
                if len(body) + len(piece) > cap:
                    raise BodyTooLargeError(
                        f"{url}: decompressed body over the {cap}-byte cap", url=url
                    )
                body += piece
        except FetchError as exc:
            if exc.url is None:
                raise FetchError(f"{url}: {exc}", url=url) from exc
            raise
        return bytes(body)

    def _check_deadline(self, url: str) -> None:
        remaining = self._state.remaining()
        if remaining is not None and remaining <= 0:
            raise FetchTimeoutError(
                f"{url}: gave up after {self._settings.total_timeout:g} s in all", url=url
            )


def _joined_headers(response: httpx.Response) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = value.split(";")
    media_type = parts[0].strip().lower() or None
    charset: str | None = None
    for param in parts[1:]:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").strip().lower() or None
    return media_type, charset
