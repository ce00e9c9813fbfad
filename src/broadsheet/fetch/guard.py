"""The SSRF guard: which URLs and addresses Broadsheet may connect to.

Two layers:

* :func:`check_url` is a static check (scheme, host syntax, IP literals, ``localhost``) that
  needs no DNS. It runs before every hop of a fetch and gives the user an early, clear error.
* :class:`GuardedBackend` is an ``httpcore`` network backend. It resolves the host **once**,
  checks every address it resolved to, then connects to one of those checked addresses (TLS SNI
  and the ``Host`` header still carry the host name). The address actually connected to is
  checked once more from the socket. DNS answers that change between a check and a connect
  (DNS rebinding) therefore cannot reach a forbidden address: there is no second lookup.

Host names listed in ``FetchSettings.allow_private_hosts`` may resolve to private and loopback
addresses (feeds on your own LAN); the allowance belongs to the *name in the URL*, so a redirect
from an allowed host to any other name or literal is checked normally.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx
import idna

from ..config import FetchSettings
from ..errors import BlockedURLError
from .special_addresses import EMBEDS_IPV4, special_block

__all__ = [
    "ALLOWED_SCHEMES",
    "GuardedBackend",
    "Resolver",
    "check_url",
    "default_resolver",
    "forbidden_reason",
    "parse_ip_literal",
]

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_HOST_CHARS = re.compile(r"^[a-z0-9._\-]+$")
_NUMERIC_PART = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def default_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the system resolver; unique addresses in the order returned."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def _normalise_host(host: str) -> str:
    """A host as it goes on the wire: lower case, no brackets or final dot, and an
    internationalised name in its IDNA (punycode) form; a name IDNA refuses stays as it is,
    and the host syntax check then refuses it."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.rstrip(".")
    if not host.isascii():
        with contextlib.suppress(idna.IDNAError, UnicodeError):
            host = idna.encode(host, uts46=True).decode("ascii")
    return host


def parse_ip_literal(host: str) -> IPAddress | None:
    """The IP address ``host`` spells, or None when it is a name.

    Raises :class:`BlockedURLError` for the odd numeric forms that C resolvers accept
    (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``): they exist mainly to slip past
    filters, so they are refused whatever address they encode.
    """
    host = _normalise_host(host)
    candidate = host.replace("%25", "%")
    with contextlib.suppress(ValueError):  # not a canonical literal: check the odd forms
        return ipaddress.ip_address(candidate)
    parts = host.split(".")
    if parts and all(_NUMERIC_PART.match(p) for p in parts) and len(parts) <= 4:
        raise BlockedURLError(
            f"non-canonical IP address literal {host!r} refused (write it as a dotted quad)"
        )
    if parts and _NUMERIC_PART.match(parts[-1]) and not parts[-1].startswith("0x"):
        # a final all-digit label is never a valid DNS name ending; resolvers read it as IPv4
        raise BlockedURLError(f"host {host!r} ends in a numeric label and is not a valid name")
    return None


def forbidden_reason(address: IPAddress | str) -> str | None:
    """Why ``address`` may not be connected to, or None if it is a public unicast address.

    The forbidden blocks are the rows of the IANA special-purpose registries
    (:mod:`broadsheet.fetch.special_addresses`); an IPv4 address carried inside an IPv6 one
    (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) is checked too.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d on the wire
            why = forbidden_reason(ip.ipv4_mapped)
            return None if why is None else f"{why} (embedded in IPv6 address {ip})"
        embedded: list[ipaddress.IPv4Address] = []
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in _NAT64 or ip in _NAT64_LOCAL:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if int(ip) >> 32 == 0 and int(ip) > 1:  # ::a.b.c.d (IPv4-compatible), not :: or ::1
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for inner in embedded:
            why = forbidden_reason(inner)
            if why is not None:
                return f"{why} (embedded in IPv6 address {ip})"
    block = special_block(ip)
    if block is not None:
        if block.prefix in EMBEDS_IPV4:
            return None  # the IPv4 address it carries was checked above and is public
        return f"{block.name} address ({block.prefix}, {block.rfc})"
    if not ip.is_global:
        return "address that is not globally routable"
    return None


def _is_allowed_host(host: str, settings: FetchSettings) -> bool:
    allowed = {_normalise_host(h) for h in settings.allow_private_hosts}
    return _normalise_host(host) in allowed


def check_url(url: str, settings: FetchSettings) -> None:
    """Refuse a URL that may not be fetched, without any DNS lookup.

    Checks the scheme (http/https only), the host's syntax (an internationalised name is
    checked in its IDNA form, the form that is resolved), IP literals in every spelling, and
    the ``localhost`` names. The addresses a name resolves to are checked at connect time.
    Raises :class:`BlockedURLError` naming the URL.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise BlockedURLError(f"{url}: not a valid URL ({exc})", url=url) from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        scheme = parsed.scheme or "(none)"
        raise BlockedURLError(
            f"{url}: scheme {scheme!r} refused (only http and https are fetched)", url=url
        )
    host = _normalise_host(parsed.raw_host.decode("ascii", "replace"))  # IDNA-encoded
    if not host:
        raise BlockedURLError(f"{url}: no host", url=url)
    if parsed.userinfo:
        raise BlockedURLError(f"{url}: credentials in URLs are refused", url=url)
    try:
        _check_host_static(host, settings)
    except BlockedURLError as exc:
        raise BlockedURLError(f"{url}: {exc}", url=url) from None


