"""Body cap and timeouts: reliability scenarios 4 (huge bodies, bombs) and 5 (slow servers)."""

from __future__ import annotations

import gzip
import http.server
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from broadsheet.errors import BodyTooLargeError, FetchError, FetchTimeoutError
from broadsheet.fetch import Fetcher
from broadsheet.fetch.decode import PIECE, make_decoder

from .fetch_helpers import LiveServer, loopback_resolver, ok_route, settings

CAP = 15 * 1024 * 1024
MiB = 1024 * 1024


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure_peak_growth(action: Callable[[], object]) -> int:
    """Bytes the resident set grew at its peak while ``action`` ran (from /proc)."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to measure memory")
    if not _reset_peak():
        pytest.skip("cannot reset the peak RSS counter")
    before = _status_kib("VmRSS")
    try:
        action()
    finally:
        peak = _status_kib("VmHWM")
    return (peak - before) * 1024


def _compressed_zeros(size: int, wbits: int) -> bytes:
    """One compressed stream of ``size`` zero bytes, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(MiB)
    parts = [packer.compress(block) for _ in range(size // MiB)]
    parts.append(packer.flush())
    return b"".join(parts)


GZIP_MEMBER = _compressed_zeros(64 * MiB, 16 + zlib.MAX_WBITS)  # ~65 KB -> 64 MiB
DEFLATE_STREAM = _compressed_zeros(64 * MiB, zlib.MAX_WBITS)
RAW_DEFLATE_STREAM = _compressed_zeros(64 * MiB, -zlib.MAX_WBITS)


def streaming_route(
    chunks: Callable[[], object], headers: dict[str, str]
) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        for name, value in headers.items():
            h.send_header(name, value)
        h.end_headers()
        for chunk in chunks():  # type: ignore[attr-defined]
            h.wfile.write(chunk)

    return route


def gibibyte() -> object:
    block = bytes(64 * 1024)
    return (block for _ in range(1024 * 1024 * 1024 // len(block)))


def gzip_bomb() -> object:
    return (GZIP_MEMBER for _ in range(150))  # ~10 MB on the wire, ~9.4 GiB inflated


@pytest.mark.parametrize(
    ("name", "chunks", "headers"),
    [
        ("1 GiB, no length", gibibyte, {"Content-Type": "application/octet-stream"}),
        ("1 GiB, length", gibibyte, {"Content-Length": str(1024**3)}),
        ("gzip bomb", gzip_bomb, {"Content-Encoding": "gzip"}),
        ("gzip bomb, x-gzip", gzip_bomb, {"Content-Encoding": "x-gzip"}),
        ("deflate bomb", lambda: iter([DEFLATE_STREAM]), {"Content-Encoding": "deflate"}),
        ("raw deflate bomb", lambda: iter([RAW_DEFLATE_STREAM]), {"Content-Encoding": "deflate"}),
        (
            "double gzip",
            lambda: iter([gzip.compress(GZIP_MEMBER * 4)]),
            {"Content-Encoding": "gzip, gzip"},
        ),
    ],
)
def test_scenario_4_bodies_are_cut_at_the_cap_with_flat_memory(
    serve: Callable[..., LiveServer],
    name: str,
    chunks: Callable[[], object],
    headers: dict[str, str],
) -> None:
    server = serve(streaming_route(chunks, headers))
    errors: list[Exception] = []

    def fetch() -> None:
        with Fetcher(settings(total_timeout=30.0), resolver=loopback_resolver) as fetcher:
            try:
                fetcher.fetch(server.url("/big"))
            except BodyTooLargeError as exc:
                errors.append(exc)

    growth = measure_peak_growth(fetch)
    assert len(errors) == 1, name
    assert "cap" in str(errors[0]) and server.url("/big") in str(errors[0])
    assert growth < 50 * MiB, f"{name}: peak RSS grew {growth / MiB:.1f} MiB"


def test_a_body_at_the_cap_is_accepted(serve: Callable[..., LiveServer]) -> None:
    body = b"x" * 4096
    server = serve(
        streaming_route(lambda: iter([gzip.compress(body)]), {"Content-Encoding": "gzip"})
    )
    with Fetcher(settings(max_body_bytes=4096), resolver=loopback_resolver) as fetcher:
        assert fetcher.fetch(server.url()).body == body
    with (
        Fetcher(settings(max_body_bytes=4095), resolver=loopback_resolver) as fetcher,
        pytest.raises(BodyTooLargeError),
    ):
        fetcher.fetch(server.url())


def test_unknown_content_encoding_is_an_error(serve: Callable[..., LiveServer]) -> None:
    server = serve(streaming_route(lambda: iter([b"\x00" * 10]), {"Content-Encoding": "br"}))
    with (
        Fetcher(settings(), resolver=loopback_resolver) as fetcher,
        pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"),
    ):
        fetcher.fetch(server.url("/br"))


def test_corrupt_gzip_is_an_error(serve: Callable[..., LiveServer]) -> None:
    server = serve(
        streaming_route(lambda: iter([b"\x1f\x8b\x08garbage" * 4]), {"Content-Encoding": "gzip"})
    )
    with (
        Fetcher(settings(), resolver=loopback_resolver) as fetcher,
        pytest.raises(FetchError, match="corrupt compressed body"),
    ):
        fetcher.fetch(server.url("/bad"))


@pytest.mark.parametrize(
    ("encoding", "payload"),
    [
        ("gzip", gzip.compress(b"first ") + gzip.compress(b"second")),
        ("deflate", zlib.compress(b"first second")),
        ("deflate", zlib.compress(b"first second", wbits=-zlib.MAX_WBITS)),
        ("gzip, deflate", zlib.compress(gzip.compress(b"first second"))),
        ("identity", b"first second"),
    ],
)
def test_decoders_restore_the_body(encoding: str, payload: bytes) -> None:
    decoder = make_decoder(encoding)
    out = b"".join(
        piece for i in range(0, len(payload), 3) for piece in decoder.feed(payload[i : i + 3])
    )
    out += b"".join(decoder.flush())
    assert out.replace(b" ", b"") == b"firstsecond"


def test_decoder_pieces_are_bounded() -> None:
    decoder = make_decoder("gzip")
    sizes = [len(piece) for piece in decoder.feed(GZIP_MEMBER)]
    assert sum(sizes) == 64 * MiB
    assert max(sizes) <= PIECE


# --------------------------------------------------------------------------- scenario 5


def trickle_route(
    *, headers_too: bool, sent: list[int]
) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """One byte a second; ``sent`` counts the body bytes the client accepted."""

    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
        if headers_too:
            for byte in head:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.25)
        else:
            h.wfile.write(head)
            h.wfile.flush()
        for _ in range(100000):
            h.wfile.write(b".")
            h.wfile.flush()
            sent.append(1)
            time.sleep(1.0)

    return route


@pytest.mark.parametrize("headers_too", [False, True], ids=["slow body", "slow headers"])
def test_scenario_5_a_byte_a_second_is_aborted_within_timeout_plus_one(
    serve: Callable[..., LiveServer], headers_too: bool
) -> None:
    sent: list[int] = []
    server = serve(trickle_route(headers_too=headers_too, sent=sent))
    total = 2.0
    config = settings(total_timeout=total, read_timeout=5.0, per_host_concurrency=1)
    with Fetcher(config, resolver=loopback_resolver) as fetcher:
        with pytest.raises(FetchTimeoutError, match="gave up after 2 s in all"):
            fetcher.fetch(server.url("/slow"))
        # the total deadline ended it, not the 5 s read timeout: at a byte a second the
        # server got at most total + 1 bytes out before the client hung up
        assert len(sent) <= total + 1
        # the worker (and the host's only slot) is free again: the next fetch proceeds
        server.server.route = ok_route(b"fast")
        assert fetcher.fetch(server.url("/fast")).body == b"fast"


def test_read_timeout_when_the_server_goes_silent(serve: Callable[..., LiveServer]) -> None:
    woke = threading.Event()

    def silent(h: http.server.BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        h.wfile.flush()
        time.sleep(3.0)
        woke.set()

    server = serve(silent)
    with Fetcher(settings(read_timeout=0.5, total_timeout=10.0), resolver=loopback_resolver) as f:
        with pytest.raises(FetchTimeoutError, match=r"no data for 0\.5 s"):
            f.fetch(server.url("/silent"))
        assert not woke.is_set()  # the read deadline passed while the server still slept


def test_a_hanging_dns_lookup_is_bounded_by_the_connect_timeout() -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        release.wait(10.0)
        return ["127.0.0.1"]

    config = settings(connect_timeout=0.5, total_timeout=5.0)
    try:
        with Fetcher(config, resolver=hanging) as fetcher:
            with pytest.raises(FetchTimeoutError, match=r"DNS lookup of 'slow-dns\.test'"):
                fetcher.fetch("http://slow-dns.test/feed")
            assert not release.is_set()  # gave up while the lookup still hung
    finally:
        release.set()
