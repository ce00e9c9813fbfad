"""Issue 13, item 7: a WARC record's header lines are capped; the record is reported as bad."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from broadsheet.sources import iter_documents
from broadsheet.sources.documents import MAX_WARC_HEADER_BYTES, MAX_WARC_HEADER_LINE

from .test_documents import RECORDS, write_warc

MiB = 1024 * 1024


def _peak_growth(action: Callable[[], object]) -> int:
    status = Path("/proc/self/status")
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("cannot reset the peak RSS counter")

    def read(field: str) -> int:
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise LookupError(field)

    before = read("VmRSS")
    action()
    return read("VmHWM") - before


def _bad_member(header: bytes) -> bytes:
    body = b"<html><body><p>never read</p></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/bad\r\n"
        + header
        + b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {len(http)}\r\n\r\n".encode()
        + http
        + b"\r\n\r\n"
    )
    return gzip.compress(record, compresslevel=9)


@pytest.mark.parametrize(
    "header",
    [
        b"X-Long: " + b"a" * (48 * MiB) + b"\r\n",  # one 48 MB line: 144 MB before the cap
        b"".join(b"X-%d: %s\r\n" % (i, b"b" * 60) for i in range(100_000)),  # 6.5 MB of lines
    ],
    ids=["one-48MB-line", "100000-lines"],
)
def test_issue13_7_oversized_warc_headers(tmp_path: Path, header: bytes) -> None:
    path = tmp_path / "hostile.warc.gz"
    write_warc(path, RECORDS[:1], gz=True)
    with path.open("ab") as stream:
        stream.write(_bad_member(header))
    assert path.stat().st_size < MiB  # a small file: what it costs is all in the headers
    errors: list[tuple[str, str]] = []
    docs: list[object] = []

    def read() -> None:
        docs.extend(iter_documents(path, on_error=lambda where, e: errors.append((where, str(e)))))

    growth = _peak_growth(read)
    assert len(docs) == 1  # the good record before the bad one is kept
    ((where, message),) = errors
    assert where == str(path) and "record 2: headers over the cap" in message
    assert growth < 20 * MiB, f"peak RSS grew {growth / MiB:.1f} MiB"


def test_issue13_7_headers_under_the_cap_still_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.warc.gz"
    write_warc(path, RECORDS[:1], gz=True)
    line = b"X-Cookie: " + b"c" * (MAX_WARC_HEADER_LINE - 100) + b"\r\n"
    assert len(line) < MAX_WARC_HEADER_LINE < MAX_WARC_HEADER_BYTES
    with path.open("ab") as stream:
        stream.write(_bad_member(line))
    errors: list[str] = []
    docs = list(iter_documents(path, on_error=lambda where, e: errors.append(str(e))))
    assert [d.uri for d in docs] == ["https://news.example/a", "https://news.example/bad"]
    assert errors == []