def _check_host_static(host: str, settings: FetchSettings) -> IPAddress | None:
    """Check host syntax; return the IP when the host is a literal. Raises BlockedURLError."""
    allowed = _is_allowed_host(host, settings)
    ip = parse_ip_literal(host)
    if ip is not None:
        why = forbidden_reason(ip)
        if why is not None and not (allowed and _allowable(ip)):
            raise BlockedURLError(f"{ip} is a {why}")
        return ip
    if not _HOST_CHARS.match(host):
        raise BlockedURLError(f"host {host!r} contains characters not allowed in a host name")
    if (host == "localhost" or host.endswith(".localhost")) and not allowed:
        raise BlockedURLError(f"host {host!r} is a loopback name")
    return None


def _allowable(ip: IPAddress) -> bool:
    """Addresses an allow-listed host may use: anything but unspecified and multicast."""
    return not (ip.is_unspecified or ip.is_multicast)


def resolve_with_timeout(
    resolver: Resolver, host: str, port: int, timeout: float | None
) -> list[str]:
    """Run ``resolver`` in a helper thread so a hanging DNS lookup cannot outlive ``timeout``
    (``getaddrinfo`` itself has none). Raises ``httpcore.ConnectTimeout`` when it does."""
    if timeout is None:
        return resolver(host, port)
    outcome: list[list[str] | BaseException] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            outcome.append(resolver(host, port))
        except BaseException as exc:  # handed to the caller below
            outcome.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"dns:{host}", daemon=True).start()
    if not done.wait(max(timeout, 0.0)):
        raise httpcore.ConnectTimeout(f"DNS lookup of {host!r} took over {timeout:g} s")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def resolve_checked(
    host: str,
    port: int,
    settings: FetchSettings,
    resolver: Resolver,
    timeout: float | None = None,
) -> list[str]:
    """Resolve ``host`` once and return its addresses if every one of them may be used."""
    host = _normalise_host(host)
    allowed = _is_allowed_host(host, settings)
    literal = _check_host_static(host, settings)
    if literal is not None:
        return [str(literal)]
    try:
        answers = resolve_with_timeout(resolver, host, port, timeout)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc}") from exc
    if not answers:
        raise httpcore.ConnectError(f"host {host!r} resolved to no address")
    checked: list[str] = []
    for answer in answers:
        try:
            ip = ipaddress.ip_address(answer)
        except ValueError as exc:
            raise BlockedURLError(f"host {host!r} resolved to a non-address {answer!r}") from exc
        why = forbidden_reason(ip)
        if why is not None and not (allowed and _allowable(ip)):
            raise BlockedURLError(f"host {host!r} resolves to {ip}, a {why}")
        checked.append(str(ip))
    return checked


class DeadlineState(threading.local):
    """Per-thread wall-clock deadline of the request being made (monotonic seconds)."""

    deadline: float | None = None

    def remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - time.monotonic()


def _cap_timeout(timeout: float | None, state: DeadlineState) -> float | None:
    remaining = state.remaining()
    if remaining is None:
        return timeout
    if timeout is None:
        return max(remaining, 0.0)
    return max(min(timeout, remaining), 0.0)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes never outlive the request's total deadline."""

    def __init__(self, inner: httpcore.NetworkStream, state: DeadlineState) -> None:
        self._inner = inner
        self._state = state

    def _check(self) -> None:
        remaining = self._state.remaining()
        if remaining is not None and remaining <= 0:
            raise httpcore.ReadTimeout("total timeout expired")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._check()
        return self._inner.read(max_bytes, _cap_timeout(timeout, self._state))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._check()
        self._inner.write(buffer, _cap_timeout(timeout, self._state))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self._check()
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _cap_timeout(timeout, self._state)
        )
        return _DeadlineStream(inner, self._state)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore backend that only connects to addresses the guard has checked."""

    def __init__(
        self,
        settings: FetchSettings,
        resolver: Resolver | None = None,
        state: DeadlineState | None = None,
    ) -> None:
        self._settings = settings
        self._resolver: Resolver = resolver or default_resolver
        self._state = state or DeadlineState()
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(
            host, port, self._settings, self._resolver, _cap_timeout(timeout, self._state)
        )
        allowed = _is_allowed_host(host, self._settings)
        last: Exception | None = None
        for address in addresses:
            if (remaining := self._state.remaining()) is not None and remaining <= 0:
                raise httpcore.ConnectTimeout(f"total timeout expired connecting to {host}")
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_cap_timeout(timeout, self._state),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if peer is not None:
                why = forbidden_reason(str(peer[0]))
                if why is not None and not (
                    allowed and _allowable(ipaddress.ip_address(str(peer[0])))
                ):
                    stream.close()
                    raise BlockedURLError(f"connected address {peer[0]} of {host!r} is a {why}")
            return _DeadlineStream(stream, self._state)
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedURLError("unix sockets are never connected to")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
